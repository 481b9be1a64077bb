"""Invitation codes and drafts: how people get into a survey and come back to it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.extensions import db

if TYPE_CHECKING:
    from feedback.models.survey import Wave


class InvitationCode(db.Model):
    """A single-use code for a wave that asks for one.

    Only a hash of the code is stored, and nothing links a used code to the
    response it let in: in an anonymous survey, the code cannot identify anyone.
    """

    __table_args__ = (UniqueConstraint("wave_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_on: Mapped[dt.date]
    used_on: Mapped[dt.date | None]

    wave: Mapped[Wave] = relationship()


class Draft(db.Model):
    """Answers given so far, kept on the server until submission or the wave closes.

    ``token_hash`` identifies the browser's draft (the token sits in the
    session cookie); ``resume_hash`` is the hash of the short code a person can
    write down to carry on later, on any device.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    resume_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: sent with the final page, so a double submission stores one response
    idempotency_key: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: pages answered, in order, so "Back" retraces the respondent's own path
    path: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(8), default="en")
    #: the invitation code this respondent gave, consumed when they submit; the draft
    #: (and so the link) is deleted then
    invitation_hash: Mapped[str | None] = mapped_column(String(64))
    updated_on: Mapped[dt.date]

    wave: Mapped[Wave] = relationship()
