"""Demo accounts, one per role, so the workspace can be tried straight away.

They exist only in demo databases (``chorus demo``); the password is printed
when the demo starts and is the same for all of them.
"""

from __future__ import annotations

from feedback.models import Role
from feedback.services import accounts

DEMO_PASSWORD = "listen-and-act"  # noqa: S105 - demo databases only, printed at start

#: (email, name, role, team)
DEMO_ACCOUNTS = (
    ("admin@example.org", "Ada Admin", Role.ADMIN, None),
    ("lead@example.org", "Priya Lead", Role.LEAD, None),
    ("manager@example.org", "Tom Manager", Role.MANAGER, "assessment"),
    ("safeguarding@example.org", "Grace Safeguarding", Role.SAFEGUARDING, None),
    ("board@example.org", "Ben Board", Role.VIEWER, None),
)


def create_demo_accounts() -> list[str]:
    """Create the demo accounts that do not exist yet; returns their emails."""
    made = []
    for email, name, role, team in DEMO_ACCOUNTS:
        if accounts.by_email(email) is None:
            accounts.create_user(email, name, role, DEMO_PASSWORD, team=team)
            made.append(email)
    return made
