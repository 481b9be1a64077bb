"""The board report: one wave's results as a PDF, for the service or for one team.

What goes in (DESIGN.md section 1, the board member's row): a title page (survey,
wave, dates, service name), response rates against targets, key scores with their
trend across waves and the change since the last wave with its significance, the top
themes of what people wrote with two or three redacted quotes each, the audience's
actions with their RAG status, and notes on suppression and n.

Every figure comes from :mod:`feedback.services.results`, so it has been through the
same suppression as the workspace pages; with ``team`` every figure is that team's,
and a team manager can ask for nothing else (the views pass
:func:`feedback.admin.scope.team_scope`). Drawing takes a few seconds, so
:func:`build_report` takes only plain arguments and can run in an RQ job
(:mod:`feedback.jobs`); :func:`export_report` adds the audit entry.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from analysis.stats import Comparison, Hidden, QuestionScore, ResponseRate, Trend
from feedback.models import Action, RagStatus, Wave
from feedback.services import audit, results
from feedback.services.actions import RAG_MEANINGS, describe_link, find_actions, is_overdue
from feedback.services.results_compare import ComparisonSet, verdict
from feedback.services.results_themes import WaveThemes
from surveys import Audience

#: how many waves the score table shows (this one and the ones before it)
TREND_WAVES = 3
#: how many of the biggest changes the change chart shows
CHART_QUESTIONS = 8
#: themes listed per question, and how many of them are quoted
THEMES_LISTED, THEMES_QUOTED, QUOTES = 6, 3, 3


@dataclass(frozen=True)
class Chart:
    """A chart as PNG bytes with the caption printed under it (its text alternative)."""

    title: str
    png: bytes
    caption: str


@dataclass(frozen=True)
class KeyScore:
    """A scored question: this wave's score, its trend, and the change since last wave."""

    text: str
    score: QuestionScore | Hidden
    trend: Trend | None
    change: Comparison | Hidden | None
    reading: str


@dataclass(frozen=True)
class ActionLine:
    title: str
    owner: str
    due_on: dt.date | None
    status: RagStatus
    meaning: str
    overdue: bool
    answers_this_survey: bool
    links: tuple[str, ...]


@dataclass(frozen=True)
class BoardReport:
    """Everything the PDF shows, gathered first so that drawing is separate."""

    service_name: str
    survey_title: str
    audience: str
    wave_title: str
    opens_on: dt.date
    closes_on: dt.date
    scope: str
    generated_on: dt.date
    respondents: int | Hidden
    rates: tuple[ResponseRate, ...]
    previous_title: str | None
    trend_waves: tuple[str, ...]
    scores: tuple[KeyScore, ...]
    themes: tuple[WaveThemes, ...]
    actions: tuple[ActionLine, ...]
    charts: dict[str, Chart]
    min_n: int
    min_comments: int


@dataclass(frozen=True)
class ReportFile:
    filename: str
    data: bytes


def _labels(wave: Wave, segment: str) -> dict[str, str]:
    question = results.segments(results.definition(wave)).get(segment)
    return {c.value: c.label for c in question.choices} if question else {}


def team_label(wave: Wave, team: str) -> str:
    return _labels(wave, results.TEAM).get(team, team)


def previous_wave(wave: Wave) -> Wave | None:
    earlier = [w for w in results.survey_waves(wave.survey, upto=wave) if w.id != wave.id]
    return earlier[-1] if earlier else None


def _rates(wave: Wave, team: str | None) -> tuple[ResponseRate, ...]:
    """Overall first, then by team (or the first segment with targets), labelled."""
    if team is not None:
        return tuple(dataclasses.replace(r, group=team_label(wave, r.group))
                     for r in results.response_rates(wave, team=team))
    segments = results.targeted_segments(wave)
    segment = results.TEAM if results.TEAM in segments else (segments[0] if segments else None)
    labels = _labels(wave, segment) if segment else {}
    return tuple(dataclasses.replace(r, group=labels.get(r.group, r.group))
                 for r in results.response_rates(wave, segment=segment))


def _scores(wave: Wave, team: str | None, previous: Wave | None
            ) -> tuple[tuple[KeyScore, ...], tuple[str, ...], ComparisonSet | None]:
    found = results.wave_results(wave, team=team)
    scored = [q for q in found.questions if q.scored]
    keys = [q.question.key for q in scored]
    waves = [w.key for w in results.survey_waves(wave.survey, upto=wave)][-TREND_WAVES:]
    trends = {t.key: t for t in results.question_trends(wave.survey, team=team,
                                                        question_keys=keys)}
    changes: dict[str, Comparison | Hidden] = {}
    compared = None
    if previous is not None:
        compared = results.compare_waves(wave, previous, team=team)
        changes = {compared.key(row): row for row in compared.rows}
    out = []
    for q in scored:
        trend = trends.get(q.question.key)
        if trend is not None:
            trend = dataclasses.replace(trend, points=tuple(
                p for p in trend.points if p.wave_key in waves))
        change = changes.get(q.question.key)
        reading = verdict(change) if change is not None else "No earlier wave to compare"
        out.append(KeyScore(q.question.text, q.score, trend, change, reading))
    titles = tuple(w.title for w in results.survey_waves(wave.survey, upto=wave)
                   if w.key in waves)
    return tuple(out), titles, compared


