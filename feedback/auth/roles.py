"""What each role may do. Every admin view names the one permission it needs.

Access is denied by default: :func:`feedback.admin.check_access` refuses any
admin endpoint whose view does not declare a permission with :func:`requires`,
so a new page cannot be reachable by accident. The role matrix test walks every
admin route against every role using this table.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, TypeVar

from feedback.models.user import Role

F = TypeVar("F", bound=Callable[..., Any])


class Permission(enum.StrEnum):
    #: dashboard, results, comparisons and theme summaries (team managers: their team only)
    VIEW_RESULTS = "view_results"
    #: read individual (redacted) comments (team managers: their team only)
    READ_COMMENTS = "read_comments"
    #: rename, merge, split themes, move comments, refresh themes
    EDIT_THEMES = "edit_themes"
    #: record and publish "you said, we did" actions
    MANAGE_ACTIONS = "manage_actions"
    #: create and edit surveys, open and close waves, invitation codes
    MANAGE_SURVEYS = "manage_surveys"
    #: board reports as PDF, charts as images (team managers: their team only)
    EXPORT_REPORTS = "export_reports"
    #: responses as CSV and Excel
    EXPORT_RESPONSES = "export_responses"
    #: the safeguarding queue, answers in full
    SAFEGUARDING = "safeguarding"
    #: erase a person's answers on request (surveys in identified mode)
    ERASE_RESPONSES = "erase_responses"
    #: accounts and roles
    MANAGE_USERS = "manage_users"
    #: read the audit log
    VIEW_AUDIT = "view_audit"
    #: anything every signed-in person may do (their own password)
    SIGNED_IN = "signed_in"


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.LEAD: frozenset({P.VIEW_RESULTS, P.READ_COMMENTS, P.EDIT_THEMES, P.MANAGE_ACTIONS,
                          P.MANAGE_SURVEYS, P.EXPORT_REPORTS, P.EXPORT_RESPONSES,
                          P.SIGNED_IN}),
    Role.MANAGER: frozenset({P.VIEW_RESULTS, P.READ_COMMENTS, P.EXPORT_REPORTS, P.SIGNED_IN}),
    Role.SAFEGUARDING: frozenset({P.SAFEGUARDING, P.SIGNED_IN}),
    Role.VIEWER: frozenset({P.VIEW_RESULTS, P.EXPORT_REPORTS, P.SIGNED_IN}),
}


def can(role: Role | str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[Role(role)]


def requires(permission: Permission) -> Callable[[F], F]:
    """Declare the permission a view needs (checked before the request reaches it)."""

    def decorate(view: F) -> F:
        view.required_permission = permission  # type: ignore[attr-defined]
        return view

    return decorate


def required_permission(view: Callable[..., Any]) -> Permission | None:
    return getattr(view, "required_permission", None)
