"""Actions taken in response to what people said ("you said, we did")."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.extensions import db

if TYPE_CHECKING:
    from feedback.models.survey import Survey


class RagStatus(enum.StrEnum):
    """The service's RAG scale for actions."""

    BLUE = "blue"      # completed
    GREEN = "green"    # on track
    AMBER = "amber"    # delayed, with a plan
    RED = "red"        # delayed, without a plan

    @property
    def label(self) -> str:
        return RAG_LABELS[self]


RAG_LABELS = {
    RagStatus.BLUE: "Blue: completed",
    RagStatus.GREEN: "Green: on track",
    RagStatus.AMBER: "Amber: delayed, with a plan",
    RagStatus.RED: "Red: delayed, without a plan",
}


class Action(db.Model):
    """Something the service did or will do because of what people told it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: who it answers: staff, families, foster_carers or young_people
    audience: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: what people said, in the service's words (internal)
    you_said: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(String(10), default=RagStatus.GREEN.value)
    #: what shows it was done: links, documents, figures
    evidence: Mapped[str] = mapped_column(Text, default="")
    #: the plain-words version shown on the public "you said, we did" page
    public_said: Mapped[str] = mapped_column(Text, default="")
    public_did: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(default=False)
    completed_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]

    links: Mapped[list[ActionLink]] = relationship(
        back_populates="action", cascade="all, delete-orphan")


class ActionLink(db.Model):
    """What an action answers: a question of a survey, or one of its themes.

    Themes are named by ``theme_number``, which stays the same across refits
    of the question's codebook, so the link survives later waves.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"),
                                           index=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(80))
    theme_number: Mapped[int | None]

    action: Mapped[Action] = relationship(back_populates="links")
    survey: Mapped[Survey] = relationship()
