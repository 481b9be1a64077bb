"""Accounts: creating people, checking passwords (argon2), roles and teams."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from feedback.extensions import db
from feedback.models import Role, User
from feedback.services import Conflict, NotFound, ServiceError, audit
from feedback.services.clock import now

MIN_PASSWORD_LENGTH = 12
#: refused outright, whatever their length (NCSC: block the obvious ones)
COMMON_PASSWORDS = frozenset({
    "password1234", "password12345", "passwordpassword", "123456789012", "qwertyuiopas",
    "letmeinletmein", "chorus-password", "welcome12345", "changeme1234", "iloveyou1234",
})

_hasher = PasswordHasher()
#: verified against when the email is unknown, so both cases take as long
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class PasswordError(ServiceError):
    """A new password does not meet the rules."""


def check_password_rules(password: str, email: str = "") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordError(f"Use at least {MIN_PASSWORD_LENGTH} characters. Three random "
                            "words make a strong password that is easy to remember.")
    if password.lower() in COMMON_PASSWORDS or (email and email.lower() in password.lower()):
        raise PasswordError("This password is too easy to guess. Choose another.")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(email: str, name: str, role: Role | str, password: str,
                team: str | None = None) -> User:
    email = normalise_email(email)
    if "@" not in email:
        raise ServiceError(f"{email!r} is not an email address")
    if by_email(email) is not None:
        raise Conflict(f"There is already an account for {email}")
    role = _role(role)
    _check_team(role, team)
    check_password_rules(password, email)
    user = User(email=email, name=name.strip() or email, role=role.value,
                team=team or None, password_hash=_hasher.hash(password), created_at=now())
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", email, role=role.value, team=team)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same time either way)."""
    user = by_email(email)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_sign_in_at = now()
    return user


def change_password(user: User, current: str, new: str) -> None:
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise PasswordError("Your current password is not right") from None
    check_password_rules(new, user.email)
    user.password_hash = _hasher.hash(new)
    user.session_version += 1  # ends every other session of this person
    audit.record("user.password_change", user.email, user=user)


def set_role(user: User, role: Role | str, team: str | None = None) -> None:
    role = _role(role)
    _check_team(role, team)
    before = (user.role, user.team)
    user.role, user.team = role.value, team or None
    user.session_version += 1
    audit.record("user.role_change", user.email, before=list(before),
                 after=[user.role, user.team])


def set_active(user: User, active: bool) -> None:
    user.active = active
    user.session_version += 1
    audit.record("user.activate" if active else "user.deactivate", user.email)


def get(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"No account {user_id}")
    return user


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(func.lower(User.name))))


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ServiceError(f"Unknown role {role!r}; choose one of "
                           f"{', '.join(r.value for r in Role)}") from None


def _check_team(role: Role, team: str | None) -> None:
    if role is Role.MANAGER and not team:
        raise ServiceError("A team manager needs a team")
    if role is not Role.MANAGER and team:
        raise ServiceError("Only team managers have a team")
