"""Scores per question: counts, favourable shares, means, always with their n.

These functions work on any set of responses and never hide anything themselves; the
functions that return results for groups (:mod:`analysis.stats.tables`) pass them
through :mod:`analysis.stats.suppression` first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from analysis.stats.proportions import wilson_interval
from analysis.stats.suppression import ALL, NOT_GIVEN
from surveys import DONT_KNOW, RATHER_NOT_SAY, Question, ResponseRecord, get_type
from surveys.records import AnswerValue

FAVOURABLE, NEUTRAL, UNFAVOURABLE = "favourable", "neutral", "unfavourable"
SPECIAL = (DONT_KNOW, RATHER_NOT_SAY)


@dataclass(frozen=True)
class OptionCount:
    """How many people chose one option, with its wording and favourability."""

    value: str
    label: str
    count: int
    favourability: str | None


@dataclass(frozen=True)
class QuestionScore:
    """Everything we can say about one question for one group.

    ``answered`` counts everyone who gave any answer, "don't know" and "rather not say"
    included; the shares leave those two out of their base, which is :attr:`n`.
    """

    question_key: str
    question_text: str
    question_type: str
    group: str
    answered: int
    options: tuple[OptionCount, ...] = ()
    dont_know: int = 0
    rather_not_say: int = 0
    favourable: int = 0
    neutral: int = 0
    unfavourable: int = 0
    scored: bool = False
    mean: float | None = None
    mean_n: int = 0

    @property
    def n(self) -> int:
        """The base of the shares: answers other than "don't know"/"rather not say"."""
        if self.scored:
            return self.favourable + self.neutral + self.unfavourable
        return self.answered - self.dont_know - self.rather_not_say

    def _share(self, count: int) -> float | None:
        return count / self.n if self.scored and self.n else None

    @property
    def favourable_share(self) -> float | None:
        """Favourable answers over :attr:`n`; ``None`` when there is no base."""
        return self._share(self.favourable)

    @property
    def neutral_share(self) -> float | None:
        return self._share(self.neutral)

    @property
    def unfavourable_share(self) -> float | None:
        return self._share(self.unfavourable)

    @property
    def favourable_ci(self) -> tuple[float, float] | None:
        """Wilson 95% interval of :attr:`favourable_share`."""
        return wilson_interval(self.favourable, self.n) if self.scored else None

    def count(self, value: str) -> int:
        """How many chose ``value`` (0 when nobody did)."""
        return next((o.count for o in self.options if o.value == value), 0)


def _answer_values(value: AnswerValue) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, tuple):
        return value
    return (str(value),)


def score_question(question: Question, responses: Iterable[ResponseRecord],
                   group: str = ALL) -> QuestionScore:
    """Score one question over ``responses`` (no suppression: see ``analysis.stats.tables``).

    Parameters
    ----------
    question : surveys.Question
        The question; its type decides what is counted and what is favourable.
    responses : iterable of ResponseRecord
        The responses of the group, already filtered.
    group : str
        A name for the group, carried into the result.

    Returns
    -------
    QuestionScore
    """
    qtype = get_type(question.type)
    answers = [r.answers.get(question.key) for r in responses]
    answers = [a for a in answers if a is not None and a != ()]
    tally: Counter[str] = Counter()
    fav: Counter[str | None] = Counter()
    numbers: list[int] = []
    for a in answers:
        tally.update(_answer_values(a))
        if isinstance(a, int) and not isinstance(a, bool):
            numbers.append(a)
        if qtype.scored:
            fav[qtype.favourability(question, a)] += 1
    options: tuple[OptionCount, ...] = ()
    if qtype.has_choices:
        offered = qtype.offered(question)
        known = {c.value for c in offered}
        extra = sorted(v for v in tally if v not in known)  # values from an older version
        options = tuple(
            OptionCount(c.value, c.label, tally[c.value], _favourability(question, c.value))
            for c in offered
        ) + tuple(OptionCount(v, v, tally[v], _favourability(question, v)) for v in extra)
    return QuestionScore(
        question_key=question.key,
        question_text=question.text,
        question_type=question.type,
        group=group,
        answered=len(answers),
        options=options,
        dont_know=sum(1 for a in answers if a == DONT_KNOW),
        rather_not_say=sum(1 for a in answers if a == RATHER_NOT_SAY),
        favourable=fav[FAVOURABLE],
        neutral=fav[NEUTRAL],
        unfavourable=fav[UNFAVOURABLE],
        scored=qtype.scored,
        mean=sum(numbers) / len(numbers) if numbers else None,
        mean_n=len(numbers),
    )


def _favourability(question: Question, value: str) -> str | None:
    qtype = get_type(question.type)
    answer: AnswerValue = int(value) if question.type == "rating" and value.isdigit() else value
    return qtype.favourability(question, answer)


def add_scores(a: QuestionScore, b: QuestionScore, sign: int = 1, group: str = ALL
               ) -> QuestionScore:
    """``a + b`` (or ``a - b`` with ``sign=-1``) for the same question: pooled groups.

    Used for "the rest of the service" (everyone minus one team). Means are pooled by
    their bases.
    """
    if a.question_key != b.question_key:
        raise ValueError("scores of different questions cannot be added")
    counts = {o.value: o.count for o in a.options}
    for o in b.options:
        counts[o.value] = counts.get(o.value, 0) + sign * o.count
    options = tuple(OptionCount(o.value, o.label, counts.pop(o.value), o.favourability)
                    for o in a.options)
    mean_n = a.mean_n + sign * b.mean_n
    total = (a.mean or 0.0) * a.mean_n + sign * (b.mean or 0.0) * b.mean_n
    return QuestionScore(
        a.question_key, a.question_text, a.question_type, group,
        answered=a.answered + sign * b.answered, options=options,
        dont_know=a.dont_know + sign * b.dont_know,
        rather_not_say=a.rather_not_say + sign * b.rather_not_say,
        favourable=a.favourable + sign * b.favourable, neutral=a.neutral + sign * b.neutral,
        unfavourable=a.unfavourable + sign * b.unfavourable, scored=a.scored,
        mean=total / mean_n if mean_n else None, mean_n=mean_n,
    )


def resolve_renames(renames: Mapping[str, str] | None) -> dict[str, str]:
    """Follow chains in a rename map (``a -> b -> c`` gives ``a -> c``); reject cycles.

    The team-rename rule: every old value is replaced by the *last* name in its chain,
    in every wave, before any grouping or suppression. Two old names that end at the
    same new name are merged (their responses pooled). A value that is not in the map
    keeps its name.
    """
    resolved: dict[str, str] = {}
    for old in renames or {}:
        seen = [old]
        new = renames[old]  # type: ignore[index]
        while renames and new in renames:
            if new in seen:
                raise ValueError(f"rename map has a cycle: {' -> '.join([*seen, new])}")
            seen.append(new)
            new = renames[new]
        resolved[old] = new
    return resolved


def segment_value(response: ResponseRecord, segment: str,
                  renames: Mapping[str, str] | None = None) -> str:
    """The respondent's group for ``segment``, renamed, or :data:`NOT_GIVEN`."""
    value = response.segments.get(segment) or NOT_GIVEN
    return (renames or {}).get(value, value)
