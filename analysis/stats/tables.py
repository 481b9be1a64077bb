"""Scores and response rates for groups, after suppression: what the app shows.

Each function here groups responses by segment, builds the count tables of
:mod:`analysis.stats.suppression`, and returns :class:`~analysis.stats.suppression.Hidden`
for every group it may not show.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from analysis.stats.scores import QuestionScore, resolve_renames, score_question, segment_value
from analysis.stats.suppression import ALL, Cell, CountTable, Hidden, Suppression, suppress
from surveys import Question, ResponseRecord, Survey, WaveRecord, get_type

Score = QuestionScore | Hidden
_EVERYONE = "everyone"


@dataclass(frozen=True)
class ScoreTable:
    """Scores of every question for the groups of a breakdown, suppressed.

    ``overall`` holds the scores of the whole selection (the service, or the group named
    by ``where``); ``scores`` those of each group in ``groups`` keyed by
    ``(group, question_key)``; ``respondents`` the number of responses per group
    (or :class:`Hidden`), with :data:`ALL` for the selection.
    """

    survey_key: str
    wave_key: str | None
    by: str | None
    where: Mapping[str, str]
    min_n: int
    groups: tuple[str, ...]
    question_keys: tuple[str, ...]
    overall: Mapping[str, Score]
    scores: Mapping[tuple[str, str], Score]
    respondents: Mapping[str, int | Hidden] = field(default_factory=dict)

    def get(self, group: str, question_key: str) -> Score:
        """The score of ``question_key`` for ``group`` (:data:`ALL` for the selection)."""
        if group == ALL:
            return self.overall[question_key]
        return self.scores[(group, question_key)]

    def for_group(self, group: str) -> list[Score]:
        """Every question's score for one group, in survey order."""
        return [self.get(group, k) for k in self.question_keys]


def _select_wave(responses: Iterable[ResponseRecord], survey_key: str,
                 wave_key: str | None) -> list[ResponseRecord]:
    return [r for r in responses if r.survey_key == survey_key
            and (wave_key is None or r.wave_key == wave_key)]


def _dimensions(by: str | None, where: Mapping[str, str]) -> list[str]:
    dims = list(dict.fromkeys([*where, *([by] if by else [])]))
    if len(dims) > 2:
        raise ValueError("a breakdown can use at most two segments (for example team and role)")
    return dims


def _cell_of(r: ResponseRecord, dims: Sequence[str], renames: Mapping[str, str]) -> Cell:
    values = [segment_value(r, d, renames) for d in dims]
    return (values[0] if values else ALL, values[1] if len(values) > 1 else ALL)


def _table(counts: Counter[Cell], dims: Sequence[str], all_cells: Iterable[Cell]
           ) -> CountTable:
    cells = list(dict.fromkeys(all_cells))
    if len(dims) == 2:
        return CountTable.two_way({c: counts[c] for c in cells})
    if not dims:  # no breakdown: the only group is the whole selection
        return CountTable.one_way({_EVERYONE: sum(counts.values())})
    return CountTable.one_way({c[0]: counts[c] for c in cells})


def score_table(survey: Survey, responses: Iterable[ResponseRecord], *,
                wave_key: str | None = None, by: str | None = None,
                where: Mapping[str, str] | None = None,
                renames: Mapping[str, str] | None = None,
                question_keys: Sequence[str] | None = None,
                min_n: int | None = None) -> ScoreTable:
    """Scores of a wave, broken down by a segment and/or filtered to a group, suppressed.

    Parameters
    ----------
    survey : surveys.Survey
        The definition; its ``settings.min_group_score`` is the threshold.
    responses : iterable of ResponseRecord
        Responses of any waves; only ``survey.key`` and ``wave_key`` are used.
    wave_key : str, optional
        One wave; all waves when ``None``.
    by : str, optional
        A segment to break down by, e.g. ``"team"``; the groups are its values.
    where : mapping, optional
        A filter such as ``{"team": "north"}`` (a team manager's view). Suppression is
        decided on the whole table the filter cuts from (teams, or teams by ``by``), so a
        team hidden to protect a smaller one stays hidden in its own view too.
    renames : mapping, optional
        ``{old_value: new_value}`` for segment values, see :func:`resolve_renames`.
    question_keys : sequence of str, optional
        Questions to score; every question except free text and segments by default.
    min_n : int, optional
        Override the survey's threshold (never below it in the app).
    """
    k = survey.settings.min_group_score if min_n is None else min_n
    where = dict(where or {})
    names = resolve_renames(renames)
    where = {s: names.get(v, v) for s, v in where.items()}
    dims = _dimensions(by, where)
    chosen = _select_wave(responses, survey.key, wave_key)
    questions = [survey.question(q) for q in question_keys] if question_keys else [
        q for q in survey.questions()
        if q.type != "segment" and not get_type(q.type).free_text]
    by_cell: dict[Cell, list[ResponseRecord]] = {}
    for r in chosen:
        by_cell.setdefault(_cell_of(r, dims, names), []).append(r)
    # the selection and its groups, as cells of the table
    sel = (where[dims[0]] if where else ALL,
           where[dims[1]] if len(where) == 2 else ALL)
    groups = sorted({c[dims.index(by)] for c in by_cell if _matches(c, dims, where)}) \
        if by else []
    group_cell = {g: _with(sel, dims.index(by), g) for g in groups} if by else {}
    people = _table(Counter({c: len(v) for c, v in by_cell.items()}), dims, by_cell)
    base = _hide(suppress(people, k))
    respondents: dict[str, int | Hidden] = {}
    values = people.values()
    for g, cell in [(ALL, sel), *group_cell.items()]:
        respondents[g] = Hidden(g, k, "respondents") if cell in base else values.get(cell, 0)
    overall: dict[str, Score] = {}
    scores: dict[tuple[str, str], Score] = {}
    for q in questions:
        answered = Counter({c: sum(1 for r in rs if r.answers.get(q.key) not in (None, ()))
                            for c, rs in by_cell.items()})
        mask = _hide(suppress(_table(answered, dims, by_cell), k, also_hide=base))
        overall[q.key] = _score(q, by_cell, sel, dims, ALL, mask, k)
        for g, cell in group_cell.items():
            scores[(g, q.key)] = _score(q, by_cell, cell, dims, g, mask, k)
    return ScoreTable(survey.key, wave_key, by, where, k, tuple(groups),
                      tuple(q.key for q in questions), overall, scores, respondents)


