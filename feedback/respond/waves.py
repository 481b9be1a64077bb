"""Which wave of a survey a respondent meets today.

Every respondent request starts by finding its survey and wave, so that is one
prepared statement returning plain values (:class:`SurveyRef`,
:class:`WaveRef`), not ORM objects: building and loading those was a sixth of
a page's CPU. The definition is parsed once per process for each version (see
:func:`feedback.models.survey.parsed_definition`), and its text is read only
when that version is not parsed yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from sqlalchemy import bindparam, select

import surveys
from feedback.extensions import db
from feedback.models import Survey, SurveyVersion, Wave, WaveState
from feedback.models.survey import parsed_definition, wave_state
from feedback.services import NotFound


@dataclass(frozen=True)
class SurveyRef:
    """What respondent pages show of a survey."""

    id: int
    key: str
    title: str


@dataclass(frozen=True)
class WaveRef:
    """What respondent pages need of a wave: its dates, whether it needs a code,
    and the version of the definition it asks."""

    id: int
    key: str
    opens_on: dt.date
    closes_on: dt.date
    closed_early_on: dt.date | None
    requires_code: bool
    version_id: int
    version_number: int
    definition_hash: str
    survey_key: str

    def state(self, today: dt.date) -> WaveState:
        return wave_state(self.opens_on, self.closes_on, self.closed_early_on, today)

    def definition(self) -> surveys.Survey:
        """The parsed definition this wave asks."""
        return parsed_definition(self.definition_hash, self._definition_text,
                                 f"{self.survey_key} v{self.version_number}")

    def _definition_text(self) -> str:
        return db.session.execute(_DEFINITION, {"version": self.version_id}).scalar_one()


_WAVES = (
    select(Survey.id.label("survey_id"), Survey.key.label("survey_key"),
           Survey.title.label("survey_title"), Wave.id, Wave.key, Wave.opens_on,
           Wave.closes_on, Wave.closed_early_on, Wave.requires_code,
           SurveyVersion.id.label("version_id"), SurveyVersion.number.label("version_number"),
           SurveyVersion.definition_hash)
    .select_from(Survey)
    .outerjoin(Wave, Wave.survey_id == Survey.id)
    .outerjoin(SurveyVersion, SurveyVersion.id == Wave.version_id)
    .where(Survey.key == bindparam("key"))
)
_DEFINITION = select(SurveyVersion.definition).where(SurveyVersion.id == bindparam("version"))
_LATEST = (
    select(Survey.id, Survey.key, Survey.title, SurveyVersion.number,
           SurveyVersion.definition_hash, SurveyVersion.id.label("version_id"))
    .join(SurveyVersion, SurveyVersion.survey_id == Survey.id)
    .where(Survey.key == bindparam("key"))
    .order_by(SurveyVersion.number.desc())
    .limit(1)
)


def survey_and_wave(survey_key: str, today: dt.date) -> tuple[SurveyRef, WaveRef | None, str]:
    """The survey with ``survey_key``, the wave a respondent meets today and its state
    (as :func:`current_wave` chooses). Raises :class:`NotFound` when there is no
    such survey."""
    rows = db.session.execute(_WAVES, {"key": survey_key}).all()
    if not rows:
        raise NotFound(f"no survey with key {survey_key!r}")
    first = rows[0]
    survey = SurveyRef(first.survey_id, first.survey_key, first.survey_title)
    waves = [WaveRef(r.id, r.key, r.opens_on, r.closes_on, r.closed_early_on,
                     bool(r.requires_code), r.version_id, r.version_number,
                     r.definition_hash, r.survey_key)
             for r in rows if r.id is not None]
    wave, state = choose_wave(waves, today)
    return survey, wave, state


def latest_definition(survey_key: str) -> tuple[SurveyRef, surveys.Survey]:
    """The survey with ``survey_key`` and its latest version's definition."""
    row = db.session.execute(_LATEST, {"key": survey_key}).first()
    if row is None:
        raise NotFound(f"no survey with key {survey_key!r}")

    def text() -> str:
        return db.session.execute(_DEFINITION, {"version": row.version_id}).scalar_one()

    return (SurveyRef(row.id, row.key, row.title),
            parsed_definition(row.definition_hash, text, f"{row.key} v{row.number}"))


class _Dated(Protocol):
    @property
    def opens_on(self) -> dt.date: ...

    def state(self, today: dt.date) -> WaveState: ...


W = TypeVar("W", bound=_Dated)


def current_wave(survey: Survey, today: dt.date) -> tuple[Wave | None, str]:
    """The wave to show and its state: the open one (latest opened), else the next
    upcoming one, else the last closed one; ``(None, "none")`` when it never ran."""
    return choose_wave(survey.waves, today)


def choose_wave(waves: Iterable[W], today: dt.date) -> tuple[W | None, str]:
    """:func:`current_wave` among ``waves``."""
    by_state: dict[WaveState, list[W]] = {s: [] for s in WaveState}
    for wave in waves:
        by_state[wave.state(today)].append(wave)
    if by_state[WaveState.OPEN]:
        return max(by_state[WaveState.OPEN], key=lambda w: w.opens_on), "open"
    if by_state[WaveState.UPCOMING]:
        return min(by_state[WaveState.UPCOMING], key=lambda w: w.opens_on), "upcoming"
    if by_state[WaveState.CLOSED]:
        return max(by_state[WaveState.CLOSED], key=lambda w: w.opens_on), "closed"
    return None, "none"


def open_surveys(surveys: list[Survey], today: dt.date) -> list[tuple[Survey, Wave]]:
    """Surveys that can be answered today, with their open wave."""
    out = []
    for survey in surveys:
        wave, state = current_wave(survey, today)
        if state == "open" and wave is not None:
            out.append((survey, wave))
    return out
