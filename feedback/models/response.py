"""Responses and their answers.

A response keeps the day it was submitted and nothing about the device, the
network or the time of day. Free text sits in its own column so that the
retention rule can delete it while the rest of the answer stays countable.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.extensions import db

if TYPE_CHECKING:
    from feedback.models.survey import SurveyVersion, Wave
    from feedback.models.user import User


class Response(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_version.id"))
    submitted_on: Mapped[dt.date]
    #: sent with the form, so a double tap or a resubmitted page stores one response
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(8), default="en")

    wave: Mapped[Wave] = relationship(back_populates="responses")
    version: Mapped[SurveyVersion] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True)


class Answer(db.Model):
    __table_args__ = (
        UniqueConstraint("response_id", "question_key"),
        Index("ix_answer_question_key", "question_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(80))
    #: the validated value for every type except free text: a choice, a list of
    #: choices, a number or an ISO date
    value: Mapped[Any | None] = mapped_column(JSON)
    text: Mapped[str | None] = mapped_column(Text)
    #: set when the retention rule or an erasure request removed ``text``
    text_deleted_on: Mapped[dt.date | None]
    #: the day a person (the safeguarding lead) first read the words, and who: every
    #: child's words are read by a person, because no screen catches everything
    read_on: Mapped[dt.date | None]
    read_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    response: Mapped[Response] = relationship(back_populates="answers")
    read_by: Mapped[User | None] = relationship()
