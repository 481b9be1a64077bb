"""Helpers for workspace tests: accounts for every role, signed in without the form.

Hashing a password with argon2 takes a noticeable fraction of a second, so
accounts made here share one hash computed once; ``sign_in`` puts the account
straight into the session (the sign-in form has its own tests).
"""

from __future__ import annotations

import functools
import time

from argon2 import PasswordHasher

from feedback.extensions import db
from feedback.models import Role, User
from feedback.services.clock import now

PASSWORD = "correct horse battery staple"


@functools.cache
def _hash() -> str:
    return PasswordHasher().hash(PASSWORD)


def make_user(role: Role | str = Role.LEAD, *, team: str | None = None,
              email: str | None = None, name: str | None = None, active: bool = True) -> User:
    """An account (call inside an app context); team managers default to team "north"."""
    role = Role(role)
    if role is Role.MANAGER and team is None:
        team = "north"
    user = User(email=email or f"{role.value}{'-' + team if team else ''}@example.org".lower(),
                name=name or f"{role.label} {team or ''}".strip(), role=role.value, team=team,
                password_hash=_hash(), active=active, created_at=now())
    db.session.add(user)
    db.session.commit()
    # Loaded and detached, so tests can read it after leaving the app context.
    db.session.refresh(user)
    db.session.expunge(user)
    return user


def sign_in(client, user: User) -> None:
    """Start a workspace session for ``user`` on the test client."""
    login_id = user.get_id()
    with client.session_transaction() as session:
        session["_user_id"] = login_id
        session["_fresh"] = True
        session["started"] = session["seen"] = time.time()


def signed_in_client(app, user_id: int):
    """A new test client of ``app``, signed in as the user with ``user_id``."""
    client = app.test_client()
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
    sign_in(client, user)
    return client


def sign_in_as(client, role: Role | str, **kwargs) -> User:
    user = make_user(role, **kwargs)
    sign_in(client, user)
    return user
