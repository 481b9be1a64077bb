"""The overview: waves open now or soon, and the participation-strategy figures.

Part of :mod:`feedback.services.results` (import from there). The strategy figures
are the ones the service reports on (DESIGN.md section 1): responses from children
and young people, the share of them saying they are listened to, and actions
completed in response, each per year with its trend.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from analysis import stats
from analysis.stats import ALL, Hidden, QuestionScore, ResponseRate
from feedback.extensions import db
from feedback.models import Action, RagStatus, Survey, Wave, WaveState
from feedback.services import results_data as _r

#: audiences whose responses count as "from children and young people"
CHILDREN_AUDIENCES = ("young_people", "care_leavers")
#: the core question the young people's and care leavers' surveys share
LISTENED_TO = "listened_to"
#: how many years the strategy figures go back, this one included
YEARS = 3


@dataclass(frozen=True)
class WaveProgress:
    """A wave open now or opening soon, with responses so far.

    ``rates`` holds, per segment with targets, ``(segment, question text, rates)``;
    for a team manager just their team's row. ``overall`` is the whole wave's rate
    (the team's for a team manager); ``responses`` is Hidden when too few.
    """

    wave: Wave
    state: WaveState
    responses: int | Hidden
    overall: ResponseRate
    rates: tuple[tuple[str, str, tuple[ResponseRate, ...]], ...]
    min_n: int


def wave_progress(today: dt.date, *, team: str | None = None) -> list[WaveProgress]:
    """Open and upcoming waves (soonest closing first), with response rates by segment.

    A team manager (``team``) sees waves of surveys with teams only, and only their
    team's count and rate.
    """
    waves = db.session.scalars(select(Wave).order_by(Wave.closes_on, Wave.title)).all()
    out: list[WaveProgress] = []
    for wave in waves:
        state = wave.state(today)
        if state is WaveState.CLOSED or (team is not None and not _r.has_teams(wave.survey)):
            continue
        survey = _r.definition(wave)
        k = survey.settings.min_group_score
        if team is not None:
            mine = _r.response_rates(wave, team=team)[0]
            label = _r.segments(survey)[_r.TEAM].text
            out.append(WaveProgress(wave, state, Hidden(team, k) if mine.hidden
                                    else mine.responses or 0, mine,
                                    ((_r.TEAM, label, (mine,)),), k))
            continue
        overall = _r.response_rates(wave)[0]
        by_segment = tuple(
            (s, _r.segments(survey)[s].text, tuple(_r.response_rates(wave, segment=s)[1:]))
            for s in _r.targeted_segments(wave))
        out.append(WaveProgress(wave, state, Hidden(ALL, k) if overall.hidden
                                else overall.responses or 0, overall, by_segment, k))
    return out


@dataclass(frozen=True)
class FigurePoint:
    """One year of a strategy figure. ``value`` is a count or a share (0-1), with its
    base ``n`` for shares; ``None`` when there is nothing to show that year."""

    period: str
    value: float | None
    n: int | None = None
    count: int | None = None
    hidden: bool = False


@dataclass(frozen=True)
class Figure:
    """A strategy figure with its trend, oldest year first."""

    key: str
    label: str
    kind: str  # "count" or "share"
    points: tuple[FigurePoint, ...]
    note: str = ""

    @property
    def latest(self) -> FigurePoint:
        return self.points[-1]

    @property
    def previous(self) -> FigurePoint | None:
        return next((p for p in reversed(self.points[:-1]) if p.value is not None), None)

    @property
    def change(self) -> float | None:
        """Change from the previous year with a value: a count, or percentage points."""
        before = self.previous
        if before is None or self.latest.value is None or before.value is None:
            return None
        scale = 100 if self.kind == "share" else 1
        return (self.latest.value - before.value) * scale


def _children_waves(years: list[int]) -> dict[int, list[Wave]]:
    found: dict[int, list[Wave]] = defaultdict(list)
    query = (select(Wave).join(Survey, Wave.survey_id == Survey.id)
             .where(Survey.audience.in_(CHILDREN_AUDIENCES)).order_by(Wave.opens_on))
    for wave in db.session.scalars(query):
        if wave.opens_on.year in years:
            found[wave.opens_on.year].append(wave)
    return found


def _listened(wave: Wave) -> tuple[int, QuestionScore | Hidden | None]:
    """Responses (0 when hidden) and the listened-to score of one wave, cached."""
    survey = _r.definition(wave)
    if not any(q.key == LISTENED_TO for q in survey.questions()):
        return 0, None
    key = ("listened", wave.id, _r.data_version(wave))

    def compute() -> tuple[int, QuestionScore | Hidden | None]:
        table = stats.score_table(survey, _r.wave_records(wave, only=[LISTENED_TO]),
                                  wave_key=wave.key, question_keys=[LISTENED_TO])
        shown = table.respondents[ALL]
        return (0 if isinstance(shown, Hidden) else shown), table.overall[LISTENED_TO]

    return _r._CACHE.get(key, compute)


def participation_figures(today: dt.date, years: int = YEARS) -> list[Figure]:
    """Responses from children and young people, the share saying they are listened to,
    and actions completed in response, for each of the last ``years`` years.

    Years are those in which waves opened. A wave too small to show its count or score
    is left out of the year's total (so it cannot be worked out by subtraction); the
    figure's ``note`` says so.
    """
    span = list(range(today.year - years + 1, today.year + 1))
    waves = _children_waves(span)
    responses, listened = [], []
    left_out = False
    for year in span:
        count, fav, n = 0, 0, 0
        for wave in waves.get(year, []):
            shown, score = _listened(wave)
            if not shown and _r.data_version(wave)[0]:
                left_out = True
            count += shown
            if isinstance(score, QuestionScore) and score.favourable_share is not None:
                fav, n = fav + score.favourable, n + score.n
            elif isinstance(score, Hidden):
                left_out = True
        has_waves = bool(waves.get(year))
        responses.append(FigurePoint(str(year), count if has_waves else None,
                                     count=count if has_waves else None))
        listened.append(FigurePoint(str(year), fav / n if n else None, n=n or None,
                                    count=fav if n else None))
    note = ("Surveys with too few answers to show are left out." if left_out else "")
    return [
        Figure("children_responses", "Responses from children and young people", "count",
               tuple(responses), note),
        Figure("listened_to", "Children and young people who say they are listened to",
               "share", tuple(listened), note),
        Figure("actions_completed", "Actions completed in response to what people said",
               "count", tuple(_actions_completed(span))),
    ]


def _actions_completed(span: list[int]) -> list[FigurePoint]:
    rows = db.session.execute(
        select(Action.completed_on, Action.updated_at)
        .where(Action.status == RagStatus.BLUE.value)).all()
    counts: dict[int, int] = defaultdict(int)
    for completed_on, updated_at in rows:
        day = completed_on or (updated_at.date() if updated_at else None)
        if day is not None:
            counts[day.year] += 1
    return [FigurePoint(str(y), counts.get(y, 0), count=counts.get(y, 0)) for y in span]


def actions_completed_total() -> int:
    """Every completed (blue) action, whenever it was completed."""
    return db.session.scalar(select(func.count(Action.id))
                             .where(Action.status == RagStatus.BLUE.value)) or 0
