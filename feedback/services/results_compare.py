"""Comparisons for the workspace: waves, a team with the rest, audiences, a benchmark.

Each function returns a :class:`ComparisonSet`: per scored question the change in
percentage points, the p-value after Benjamini-Hochberg (``correction="holm"`` for
a statement that must make no false claim), Cohen's h and the n of each side, or
:class:`analysis.stats.Hidden` where either side is too small. Import these from
:mod:`feedback.services.results`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import surveys
from analysis import stats
from analysis.stats import ALL, Comparison, Hidden
from feedback.models import Wave
from feedback.services import results_data as _r
from surveys import get_type

Compared = Comparison | Hidden

#: what a change means, in plain words, by (significant, direction)
_VERDICTS = {
    (True, 1): "{up}, and unlikely to be chance",
    (True, -1): "{down}, and unlikely to be chance",
    (False, 1): "Higher, but could be chance",
    (False, -1): "Lower, but could be chance",
    (False, 0): "No real change",
}


def verdict(row: Compared, kind: str = "waves") -> str:
    """A plain-words reading of one comparison ("Better, and unlikely to be chance").

    A higher favourable share reads as "Better" except between audiences, where
    "Higher" says no more than the numbers do.
    """
    if isinstance(row, Hidden):
        return "Hidden: too few answers to compare"
    direction = (row.change_points > 0) - (row.change_points < 0)
    if not row.significant and abs(row.change_points) < 0.5:
        direction = 0
    up, down = ("Higher", "Lower") if kind == "audiences" else ("Better", "Worse")
    words = _VERDICTS[(row.significant and direction != 0, direction)].format(up=up, down=down)
    if row.small_base:
        words += " (small numbers: read with care)"
    return words


@dataclass(frozen=True)
class ComparisonSet:
    """One comparison of two sides, question by question.

    ``current_label``/``other_label`` name the sides ("Staff survey 2025",
    "rest of the service", "benchmark"); ``current_n``/``other_n`` are their numbers of
    respondents (Hidden when too small; ``None`` for a benchmark, which has no base).
    ``question_text`` gives the wording of every question key in ``rows``, hidden
    ones included.
    """

    kind: str
    current_label: str
    other_label: str
    rows: tuple[Compared, ...]
    question_text: Mapping[str, str]
    min_n: int
    current_n: int | Hidden
    other_n: int | Hidden | None
    correction: str = "bh"

    @property
    def title(self) -> str:
        return f"{self.current_label} compared with {self.other_label}"

    def key(self, row: Compared) -> str:
        return row.subject if isinstance(row, Hidden) else row.question_key

    def verdict(self, row: Compared) -> str:
        return verdict(row, self.kind)

    def text(self, row: Compared) -> str:
        """The question's wording for a row (hidden rows included)."""
        return self.question_text.get(self.key(row), self.key(row))

    def significant(self) -> list[Comparison]:
        """Significant changes, biggest first."""
        found = [r for r in self.rows if isinstance(r, Comparison) and r.significant]
        return sorted(found, key=lambda r: -abs(r.change_points))

    def shown(self) -> list[Comparison]:
        return [r for r in self.rows if isinstance(r, Comparison)]

    @property
    def any_hidden(self) -> bool:
        return any(isinstance(r, Hidden) for r in self.rows) or isinstance(
            self.current_n, Hidden) or isinstance(self.other_n, Hidden)

    @property
    def hidden_note(self) -> str:
        return stats.hidden_note(self.min_n)


def _texts(*surveys_: object) -> dict[str, str]:
    texts: dict[str, str] = {}
    for survey in surveys_:
        for q in survey.questions():  # type: ignore[attr-defined]
            texts.setdefault(q.key, q.text)
    return texts


def compare_waves(current: Wave, previous: Wave, *, team: str | None = None,
                  correction: str = "bh") -> ComparisonSet:
    """One wave against another of the same survey (e.g. this year against last).

    Both waves are scored with the current wave's definition (questions the earlier
    wave did not ask are left out) and suppressed each on its own; with ``team``,
    both are the team's results.
    """
    if current.survey_id != previous.survey_id:
        raise _r.BadFilter("choose two waves of the same survey")
    if current.id == previous.id:
        raise _r.BadFilter("choose two different waves")
    now_, then = _r.wave_results(current, team=team), _r.wave_results(previous, team=team)
    survey = now_.survey
    key = ("cmp-waves", current.id, previous.id, _r.data_version([current, previous]), team,
           correction)

    def compute() -> tuple[Compared, ...]:
        # the earlier wave scored with today's wording so that keys line up
        table = stats.score_table(survey, _r.wave_records(previous), wave_key=previous.key,
                                  where=then.where)
        other = [Hidden(ALL, table.min_n, k) if isinstance(then.respondents, Hidden)
                 else table.overall[k] for k in table.question_keys]
        return tuple(stats.compare_scores(now_.scores(), other, "", correction=correction))

    rows = _r._CACHE.get(key, compute)
    return ComparisonSet("waves", current.title, previous.title, rows,
                         _texts(survey, then.survey), now_.min_n, now_.respondents,
                         then.respondents, correction)


