"""Safeguarding: one item per response that may show someone is at risk, the findings
(flagged answers) that raised it, and what the safeguarding lead did about it."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.extensions import db

if TYPE_CHECKING:
    from feedback.models.response import Answer, Response
    from feedback.models.user import User


class FlagStatus(enum.StrEnum):
    """Where an item is in the queue. The order of the members is not their urgency:
    see :data:`URGENCY`."""

    NEW = "new"
    REVIEWED = "reviewed"
    REFERRED = "referred"
    NO_FURTHER_ACTION = "no_further_action"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


#: most pressing first: an item of several old flags takes the first status found here
URGENCY = (FlagStatus.NEW, FlagStatus.REFERRED, FlagStatus.REVIEWED,
           FlagStatus.NO_FURTHER_ACTION)


class SafeguardingItem(db.Model):
    """One response that may show someone is at risk: what the safeguarding lead reads
    (the whole response) and decides on. Only the day is kept, as for the response."""

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"),
                                             unique=True)
    raised_on: Mapped[dt.date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default=FlagStatus.NEW.value, index=True)
    #: the safeguarding emails have said that this item is waiting
    notified: Mapped[bool] = mapped_column(default=False)
    #: the day it first left "new" (kept if a later finding puts it back in the queue)
    decided_on: Mapped[dt.date | None]

    response: Mapped[Response] = relationship()
    findings: Mapped[list[SafeguardingFlag]] = relationship(
        back_populates="item", cascade="all, delete-orphan", passive_deletes=True,
        order_by="SafeguardingFlag.id")
    notes: Mapped[list[SafeguardingNote]] = relationship(
        back_populates="item", cascade="all, delete-orphan", passive_deletes=True,
        order_by="SafeguardingNote.at")


class SafeguardingFlag(db.Model):
    """A finding: one answer of an item's response, and why it may show risk.

    ``reasons`` is a list of ``{"category", "label", "matched"}`` from the screen, each
    maybe with ``"source"`` ("phrase", "meaning", "choice" or "person"), ``"examples"``
    (the nearest example disclosures, for "meaning") and ``"score"``.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"),
                                           unique=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("safeguarding_item.id", ondelete="CASCADE"), index=True)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    answer: Mapped[Answer] = relationship()
    item: Mapped[SafeguardingItem] = relationship(back_populates="findings")


class SafeguardingNote(db.Model):
    """A decision on an item: the status it was given and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("safeguarding_item.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)

    item: Mapped[SafeguardingItem] = relationship(back_populates="notes")
    user: Mapped[User | None] = relationship()
