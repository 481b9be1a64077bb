"""Comparisons: wave with wave, team with the rest, audience with audience, benchmark.

Each comparison reports the change in percentage points, a pooled two-proportion z-test
(a one-sample test against a benchmark, which has no base of its own), p-values
adjusted for the number of questions compared, Cohen's h, and a small-base flag.

The adjustment is Benjamini-Hochberg by default. A staff survey compares 30 to 60
questions at once; Holm (which controls the chance of *any* false alarm) would then flag
almost nothing at team level, while Benjamini-Hochberg keeps the expected share of false
alarms among the flagged changes at 5%, which is what a reader scanning a list of
"changes worth a look" needs. ``correction="holm"`` is there for a board report that
must make no false claim at all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from analysis.stats.proportions import (
    CORRECTIONS,
    cohens_h,
    effect_size_label,
    one_sample_z_test,
    two_proportion_z_test,
)
from analysis.stats.scores import QuestionScore, add_scores
from analysis.stats.suppression import ALL, Hidden
from analysis.stats.tables import Score, ScoreTable, score_table
from surveys import ResponseRecord, Survey, WaveRecord

#: below this base on either side a change is flagged: a few people can move it a lot
SMALL_BASE = 30
ALPHA = 0.05


@dataclass(frozen=True)
class Comparison:
    """One question compared between two groups (or a group and a benchmark).

    ``change_points`` is ``(share - other_share) * 100``. ``p_adjusted`` is the p-value
    after the correction for the number of questions in the same comparison.
    """

    question_key: str
    question_text: str
    label: str
    share: float
    n: int
    other_share: float
    other_n: int | None
    change_points: float
    z: float | None
    p_value: float | None
    p_adjusted: float | None
    cohens_h: float
    effect: str
    small_base: bool
    test: str
    correction: str

    @property
    def significant(self) -> bool:
        """Whether the adjusted p-value is below 0.05."""
        return self.p_adjusted is not None and self.p_adjusted < ALPHA


Compared = Comparison | Hidden


def _one(a: QuestionScore, b: QuestionScore, label: str) -> dict[str, object] | None:
    pa, pb = a.favourable_share, b.favourable_share
    if pa is None or pb is None:
        return None
    test = two_proportion_z_test(a.favourable, a.n, b.favourable, b.n)
    h = cohens_h(pa, pb)
    return dict(question_key=a.question_key, question_text=a.question_text, label=label,
                share=pa, n=a.n, other_share=pb, other_n=b.n,
                change_points=(pa - pb) * 100, z=test.z if test else None,
                p_value=test.p_value if test else None, cohens_h=h,
                effect=effect_size_label(h), small_base=min(a.n, b.n) < SMALL_BASE,
                test="two-proportion z-test (pooled)")


def _adjust(rows: list[dict[str, object] | Hidden], correction: str) -> list[Compared]:
    if correction not in CORRECTIONS:
        raise ValueError(f"correction must be one of {sorted(CORRECTIONS)}")
    tested = [r for r in rows if isinstance(r, dict)]
    adjusted = CORRECTIONS[correction]([r["p_value"] for r in tested])  # type: ignore[misc]
    for row, p in zip(tested, adjusted, strict=True):
        row["p_adjusted"] = p
    out: list[Compared] = []
    for item in rows:
        out.append(item if isinstance(item, Hidden)
                   else Comparison(correction=correction, **item))  # type: ignore[arg-type]
    return out


def compare_scores(current: Iterable[Score], other: Iterable[Score], label: str, *,
                   correction: str = "bh") -> list[Compared]:
    """Compare two lists of scores question by question (scored questions in both).

    A question hidden on either side gives :class:`Hidden`; a question with no
    favourable share on either side (nobody answered, or everyone said "don't know")
    is left out, as is a question missing from ``other``.
    """
    others = {s.question_key if isinstance(s, QuestionScore) else s.subject: s for s in other}
    rows: list[dict[str, object] | Hidden] = []
    for a in current:
        key = a.question_key if isinstance(a, QuestionScore) else a.subject
        b = others.get(key)
        if b is None or (isinstance(a, QuestionScore) and not a.scored):
            continue
        if isinstance(a, Hidden) or isinstance(b, Hidden):
            rows.append(a if isinstance(a, Hidden) else b)  # type: ignore[arg-type]
            continue
        row = _one(a, b, label)
        if row is not None:
            rows.append(row)
    return _adjust(rows, correction)


def compare_waves(survey: Survey, waves: Sequence[WaveRecord],
                  responses: Iterable[ResponseRecord], *,
                  where: Mapping[str, str] | None = None,
                  renames: Mapping[str, str] | None = None,
                  correction: str = "bh") -> dict[str, list[Compared]]:
    """The latest wave against the one before (``"previous"``) and the first (``"first"``).

    Waves are ordered by ``opens_on``. ``where`` restricts both waves to one group (with
    ``renames`` applied to older waves first), each wave suppressed on its own.
    """
    ordered = sorted((w for w in waves if w.survey_key == survey.key), key=lambda w: w.opens_on)
    responses = list(responses)
    if len(ordered) < 2:
        return {}
    scores = {w.key: score_table(survey, responses, wave_key=w.key, where=where,
                                 renames=renames).for_group(ALL)
              for w in {ordered[0].key: ordered[0], ordered[-2].key: ordered[-2],
                        ordered[-1].key: ordered[-1]}.values()}
    last = ordered[-1]
    out = {"previous": compare_scores(scores[last.key], scores[ordered[-2].key],
                                      f"{last.title} vs {ordered[-2].title}",
                                      correction=correction)}
    if len(ordered) > 2:
        out["first"] = compare_scores(scores[last.key], scores[ordered[0].key],
                                      f"{last.title} vs {ordered[0].title}",
                                      correction=correction)
    return out


def compare_group_with_rest(table: ScoreTable, group: str, *,
                            correction: str = "bh") -> list[Compared]:
    """One group of a breakdown (a team) against everyone else in the selection.

    "The rest" is the selection's total minus the group, so it is shown only when both
    are shown; the result adds nothing that could not already be worked out.
    """
    rest_label = f"{group} vs rest of {'service' if not table.where else 'group'}"
    current: list[Score] = []
    rest: list[Score] = []
    for key in table.question_keys:
        mine, everyone = table.get(group, key), table.get(ALL, key)
        current.append(mine)
        if isinstance(mine, Hidden) or isinstance(everyone, Hidden):
            rest.append(Hidden(f"rest of {group}", table.min_n, key))
            continue
        others = add_scores(everyone, mine, sign=-1, group=f"rest of {group}")
        rest.append(others if others.answered >= table.min_n
                    else Hidden(others.group, table.min_n, key))
    return compare_scores(current, rest, rest_label, correction=correction)


def compare_audiences(survey_a: Survey, responses_a: Iterable[ResponseRecord],
                      survey_b: Survey, responses_b: Iterable[ResponseRecord], *,
                      wave_a: str | None = None, wave_b: str | None = None,
                      correction: str = "bh") -> list[Compared]:
    """Two surveys (audiences, e.g. ages 8-11 and 11-17) on the questions they share.

    Shared core items are the scored question keys present in both definitions.
    """
    shared = [q.key for q in survey_a.questions()
              if q.key in {p.key for p in survey_b.questions()}
              and q.type != "segment" and q.type == survey_b.question(q.key).type]
    if not shared:
        return []
    a = score_table(survey_a, responses_a, wave_key=wave_a, question_keys=shared)
    b = score_table(survey_b, responses_b, wave_key=wave_b, question_keys=shared)
    return compare_scores(a.for_group(ALL), b.for_group(ALL),
                          f"{survey_a.title} vs {survey_b.title}", correction=correction)


class BenchmarkError(ValueError):
    """A benchmark file has bad rows; ``problems`` lists ``(line number, message)``."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"line {n}: {m}" for n, m in problems))


