"""Loading a wave's responses as plain records, and scoring them for the workspace.

Part of :mod:`feedback.services.results` (import from there): loading, the cache,
a wave's scores, breakdowns, response rates and trends. See that module for the
rules on team scope, suppression and caching.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import current_app, has_app_context
from sqlalchemy import func, select

import surveys
from analysis import stats
from analysis.stats import ALL, Hidden, QuestionScore, ResponseRate, ScoreTable
from feedback.extensions import db
from feedback.models import Answer, Response, Survey, SurveyVersion, Wave
from feedback.services import NotFound, ServiceError
from surveys import Question, ResponseRecord, get_type

#: the segment that names a team (the same as feedback.admin.scope.TEAM_SEGMENT)
TEAM = "team"
#: at most this many segments can be combined in one view (team scope included)
MAX_FILTERS = 2

T = TypeVar("T")


class OutsideTeam(NotFound):
    """A team manager asked for another team's results (shown as 404, never 403)."""


class BadFilter(ServiceError):
    """A filter names a segment or a value the survey does not have."""


# -- the cache -----------------------------------------------------------------------

class _LRU:
    """A small thread-safe least-recently-used cache of computed results."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        # one app's database is not another's: ids repeat between databases
        key = (_app_scope(), key)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def peek(self, key: Hashable) -> Any | None:
        """The cached value, or None (without computing it)."""
        with self._lock:
            return self._items.get((_app_scope(), key))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _app_scope() -> tuple[str, str]:
    if not has_app_context():
        return ("", "")
    return (current_app.instance_path, str(current_app.config.get("DATABASE_URL", "")))


_CACHE = _LRU(256)


def clear_cache() -> None:
    """Forget every cached result (tests; after deleting responses)."""
    _CACHE.clear()


def data_version(waves: Wave | Iterable[Wave]) -> tuple[int, int]:
    """A cheap fingerprint of the waves' responses: their number and highest id.

    It changes whenever a response is added (or one is deleted), so cached results
    keyed by it are never stale.
    """
    ids = [w.id for w in ([waves] if isinstance(waves, Wave) else waves)]
    count, top = db.session.execute(
        select(func.count(Response.id), func.max(Response.id))
        .where(Response.wave_id.in_(ids))).one()
    return int(count or 0), int(top or 0)


def _freeze(mapping: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((mapping or {}).items()))


# -- loading records -----------------------------------------------------------------

def definition(wave: Wave) -> surveys.Survey:
    """The survey definition the wave's respondents saw."""
    return wave.version.parsed()


def _segment_keys(versions: Iterable[SurveyVersion]) -> dict[int, dict[str, str]]:
    """Per version id: question key -> segment name, e.g. ``age_group -> age_band``."""
    return {v.id: {q.key: str(q.options.get("segment", q.key))
                   for q in v.parsed().segment_questions()} for v in versions}


def _as_value(value: Any) -> surveys.AnswerValue:
    return tuple(value) if isinstance(value, list) else value


def _load_wave(wave: Wave, only: frozenset[str] | None = None
               ) -> tuple[ResponseRecord, ...]:
    """Every response of one wave as a record, in two queries (free text left out).

    With ``only``, the answers hold just those questions and the segment questions.
    """
    rows = db.session.execute(
        select(Response.id, Response.version_id, Response.submitted_on)
        .where(Response.wave_id == wave.id).order_by(Response.id)).all()
    version_ids = {r.version_id for r in rows}
    versions = [v for v in wave.survey.versions if v.id in version_ids]
    segments = _segment_keys(versions)
    query = (select(Answer.response_id, Answer.question_key, Answer.value)
             .join(Response, Answer.response_id == Response.id)
             .where(Response.wave_id == wave.id, Answer.text.is_(None)))
    if only is not None:
        wanted = set(only) | {k for keys in segments.values() for k in keys}
        query = query.where(Answer.question_key.in_(sorted(wanted)))
    answers: dict[int, dict[str, surveys.AnswerValue]] = {r.id: {} for r in rows}
    for response_id, key, value in db.session.execute(query):
        answers[response_id][key] = _as_value(value)
    survey_key = wave.survey.key
    return tuple(
        ResponseRecord(r.id, survey_key, wave.key, r.submitted_on, answers[r.id],
                       {name: str(answers[r.id][key])
                        for key, name in segments.get(r.version_id, {}).items()
                        if answers[r.id].get(key) not in (None, ())})
        for r in rows)


