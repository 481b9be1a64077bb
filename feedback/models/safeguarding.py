"""Safeguarding flags raised on free-text answers, and what was done about them."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.extensions import db

if TYPE_CHECKING:
    from feedback.models.response import Answer
    from feedback.models.user import User


class FlagStatus(enum.StrEnum):
    NEW = "new"
    REVIEWED = "reviewed"
    REFERRED = "referred"
    NO_FURTHER_ACTION = "no_further_action"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class SafeguardingFlag(db.Model):
    """A free-text answer the screen thinks may show someone is at risk.

    Only the day is kept, as for the response itself.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"),
                                           unique=True)
    raised_on: Mapped[dt.date] = mapped_column(index=True)
    #: [{"category": ..., "label": ..., "matched": ...}] from the screen
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=FlagStatus.NEW.value, index=True)
    notified: Mapped[bool] = mapped_column(default=False)

    answer: Mapped[Answer] = relationship()
    notes: Mapped[list[SafeguardingNote]] = relationship(
        back_populates="flag", cascade="all, delete-orphan", order_by="SafeguardingNote.at")


class SafeguardingNote(db.Model):
    """A decision on a flag: the status it was given and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    flag_id: Mapped[int] = mapped_column(
        ForeignKey("safeguarding_flag.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)

    flag: Mapped[SafeguardingFlag] = relationship(back_populates="notes")
    user: Mapped[User | None] = relationship()
