"""People who sign in to the workspace, and the audit log of what they did."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.extensions import db


class Role(enum.StrEnum):
    """What a person does in the service; :mod:`feedback.auth.roles` says what each may see."""

    ADMIN = "admin"
    LEAD = "lead"
    MANAGER = "manager"
    SAFEGUARDING = "safeguarding"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.LEAD: "Participation lead",
    Role.MANAGER: "Team manager",
    Role.SAFEGUARDING: "Safeguarding lead",
    Role.VIEWER: "Viewer",
}


class User(UserMixin, db.Model):
    """A member of staff with an account. Respondents never have one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    #: a team manager's team: a value of the surveys' ``team`` segment
    team: Mapped[str | None] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime]
    last_sign_in_at: Mapped[dt.datetime | None]
    #: raised when the password changes, so every other session of this person ends
    session_version: Mapped[int] = mapped_column(default=1)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


class AuditEvent(db.Model):
    """One entry of the audit log: who did what to which thing, and when.

    ``detail`` never holds a respondent's answer, only identifiers and counts.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: the person's email at the time, kept if the account is removed
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()