def wave_records(wave: Wave, only: Iterable[str] | None = None
                 ) -> tuple[ResponseRecord, ...]:
    """Every response of the wave (cached by :func:`data_version`); no team filter.

    Use this (not :func:`load_responses` with a team) as the input of anything that
    computes group results: suppression needs the whole wave. ``only`` names the
    questions needed (segments always come too): cheaper when the whole wave's answers
    are not cached yet, e.g. ``only=()`` for response rates.
    """
    version = data_version(wave)
    full = ("records", wave.id, version)
    if only is None:
        return _CACHE.get(full, lambda: _load_wave(wave))
    cached = _CACHE.peek(full)
    if cached is not None:
        return cached
    keys = frozenset(only)
    return _CACHE.get(("records", wave.id, version, keys), lambda: _load_wave(wave, keys))


def load_responses(waves: Wave | Sequence[Wave], *, team: str | None = None
                   ) -> list[ResponseRecord]:
    """Responses of the waves as :class:`surveys.ResponseRecord`, oldest wave first.

    With ``team``, only responses whose ``team`` segment answer is that team. Free text
    is not in ``answers`` (see :func:`load_comments`). For listing or exporting one
    team's responses; to *score* a team, use :func:`wave_results` with ``team``.
    """
    chosen = [waves] if isinstance(waves, Wave) else sorted(waves, key=lambda w: w.opens_on)
    out: list[ResponseRecord] = []
    for wave in chosen:
        out.extend(r for r in wave_records(wave)
                   if team is None or r.segments.get(TEAM) == team)
    return out


# -- a wave's results -----------------------------------------------------------------

@dataclass(frozen=True)
class QuestionResult:
    """One question of a wave: its definition, section title and score (or Hidden)."""

    question: Question
    section: str
    score: QuestionScore | Hidden

    @property
    def hidden(self) -> bool:
        return isinstance(self.score, Hidden)

    @property
    def scored(self) -> bool:
        """Whether the question has favourable shares (agreement, smiley, yes/no, 0-10)."""
        return get_type(self.question.type).scored


@dataclass(frozen=True)
class WaveResults:
    """Every question's score for a wave, for the service or a group, after suppression.

    ``where`` is the group shown (team scope and filters, ``{}`` for everyone);
    ``respondents`` the number of responses in it, or :class:`Hidden`. When the group
    itself is hidden, every score is hidden too.
    """

    wave: surveys.WaveRecord
    survey: surveys.Survey
    where: Mapping[str, str]
    respondents: int | Hidden
    questions: tuple[QuestionResult, ...]
    min_n: int
    min_comments: int
    table: ScoreTable = field(repr=False)

    @property
    def hidden(self) -> bool:
        return isinstance(self.respondents, Hidden)

    @property
    def any_hidden(self) -> bool:
        return self.hidden or any(q.hidden for q in self.questions)

    @property
    def hidden_note(self) -> str:
        return stats.hidden_note(self.min_n)

    def scores(self) -> list[QuestionScore | Hidden]:
        """Every question's score (or Hidden), in survey order."""
        return [q.score for q in self.questions]

    def sections(self) -> list[tuple[str, list[QuestionResult]]]:
        """Questions grouped by section title, in survey order."""
        out: dict[str, list[QuestionResult]] = {}
        for q in self.questions:
            out.setdefault(q.section, []).append(q)
        return list(out.items())

    def get(self, question_key: str) -> QuestionResult:
        return next(q for q in self.questions if q.question.key == question_key)


def segments(survey: surveys.Survey) -> dict[str, Question]:
    """The survey's segment questions by segment name (team, role, age_band...)."""
    return {str(q.options.get("segment", q.key)): q for q in survey.segment_questions()}


def scope_where(survey: surveys.Survey, *, team: str | None,
                filters: Mapping[str, str] | None) -> dict[str, str]:
    """The group a view shows: ``filters`` checked against the survey, plus the team.

    Raises :class:`OutsideTeam` when ``filters`` names a team other than ``team``,
    and :class:`BadFilter` for an unknown segment or value, or too many segments.
    """
    where = {k: v for k, v in (filters or {}).items() if v}
    if team is not None:
        if where.get(TEAM, team) != team:
            raise OutsideTeam("no such team")
        where[TEAM] = team
    known = segments(survey)
    for name, value in where.items():
        if name not in known:
            if name == TEAM and team is not None:
                continue  # a survey without teams shows a team manager nobody
            raise BadFilter(f"{survey.title} has no {name.replace('_', ' ')} question")
        if value not in {c.value for c in known[name].choices}:
            if name == TEAM and team is not None:
                continue
            raise BadFilter(f"{value!r} is not a {name.replace('_', ' ')} in {survey.title}")
    if len(where) > MAX_FILTERS:
        raise BadFilter(f"choose at most {MAX_FILTERS} groups at once")
    return where