def _actions(wave: Wave, today: dt.date) -> tuple[ActionLine, ...]:
    found: list[Action] = find_actions(today, audience=wave.survey.audience)
    lines = [ActionLine(a.title, a.owner, a.due_on, RagStatus(a.status),
                        RAG_MEANINGS[RagStatus(a.status)], is_overdue(a, today),
                        any(x.survey_id == wave.survey_id for x in a.links),
                        tuple(describe_link(x) for x in a.links if x.survey_id == wave.survey_id))
             for a in found]
    return tuple(sorted(lines, key=lambda a: not a.answers_this_survey))


def _charts(report_rates: tuple[ResponseRate, ...], scores: tuple[KeyScore, ...],
            compared: ComparisonSet | None, title: str) -> dict[str, Chart]:
    # matplotlib loads on first use, not in every web worker
    from analysis.charts import AgreementDisplay, ResponseRateDisplay, TrendDisplay
    from feedback.services.results_charts import ChangeDisplay, chart_bytes

    charts: dict[str, Chart] = {}
    rates = ResponseRateDisplay.from_rates(report_rates, title="Responses against targets")
    charts["rates"] = Chart(rates.title, chart_bytes(rates), rates.alt_text)
    if compared is not None:
        # the biggest changes, significant ones first
        pairs = [(s, s.change) for s in scores if isinstance(s.change, Comparison)]
        pairs.sort(key=lambda p: (not p[1].significant, -abs(p[1].change_points)))
        shown = [s for s, _ in pairs]
        keys = {c.question_key for _, c in pairs[:CHART_QUESTIONS]}
        rows = [r for r in compared.rows if isinstance(r, Comparison) and r.question_key in keys]
        if rows:
            change = ChangeDisplay.from_comparisons(
                rows, dict(compared.question_text), title="Biggest changes since the last wave",
                current=compared.current_label, other=compared.other_label,
                min_n=compared.min_n)
            charts["changes"] = Chart(change.title, chart_bytes(change), change.alt_text)
        biggest = [s.trend for s in shown[:3] if s.trend is not None]
        if biggest:
            trend = TrendDisplay.from_trends(biggest, title="Trends of the biggest changes")
            charts["trends"] = Chart(trend.title, chart_bytes(trend), trend.alt_text)
    else:
        bars = AgreementDisplay.from_scores([s.score for s in scores][:CHART_QUESTIONS],
                                            title=f"Answers in {title}")
        charts["scores"] = Chart(bars.title, chart_bytes(bars), bars.alt_text)
    return charts


def gather(wave: Wave, *, team: str | None, service_name: str, today: dt.date
           ) -> BoardReport:
    """The report's contents for the wave, for the service (``team=None``) or one team."""
    definition = results.definition(wave)
    found = results.wave_results(wave, team=team)
    previous = previous_wave(wave)
    rates = _rates(wave, team)
    scores, trend_waves, compared = _scores(wave, team, previous)
    themes = tuple(results.wave_themes(wave, team=team, quotes=QUOTES, limit=THEMES_LISTED))
    return BoardReport(
        service_name=service_name, survey_title=definition.title,
        audience=Audience(definition.audience).label, wave_title=wave.title,
        opens_on=wave.opens_on, closes_on=wave.closed_early_on or wave.closes_on,
        scope=f"Team: {team_label(wave, team)}" if team else "The whole service",
        generated_on=today, respondents=found.respondents, rates=rates,
        previous_title=previous.title if previous else None, trend_waves=trend_waves,
        scores=scores, themes=themes, actions=_actions(wave, today),
        charts=_charts(rates, scores, compared, wave.title),
        min_n=definition.settings.min_group_score,
        min_comments=definition.settings.min_group_comments)


def build_report(wave_key: str, team: str | None, *, service_name: str, today: dt.date
                 ) -> ReportFile:
    """The board report as PDF bytes (plain arguments, so a job queue can run it).

    Raises :class:`feedback.services.NotFound` for an unknown wave, or a wave of a survey
    without teams when ``team`` is given.
    """
    from feedback.services.report_pdf import render

    wave = results.get_wave(wave_key, team=team)
    report = gather(wave, team=team, service_name=service_name, today=today)
    suffix = "-" + re.sub(r"[^a-z0-9_]+", "-", team.lower()).strip("-") if team else ""
    return ReportFile(f"{wave.key}{suffix}-board-report.pdf", render(report))


def export_report(wave_key: str, team: str | None, *, service_name: str, today: dt.date
                  ) -> ReportFile:
    """:func:`build_report`, recorded in the audit log as ``export.report``."""
    report = build_report(wave_key, team, service_name=service_name, today=today)
    audit.record("export.report", wave_key, team=team or "all", bytes=len(report.data))
    return report