def _hide(result: Suppression) -> frozenset[Cell]:
    """The cells to hide; all of them when the table could not be protected otherwise."""
    if result.safe:
        return result.hidden
    return frozenset(result.table.values())


def _matches(cell: Cell, dims: Sequence[str], where: Mapping[str, str]) -> bool:
    return all(cell[i] == where[d] for i, d in enumerate(dims) if d in where)


def _with(cell: Cell, index: int, value: str) -> Cell:
    return (value, cell[1]) if index == 0 else (cell[0], value)


def _score(q: Question, by_cell: Mapping[Cell, list[ResponseRecord]], cell: Cell,
           dims: Sequence[str], group: str, hidden: frozenset[Cell], k: int) -> Score:
    if cell in hidden:
        return Hidden(group, k, q.key)
    members = [r for c, rs in by_cell.items() if _inside(c, cell, len(dims)) for r in rs]
    return score_question(q, members, group)


def _inside(cell: Cell, target: Cell, ndims: int) -> bool:
    return all(target[i] == ALL or cell[i] == target[i] for i in range(max(ndims, 1)))


def score_wave(survey: Survey, responses: Iterable[ResponseRecord], wave_key: str, *,
               where: Mapping[str, str] | None = None,
               renames: Mapping[str, str] | None = None) -> list[Score]:
    """Every question's score for one wave, for the service or the group in ``where``.

    A shortcut for ``score_table(...).for_group(ALL)``; see :func:`score_table`.
    """
    table = score_table(survey, responses, wave_key=wave_key, where=where, renames=renames)
    return table.for_group(ALL)


@dataclass(frozen=True)
class ResponseRate:
    """Responses against a wave's target head-count for one group.

    ``responses`` is ``None`` when the count is hidden; the target is still shown.
    """

    group: str
    responses: int | None
    target: int | None
    min_n: int = 5

    @property
    def hidden(self) -> bool:
        return self.responses is None

    @property
    def rate(self) -> float | None:
        """Responses over target; ``None`` without a target or when hidden."""
        if self.responses is None or not self.target:
            return None
        return self.responses / self.target

    @property
    def label(self) -> str:
        """For example ``"25 of 40 (63%)"`` or ``"fewer than 5 of 12"``."""
        got = f"fewer than {self.min_n}" if self.responses is None else str(self.responses)
        if self.target is None:
            return f"{got} (no target)"
        rate = self.rate
        return f"{got} of {self.target}" + (f" ({rate:.0%})" if rate is not None else "")


def response_rates(survey: Survey, wave: WaveRecord, responses: Iterable[ResponseRecord], *,
                   segment: str | None = None, renames: Mapping[str, str] | None = None,
                   min_n: int | None = None) -> list[ResponseRate]:
    """Response rates of a wave, overall (first) and per value of ``segment``.

    Targets come from ``wave.target_total`` and ``wave.targets[segment]``; renamed
    groups have their targets added up. Counts below the threshold are hidden by the
    same suppression as the scores.
    """
    k = survey.settings.min_group_score if min_n is None else min_n
    names = resolve_renames(renames)
    chosen = [r for r in responses if r.wave_key == wave.key]
    total = ResponseRate(ALL, len(chosen), wave.target_total, k)
    if segment is None:
        hidden = suppress(CountTable.one_way({_EVERYONE: len(chosen)}), k).hidden
        return [ResponseRate(ALL, None, wave.target_total, k) if hidden else total]
    targets: Counter[str] = Counter()
    for value, head_count in wave.targets.get(segment, {}).items():
        targets[names.get(value, value)] += head_count
    counts = Counter(segment_value(r, segment, names) for r in chosen)
    groups = list(dict.fromkeys([*sorted(targets), *sorted(counts)]))
    mask = suppress(CountTable.one_way({g: counts[g] for g in groups}), k)
    rates = [ResponseRate(ALL, None if mask.is_hidden() else len(chosen),
                          wave.target_total, k)]
    for g in groups:
        rates.append(ResponseRate(g, None if mask.is_hidden(g) else counts[g],
                                  targets.get(g), k))
    return rates
