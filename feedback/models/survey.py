"""Surveys, their frozen versions, and waves (one run of a survey)."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

import surveys
from feedback.extensions import db

if TYPE_CHECKING:
    from feedback.models.response import Response


def definition_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Survey(db.Model):
    """A survey in the service's collection; its wording lives in versions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime]

    versions: Mapped[list[SurveyVersion]] = relationship(
        back_populates="survey", order_by="SurveyVersion.number", cascade="all, delete-orphan")
    waves: Mapped[list[Wave]] = relationship(
        back_populates="survey", order_by="Wave.opens_on", cascade="all, delete-orphan")

    @property
    def latest_version(self) -> SurveyVersion:
        return self.versions[-1]


class SurveyVersion(db.Model):
    """One version of a definition, as YAML text with its hash.

    A version is frozen when a wave using it opens: answers then always refer
    to the wording people saw.
    """

    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    number: Mapped[int]
    definition: Mapped[str] = mapped_column(Text)
    definition_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    frozen_at: Mapped[dt.datetime | None]

    survey: Mapped[Survey] = relationship(back_populates="versions")

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def parsed(self) -> surveys.Survey:
        """The definition as a :class:`surveys.Survey`.

        Parsed once per process for each definition hash; while it is cached
        the text is not read, so it may be left unloaded (deferred).
        """
        return parsed_definition(self.definition_hash, lambda: self.definition,
                                 f"{self.survey.key} v{self.number}")


def parsed_definition(digest: str, text: Callable[[], str], source: str) -> surveys.Survey:
    """The definition whose hash is ``digest``, parsed from ``text()`` the first time.

    Keyed by the hash: a parsed definition is immutable, so sharing it between
    requests (and threads) holds no state a web worker could lose. The oldest
    goes first past :data:`_PARSED_MAX`; two threads racing at worst parse twice.
    """
    cached = _PARSED.get(digest)
    if cached is None:
        cached = surveys.loads_survey(text(), source)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.pop(next(iter(_PARSED)), None)
        _PARSED[digest] = cached
    return cached


_PARSED: dict[str, surveys.Survey] = {}
_PARSED_MAX = 256


class WaveState(enum.StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


def wave_state(opens_on: dt.date, closes_on: dt.date, closed_early_on: dt.date | None,
               today: dt.date) -> WaveState:
    """Whether a wave with these dates is upcoming, open or closed on ``today``."""
    if closed_early_on is not None and closed_early_on <= today:
        return WaveState.CLOSED
    if today < opens_on:
        return WaveState.UPCOMING
    if today > closes_on:
        return WaveState.CLOSED
    return WaveState.OPEN


class Wave(db.Model):
    """One run of a survey between two dates, with target head-counts."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_version.id"))
    title: Mapped[str] = mapped_column(String(200))
    opens_on: Mapped[dt.date]
    closes_on: Mapped[dt.date]
    closed_early_on: Mapped[dt.date | None]
    #: segment name -> segment value -> head-count, e.g. {"team": {"assessment": 30}}
    targets: Mapped[dict] = mapped_column(JSON, default=dict)
    target_total: Mapped[int | None]
    #: respondents need a single-use invitation code (the default is an open link)
    requires_code: Mapped[bool] = mapped_column(default=False, server_default=false())

    survey: Mapped[Survey] = relationship(back_populates="waves")
    version: Mapped[SurveyVersion] = relationship()
    responses: Mapped[list[Response]] = relationship(
        back_populates="wave", cascade="all, delete-orphan", passive_deletes=True)

    def state(self, today: dt.date) -> WaveState:
        return wave_state(self.opens_on, self.closes_on, self.closed_early_on, today)

    def record(self) -> surveys.WaveRecord:
        """The wave as a plain record for :mod:`analysis`."""
        return surveys.WaveRecord(
            key=self.key, survey_key=self.survey.key, title=self.title,
            opens_on=self.opens_on, closes_on=self.closed_early_on or self.closes_on,
            targets=self.targets or {}, target_total=self.target_total)
