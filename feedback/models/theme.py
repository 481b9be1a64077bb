"""Theme runs: a fitted codebook of themes for one question's comments, and which
theme each comment is in. Embeddings are cached by a hash of the normalised text."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.extensions import db

if TYPE_CHECKING:
    from feedback.models.response import Answer
    from feedback.models.survey import Survey


class ThemeRun(db.Model):
    """One fit (or update) of themes for a question of a survey, across waves."""

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"),
                                           index=True)
    question_key: Mapped[str] = mapped_column(String(80))
    #: waves whose comments the run covers, oldest first
    wave_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    backend: Mapped[str] = mapped_column(String(20))
    #: the estimator's parameters, as given (n_themes, random_state...)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime]
    #: queued, running, done or failed
    status: Mapped[str] = mapped_column(String(10), default="queued")
    #: what the job is doing now, in words, for the progress display
    progress: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str | None] = mapped_column(Text)
    n_comments: Mapped[int] = mapped_column(default=0)
    #: the run this one was matched against, so names and history carry over
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("theme_run.id"))
    #: the fitted estimator, pickled and signed with the app's secret key
    model: Mapped[bytes | None] = mapped_column(LargeBinary)

    survey: Mapped[Survey] = relationship()
    themes: Mapped[list[Theme]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="Theme.number")


class Theme(db.Model):
    """A theme of a run's codebook. ``number`` is the estimator's theme id
    (-1 for the non-answers); it stays the same for matched themes across runs."""

    __table_args__ = (UniqueConstraint("run_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("theme_run.id", ondelete="CASCADE"))
    number: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: redacted quotes, central and varied
    quotes: Mapped[list[str]] = mapped_column(JSON, default=list)
    size: Mapped[int]
    share: Mapped[float]
    subthemes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: what matching a later refit needs: the centroid, its space, the term profile
    centroid: Mapped[list[float]] = mapped_column(JSON, default=list)
    space: Mapped[str] = mapped_column(String(80), default="")
    profile: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)
    is_non_answer: Mapped[bool] = mapped_column(default=False)
    is_new: Mapped[bool] = mapped_column(default=False)
    #: a person renamed it: a refit keeps this label for the matched theme
    label_edited: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: merged into this theme number: later comments predicted here go there
    merged_into: Mapped[int | None]

    run: Mapped[ThemeRun] = relationship(back_populates="themes")


class CommentTheme(db.Model):
    """The theme a run put a free-text answer in."""

    __table_args__ = (UniqueConstraint("run_id", "answer_id"),
                      Index("ix_comment_theme_answer_id", "answer_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("theme_run.id", ondelete="CASCADE"))
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"))
    theme_number: Mapped[int]
    subtheme_number: Mapped[int] = mapped_column(default=0)
    #: a person moved the comment here: later updates and refits keep it here
    pinned: Mapped[bool] = mapped_column(default=False, server_default=false())

    answer: Mapped[Answer] = relationship()


class Embedding(db.Model):
    """A sentence embedding, keyed by the hash of the normalised text and the model."""

    __table_args__ = (UniqueConstraint("model", "text_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model: Mapped[str] = mapped_column(String(80))
    text_hash: Mapped[str] = mapped_column(String(64))
    #: float32 values, little-endian
    vector: Mapped[bytes] = mapped_column(LargeBinary)