def compare_team_with_rest(wave: Wave, group: str, *, team: str | None = None,
                           correction: str = "bh") -> ComparisonSet:
    """One team of a wave against the rest of the service.

    Not for team managers (``team`` given): the rest of the service is other teams.
    "The rest" is shown only when both the team and the service total are shown.
    """
    if team is not None:
        raise _r.OutsideTeam("a team manager sees their own team only")
    table = _r.score_breakdown(wave, _r.TEAM)
    if group not in table.groups:
        raise _r.BadFilter(f"no answers from team {group!r} in {wave.title}")
    key = ("cmp-team", wave.id, _r.data_version(wave), group, correction)
    rows = _r._CACHE.get(key, lambda: tuple(
        stats.compare_group_with_rest(table, group, correction=correction)))
    survey = _r.definition(wave)
    label = _r.segments(survey)[_r.TEAM]
    name = next((c.label for c in label.choices if c.value == group), group)
    mine = table.respondents.get(group, 0)
    everyone = table.respondents.get(ALL, 0)
    rest: int | Hidden
    if isinstance(mine, Hidden) or isinstance(everyone, Hidden):
        rest = Hidden("rest", table.min_n, "respondents")
    else:
        rest = everyone - mine
    return ComparisonSet("team", f"{name} ({wave.title})", "the rest of the service", rows,
                         _texts(survey), table.min_n, mine, rest, correction)


def shared_questions(a: surveys.Survey, b: surveys.Survey) -> list[str]:
    """The core questions both definitions share, in ``a``'s order.

    Core items (``core: true``) carry the same key across the age-banded surveys,
    asked on different scales (smiley faces for 4-7, yes/no for 8-11, agreement for
    11-17) so that favourable shares can be compared across ages: the types need not
    match, only both be scored. Two surveys with no core item in common are compared
    on their scored questions with the same key.
    """
    theirs = {q.key: q for q in b.questions() if get_type(q.type).scored}
    same = [q for q in a.questions() if get_type(q.type).scored and q.key in theirs]
    core = [q.key for q in same if q.core and theirs[q.key].core]
    return core or [q.key for q in same]


def compare_audiences(wave_a: Wave, wave_b: Wave, *, team: str | None = None,
                      correction: str = "bh") -> ComparisonSet:
    """Two audiences (e.g. young people 8-11 and 11-17) on the questions they share.

    Shared core items: see :func:`shared_questions`. Each side is suppressed on its
    own. Service-wide only: not for team managers.
    """
    if team is not None:
        raise _r.OutsideTeam("a team manager sees their own team only")
    if wave_a.survey_id == wave_b.survey_id:
        raise _r.BadFilter("choose waves of two different surveys (audiences)")
    a, b = _r.definition(wave_a), _r.definition(wave_b)
    shared = shared_questions(a, b)
    if not shared:
        raise _r.BadFilter(f"{wave_a.title} and {wave_b.title} share no scored questions")
    key = ("cmp-aud", wave_a.id, wave_b.id, _r.data_version([wave_a, wave_b]), correction)

    def compute() -> tuple[Compared, ...]:
        mine = stats.score_table(a, _r.wave_records(wave_a), wave_key=wave_a.key,
                                 question_keys=shared)
        other = stats.score_table(b, _r.wave_records(wave_b), wave_key=wave_b.key,
                                  question_keys=shared)
        return tuple(stats.compare_scores(mine.for_group(ALL), other.for_group(ALL), "",
                                          correction=correction))

    rows = _r._CACHE.get(key, compute)
    return ComparisonSet("audiences", wave_a.title, wave_b.title, rows, _texts(a, b),
                         a.settings.min_group_score,
                         _r.wave_results(wave_a).respondents,
                         _r.wave_results(wave_b).respondents, correction)


def compare_benchmark(wave: Wave, benchmark: str | Mapping[str, float], *,
                      team: str | None = None, label: str = "the benchmark",
                      correction: str = "bh") -> ComparisonSet:
    """A wave's scores (or a team's) against external favourable shares.

    ``benchmark`` is CSV text (``question_key,favourable_share``; raises
    :class:`analysis.stats.BenchmarkError` listing every bad line) or a mapping.
    """
    shares = stats.parse_benchmark(benchmark) if isinstance(benchmark, str) else dict(benchmark)
    results = _r.wave_results(wave, team=team)
    known = {q.question.key for q in results.questions if q.scored}
    unknown = sorted(set(shares) - known)
    if unknown:
        raise stats.BenchmarkError([(0, f"{k!r} is not a scored question of {wave.title}")
                                    for k in unknown])
    rows = tuple(stats.compare_with_benchmark(results.scores(), shares, correction=correction))
    return ComparisonSet("benchmark", wave.title, label, rows, _texts(results.survey),
                         results.min_n, results.respondents, None, correction)