def parse_benchmark(text: str) -> dict[str, float]:
    """Read an external benchmark CSV: ``question_key,favourable_share``.

    Shares are written as ``0.72`` or ``72%``. Every bad row is reported with its line
    number (the header is line 1) in one :class:`BenchmarkError`; nothing is returned
    from a file with any bad row.
    """
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["question_key",
                                                                 "favourable_share"]:
        raise BenchmarkError([(1, "the first line must be: question_key,favourable_share")])
    shares: dict[str, float] = {}
    problems: list[tuple[int, str]] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != 2:
            problems.append((line, f"expected 2 values, found {len(row)}"))
            continue
        key, raw = row[0].strip(), row[1].strip()
        share = _share(raw)
        if not key.replace("_", "a").isalnum():
            problems.append((line, f"{key!r} is not a question key"))
        elif key in shares:
            problems.append((line, f"{key!r} appears twice"))
        elif share is None:
            problems.append((line, f"{raw!r} is not a share: write 0.72 or 72%"))
        else:
            shares[key] = share
    if problems:
        raise BenchmarkError(problems)
    return shares


def _share(raw: str) -> float | None:
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        return None
    return value if 0 <= value <= 1 else None


def compare_with_benchmark(scores: Iterable[Score], benchmark: Mapping[str, float], *,
                           label: str = "vs benchmark", correction: str = "bh"
                           ) -> list[Compared]:
    """Scores against external favourable shares (one-sample proportion z-test)."""
    rows: list[dict[str, object] | Hidden] = []
    for s in scores:
        key = s.question_key if isinstance(s, QuestionScore) else s.subject
        if key not in benchmark:
            continue
        if isinstance(s, Hidden):
            rows.append(s)
            continue
        share, p0 = s.favourable_share, benchmark[key]
        if share is None:
            continue
        test = one_sample_z_test(s.favourable, s.n, p0)
        h = cohens_h(share, p0)
        rows.append(dict(question_key=key, question_text=s.question_text, label=label,
                         share=share, n=s.n, other_share=p0, other_n=None,
                         change_points=(share - p0) * 100, z=test.z if test else None,
                         p_value=test.p_value if test else None, cohens_h=h,
                         effect=effect_size_label(h), small_base=s.n < SMALL_BASE,
                         test="one-sample proportion z-test"))
    return _adjust(rows, correction)