def wave_results(wave: Wave, *, team: str | None = None,
                 filters: Mapping[str, str] | None = None) -> WaveResults:
    """Every question's score for the wave (free text and segment questions left out).

    Parameters
    ----------
    wave : Wave
    team : str, optional
        The team a team manager may see; ``None`` for everyone.
    filters : mapping, optional
        Segment name -> value, e.g. ``{"role": "social_worker"}``; at most two
        segments together with ``team``.
    """
    survey = definition(wave)
    where = scope_where(survey, team=team, filters=filters)
    key = ("wave", wave.id, data_version(wave), _freeze(where))
    return _CACHE.get(key, lambda: _wave_results(wave, survey, where))


def _wave_results(wave: Wave, survey: surveys.Survey, where: dict[str, str]) -> WaveResults:
    table = stats.score_table(survey, wave_records(wave), wave_key=wave.key, where=where)
    respondents = table.respondents[ALL]
    section_of = {q.key: s.title for s in survey.sections for q in s.questions}
    questions = tuple(
        QuestionResult(survey.question(k), section_of[k],
                       Hidden(ALL, table.min_n, k) if isinstance(respondents, Hidden)
                       else table.overall[k])
        for k in table.question_keys)
    return WaveResults(wave.record(), survey, where, respondents, questions,
                       survey.settings.min_group_score, survey.settings.min_group_comments,
                       table)


def score_breakdown(wave: Wave, by: str, *, team: str | None = None,
                    filters: Mapping[str, str] | None = None,
                    question_keys: Sequence[str] | None = None) -> ScoreTable:
    """The wave's scores for each group of segment ``by`` (e.g. every team), suppressed.

    A team manager (``team`` given) may break their own team down by another segment
    (e.g. role) but not by team.
    """
    survey = definition(wave)
    if by not in segments(survey):
        raise BadFilter(f"{survey.title} has no {by.replace('_', ' ')} question")
    if team is not None and by == TEAM:
        raise OutsideTeam("a team manager sees their own team only")
    where = scope_where(survey, team=team, filters=filters)
    if by in where or len(where) + 1 > MAX_FILTERS:
        raise BadFilter("a breakdown needs a segment that is not filtered")
    key = ("breakdown", wave.id, data_version(wave), by, _freeze(where),
           tuple(question_keys or ()))
    return _CACHE.get(key, lambda: stats.score_table(
        survey, wave_records(wave), wave_key=wave.key, by=by, where=where,
        question_keys=question_keys))


# -- response rates -------------------------------------------------------------------

def response_rates(wave: Wave, *, segment: str | None = None, team: str | None = None
                   ) -> list[ResponseRate]:
    """Responses against the wave's targets: overall first, then each group of ``segment``.

    Counts below the threshold (or hidden to protect another group) have
    ``responses=None``; targets stay visible. For a team manager (``team`` given) the
    result is their team's row of the team breakdown only, with the team's target.
    """
    survey = definition(wave)
    key = ("rates", wave.id, data_version(wave), segment, team)

    def compute() -> list[ResponseRate]:
        records = wave_records(wave, only=())
        if team is None:
            return stats.response_rates(survey, wave.record(), records, segment=segment)
        rates = stats.response_rates(survey, wave.record(), records, segment=TEAM)
        mine = [r for r in rates[1:] if r.group == team]
        target = (wave.targets or {}).get(TEAM, {}).get(team)
        return mine or [ResponseRate(team, 0, target, survey.settings.min_group_score)]

    return _CACHE.get(key, compute)


def targeted_segments(wave: Wave) -> list[str]:
    """Segments the wave has target head-counts for (response rates by segment)."""
    known = segments(definition(wave))
    return [s for s in (wave.targets or {}) if s in known]


# -- a survey's waves ------------------------------------------------------------------

def survey_waves(survey: Survey, *, upto: Wave | None = None) -> list[Wave]:
    """The survey's waves by opening date (up to and including ``upto``)."""
    waves = sorted(survey.waves, key=lambda w: w.opens_on)
    if upto is not None:
        waves = [w for w in waves if w.opens_on <= upto.opens_on]
    return waves


# -- finding surveys and waves --------------------------------------------------------

def has_teams(survey: Survey) -> bool:
    """Whether the survey's latest definition asks which team people are in."""
    return bool(survey.versions) and TEAM in segments(survey.latest_version.parsed())


def surveys_with_waves(*, team: str | None = None) -> list[Survey]:
    """Surveys that have at least one wave; for a team manager, only those with teams."""
    found = db.session.scalars(select(Survey).where(Survey.waves.any()).order_by(Survey.title))
    return [s for s in found if team is None or has_teams(s)]


def get_wave(key: str, *, team: str | None = None) -> Wave:
    """The wave with ``key``; :class:`NotFound` when there is none, or when a team
    manager asks for a wave of a survey without teams."""
    wave = db.session.scalar(select(Wave).where(Wave.key == key))
    if wave is None or (team is not None and not has_teams(wave.survey)):
        raise NotFound(f"no wave {key!r}")
    return wave
