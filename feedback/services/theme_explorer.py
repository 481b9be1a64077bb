"""Reading themes in the workspace: the questions with themes, a question's themes with
their trends and quotes, and the state of a refresh (one theme's comments are in
:mod:`feedback.services.theme_comments`).

What a person sees depends on their scope (``team``: ``None`` for every team, or
the team manager's team; see :mod:`feedback.admin.scope`):

- counts, shares and trends go through :func:`analysis.stats.theme_prevalence`
  and :func:`analysis.stats.theme_trends`, so a selection where fewer than the
  survey's ``min_group_comments`` people commented (or one hidden to protect a
  smaller group) shows a note instead of numbers;
- a team manager reads only their team's comments (quotes included), and only
  for a theme with at least ``min_group_comments`` of them; a filter (wave or
  sub-theme) must leave at least that many and must not leave fewer than that
  many outside it (else subtracting one view from another would show a small
  group). Comments are not labelled with their wave for them, for the same reason;
- every text shown is redacted (:func:`analysis.text.prepare`), and every view
  of comments is recorded in the audit log (``comments.view``), never with text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

import surveys
from analysis.stats import theme_prevalence, theme_trends
from analysis.stats.trends import TrendPoint
from analysis.text import prepare
from feedback.extensions import db
from feedback.models import Answer, CommentTheme, Response, Survey, Theme, ThemeRun, Wave
from feedback.services import NotFound, audit
from feedback.services.library import all_surveys, get_survey
from feedback.services.theme_edits import active_themes
from feedback.services.themes import (
    NON_ANSWER_ID,
    FlaggedTexts,
    current_run,
    flagged_texts,
    pending_refresh,
    themed_questions,
)
from surveys import CommentRecord

#: the segment that names a team (as feedback.admin.scope.TEAM_SEGMENT)
TEAM = "team"
PER_PAGE = 25
MAX_SEARCH = 100
#: most comments listed for choosing which to split off (narrow with a search)
SPLIT_LIMIT = 200


def team_question(definition: surveys.Survey) -> str | None:
    """Key of the question that asks which team a person is in, if the survey has one."""
    return next((q.key for q in definition.questions()
                 if q.type == "segment" and q.options.get("segment") == TEAM), None)


@dataclass(frozen=True)
class Question:
    """A free-text question whose answers are grouped into themes."""

    survey: Survey
    key: str
    text: str
    definition: surveys.Survey

    @property
    def min_n(self) -> int:
        return self.definition.settings.min_group_comments


def question(survey_key: str, question_key: str) -> Question:
    """The themed question, or :class:`NotFound`."""
    survey = get_survey(survey_key)
    if not survey.versions or question_key not in themed_questions(survey):
        raise NotFound(f"{survey_key} has no free-text question {question_key!r}")
    definition = survey.latest_version.parsed()
    return Question(survey, question_key, definition.question(question_key).text, definition)


def run_of(q: Question) -> ThemeRun:
    run = current_run(q.survey, q.key)
    if run is None:
        raise NotFound("no themes have been found for this question yet")
    return run


# -- the index of questions ------------------------------------------------------------

@dataclass(frozen=True)
class QuestionEntry:
    key: str
    text: str
    themes: int | None  #: None: no themes found yet
    comments: int | None  #: None: not shown (a team manager's view)


@dataclass(frozen=True)
class SurveyEntry:
    key: str
    title: str
    questions: tuple[QuestionEntry, ...]


def index(team: str | None) -> list[SurveyEntry]:
    """Every survey with free-text questions (for a team manager: those that ask
    for a team), with the number of themes and comments of each question."""
    out = []
    for survey in all_surveys():
        if not survey.versions or not themed_questions(survey):
            continue
        definition = survey.latest_version.parsed()
        if team is not None and team_question(definition) is None:
            continue
        entries = []
        for key in themed_questions(survey):
            run = current_run(survey, key)
            entries.append(QuestionEntry(
                key, definition.question(key).text,
                len(active_themes(run)) if run else None,
                run.n_comments if run and team is None else None))
        out.append(SurveyEntry(survey.key, survey.title, tuple(entries)))
    return out


# -- themed comments, without their text ----------------------------------------------

@dataclass(frozen=True)
class Row:
    answer_id: int
    response_id: int
    wave_key: str
    theme: int
    subtheme: int
    pinned: bool
    team: str | None


def themed_rows(q: Question, run: ThemeRun, number: int | None = None) -> list[Row]:
    """The run's themed comments (or one theme's), newest wave first, with their team."""
    team_key = team_question(q.definition)
    team_answer = aliased(Answer)
    query = (select(CommentTheme.answer_id, Answer.response_id, Wave.key,
                    CommentTheme.theme_number, CommentTheme.subtheme_number,
                    CommentTheme.pinned, team_answer.value)
             .join(Answer, Answer.id == CommentTheme.answer_id)
             .join(Response, Response.id == Answer.response_id)
             .join(Wave, Wave.id == Response.wave_id)
             .outerjoin(team_answer, and_(team_answer.response_id == Answer.response_id,
                                          team_answer.question_key == (team_key or "")))
             .where(CommentTheme.run_id == run.id, Answer.text.is_not(None))
             .order_by(Wave.opens_on.desc(), CommentTheme.answer_id))
    if number is not None:
        query = query.where(CommentTheme.theme_number == number)
    return [Row(a, r, w, t, s, bool(p), str(v) if v is not None and team_key else None)
            for a, r, w, t, s, p, v in db.session.execute(query)]


def redacted_texts(answer_ids: Sequence[int]) -> dict[int, str]:
    """Answer id -> redacted text (:func:`analysis.text.prepare`)."""
    out: dict[int, str] = {}
    ids = list(answer_ids)
    for start in range(0, len(ids), 500):
        for answer_id, text in db.session.execute(
                select(Answer.id, Answer.text).where(Answer.id.in_(ids[start:start + 500]))):
            out[answer_id] = prepare(text or "")
    return out


def run_waves(q: Question, run: ThemeRun) -> list[Wave]:
    """The waves whose comments the run covers, oldest first."""
    return sorted((w for w in q.survey.waves if w.key in set(run.wave_keys)),
                  key=lambda w: w.opens_on)


# -- a question's themes ---------------------------------------------------------------

@dataclass(frozen=True)
class ThemeCard:
    theme: Theme
    count: int
    n: int
    quotes: tuple[str, ...]
    #: why quotes are not shown, if they are not
    quotes_note: str
    trend: tuple[TrendPoint, ...]

    @property
    def share(self) -> float | None:
        return self.count / self.n if self.n else None


@dataclass(frozen=True)
class Overview:
    question: Question
    run: ThemeRun | None
    team: str | None
    #: the selection is too small to show (or the survey asks for no team)
    hidden: bool
    n: int
    waves: tuple[Wave, ...]
    #: themed comments per wave, None where hidden or none
    wave_n: tuple[int | None, ...]
    themes: tuple[ThemeCard, ...]
    non_answers: int
    pending: ThemeRun | None

    @property
    def min_n(self) -> int:
        return self.question.min_n


def _records(q: Question, rows: Sequence[Row]) -> list[CommentRecord]:
    return [CommentRecord(r.response_id, q.survey.key, r.wave_key, q.key, "",
                          {TEAM: r.team} if r.team else {}, r.theme) for r in rows]


def _team_quotes(theme: Theme, rows: Sequence[Row], texts: dict[int, str],
                 flagged: FlaggedTexts) -> tuple[str, ...]:
    mine = flagged.comments([texts[r.answer_id] for r in rows
                             if r.answer_id in texts and texts[r.answer_id]])
    stored = [prepare(t) for t in flagged.quotes(theme.quotes)]
    chosen = [t for t in stored if t in set(mine)][:3]
    for text in mine:
        if len(chosen) >= 3:
            break
        if text not in chosen:
            chosen.append(text)
    return tuple(chosen)


def overview(q: Question, team: str | None) -> Overview:
    """The themes of a question in a person's scope, biggest first."""
    run = current_run(q.survey, q.key)
    pending = pending_refresh(q.survey, q.key)
    if run is None:
        return Overview(q, None, team, False, 0, (), (), (), 0, pending)
    waves = run_waves(q, run)
    if team is not None and team_question(q.definition) is None:
        return Overview(q, run, team, True, 0, tuple(waves), (), (), 0, pending)
    rows = themed_rows(q, run)
    records = _records(q, rows)
    where = {TEAM: team} if team is not None else None
    overall = theme_prevalence(records, question_key=q.key, where=where, min_n=q.min_n)
    if overall is None:
        return Overview(q, run, team, True, 0, tuple(waves), (), (), 0, pending)
    counts = {s.theme_id: s.count for s in overall}
    n = overall[0].n if overall else 0
    labels = {t.number: t.label for t in run.themes if t.merged_into is None}
    trends = {int(t.key): t for t in theme_trends(records, [w.record() for w in waves],
                                                  question_key=q.key, themes=labels,
                                                  where=where, min_n=q.min_n)}
    first = next(iter(trends.values()), None)
    wave_n = tuple(p.n for p in first.points) if first else tuple(None for _ in waves)
    texts: dict[int, str] = {}
    if team is not None:
        wanted = {number for number, c in counts.items() if c >= q.min_n}
        texts = redacted_texts([r.answer_id for r in rows
                                if r.team == team and r.theme in wanted])
    # a possible disclosure is never a quote, even one flagged after the fit
    flagged = flagged_texts(q.survey.id, q.key)
    cards = []
    for theme in active_themes(run):
        count = counts.get(theme.number, 0)
        if team is None:
            quotes, note = tuple(prepare(t) for t in flagged.quotes(theme.quotes)[:5]), ""
        elif count >= q.min_n:
            mine = [r for r in rows if r.team == team and r.theme == theme.number]
            quotes, note = _team_quotes(theme, mine, texts, flagged), ""
        else:
            quotes, note = (), (f"Quotes are not shown: fewer than {q.min_n} comments "
                                "from your team are in this theme.")
        trend = trends.get(theme.number)
        cards.append(ThemeCard(theme, count, n, quotes, note,
                               trend.points if trend else ()))
    cards.sort(key=lambda c: (-c.count, c.theme.number))
    if any(c.quotes for c in cards):
        audit.record("comments.view", f"{q.survey.key}/{q.key}", view="quotes",
                     shown=sum(len(c.quotes) for c in cards), team=team)
    return Overview(q, run, team, False, n, tuple(waves), wave_n, tuple(cards),
                    counts.get(NON_ANSWER_ID, 0), pending)


# -- a refresh under way -----------------------------------------------------------------

@dataclass(frozen=True)
class RefreshState:
    """What a refresh started from the workspace is doing."""

    #: queued, running, done or failed
    status: str
    progress: str
    error: str = ""

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


def refresh_state(q: Question, run_id: int) -> RefreshState:
    """The state of the refresh whose queued run was ``run_id``.

    An update adds comments to the current run and deletes the queued one, so a
    run that is no longer there has finished. Another question's run is NotFound.
    """
    ticket = db.session.get(ThemeRun, run_id)
    if ticket is None:
        current = current_run(q.survey, q.key)
        return RefreshState("done", current.progress if current else "")
    if ticket.survey_id != q.survey.id or ticket.question_key != q.key:
        raise NotFound("that refresh is of another question")
    return RefreshState(ticket.status, ticket.progress, ticket.error or "")
