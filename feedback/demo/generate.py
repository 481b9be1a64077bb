"""Generate realistic synthetic responses, repeatable from a seed.

:func:`generate_demo` builds plain records (no database), so benchmarks and
tests can use the same data the demo shows. Every response passes through
:func:`surveys.validate_answers`, like a real submission.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

import surveys
from feedback.demo.plan import DIVERGING_TEAM, THEME_TRENDS, SurveyPlan, WavePlan, survey_plans
from surveys import DONT_KNOW, RATHER_NOT_SAY, Question, Survey, get_type
from surveys.records import AnswerValue, CommentRecord, ResponseRecord, WaveRecord

BANK = Path(__file__).with_name("comments.yaml")


@dataclass(frozen=True)
class BankComment:
    text: str
    theme: str
    safeguarding: str | None = None


@dataclass(frozen=True)
class DemoData:
    surveys: list[Survey]
    waves: list[WaveRecord]
    responses: list[ResponseRecord]
    comments: list[CommentRecord]


@cache
def comment_bank() -> dict[tuple[str, str], tuple[BankComment, ...]]:
    """The hand-written comments, by (survey key, question key)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load(BANK.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
    return {(survey, question): tuple(BankComment(c["text"], c["theme"], c.get("safeguarding"))
                                      for c in items)
            for survey, questions in raw.items() for question, items in questions.items()}


def generate_demo(seed: int = 1, today: dt.date | None = None) -> DemoData:
    """All demo surveys, waves and responses for ``seed``, relative to ``today``."""
    today = today or dt.date.today()
    library = {s.key: s for s in surveys.load_library()}
    rng = random.Random(seed)
    waves: list[WaveRecord] = []
    responses: list[ResponseRecord] = []
    for plan in survey_plans(today.year):
        survey = library[plan.survey_key]
        for index, wave_plan in enumerate(plan.waves):
            wave = _wave_record(survey, wave_plan, today)
            waves.append(wave)
            writer = _ResponseWriter(survey, plan, index, wave, rng, today)
            for segment_value in _respondents(plan, wave_plan, rng):
                responses.append(writer.response(len(responses) + 1, segment_value))
            responses.extend(writer.disclosures(len(responses) + 1,
                                                last=index == len(plan.waves) - 1))
    comments = [CommentRecord(r.response_id, r.survey_key, r.wave_key, key, value, r.segments)
                for r in responses
                for key, value in r.answers.items()
                if isinstance(value, str) and get_type(
                    library[r.survey_key].question(key).type).themed]
    return DemoData(list(library.values()), waves, responses, comments)


def _wave_record(survey: Survey, plan: WavePlan, today: dt.date) -> WaveRecord:
    total = sum(sum(v.values()) for v in plan.targets.values()) or None
    return WaveRecord(key=f"{survey.key}-{plan.suffix}", survey_key=survey.key, title=plan.title,
                      opens_on=today + dt.timedelta(days=plan.opens),
                      closes_on=today + dt.timedelta(days=plan.closes),
                      targets=plan.targets, target_total=total)


def _respondents(plan: SurveyPlan, wave: WavePlan, rng: random.Random) -> Iterator[str | None]:
    """One item per respondent: their value of the plan's segment, when targets set it."""
    targets = wave.targets.get(plan.by_segment or "", {})
    if not targets:
        yield from [None] * wave.count
        return
    for value, headcount in targets.items():
        yield from [value] * round(headcount * rng.uniform(*wave.rate))


class _ResponseWriter:
    """Answers for one wave of one survey."""

    def __init__(self, survey: Survey, plan: SurveyPlan, wave_index: int, wave: WaveRecord,
                 rng: random.Random, today: dt.date) -> None:
        self.survey, self.plan, self.index, self.wave = survey, plan, wave_index, wave
        self.rng, self.today = rng, today
        self.last_day = min(wave.closes_on, today)

    def response(self, response_id: int, segment_value: str | None) -> ResponseRecord:
        mood = self.rng.gauss(0, 0.12)
        raw: dict[str, list[str]] = {}
        answers: dict[str, AnswerValue] = {}
        for q in self.survey.questions():
            if not surveys.is_shown(q, answers):
                continue
            forced = segment_value if (q.type == "segment" and
                                       q.options.get("segment") == self.plan.by_segment) else None
            value = forced or self._answer(q, mood, raw)
            if value is not None:
                raw[q.key] = value if isinstance(value, list) else [value]
                answers[q.key] = get_type(q.type).parse(q, raw[q.key])
        result = surveys.validate_answers(self.survey, raw)
        if not result.ok:  # the generator must only make answers a person could give
            raise AssertionError(f"demo answers rejected: {result.errors}")
        return self._record(response_id, result.answers)

    def disclosures(self, first_id: int, last: bool) -> list[ResponseRecord]:
        """In the open wave, one response for each comment a safeguarding screen must catch."""
        if not last:
            return []
        out = []
        for (survey_key, question_key), bank in sorted(comment_bank().items()):
            if survey_key != self.survey.key:
                continue
            for comment in bank:
                if comment.safeguarding:
                    out.append(self._record(first_id + len(out), {question_key: comment.text}))
        return out

    def _record(self, response_id: int, answers: dict[str, AnswerValue]) -> ResponseRecord:
        span = (self.last_day - self.wave.opens_on).days
        day = self.wave.opens_on + dt.timedelta(days=self.rng.randint(0, max(span, 0)))
        segments = {str(q.options["segment"]): str(answers[q.key])
                    for q in self.survey.segment_questions() if q.key in answers}
        return ResponseRecord(response_id, self.survey.key, self.wave.key, day, answers, segments)

    def _favourable_chance(self, q: Question, mood: float, raw: dict[str, list[str]]) -> float:
        p = self.plan.base_favourable + mood + self.plan.trends.get(q.key, 0.0) * self.index
        if raw.get("team") == [DIVERGING_TEAM]:
            p -= 0.12 * self.index
        p += (hash_unit(f"{self.survey.key}:{q.key}") - 0.5) * 0.2  # each item has its level
        return min(max(p, 0.05), 0.95)

    def _answer(self, q: Question, mood: float, raw: dict[str, list[str]]
                ) -> str | list[str] | None:
        qtype = get_type(q.type)
        rng = self.rng
        if not q.required and rng.random() < 0.03:
            return None
        specials = [v for v in (DONT_KNOW, RATHER_NOT_SAY) if getattr(q, v)]
        if specials and rng.random() < 0.05:
            return rng.choice(specials)
        if qtype.themed:
            return self._comment(q) if rng.random() < self.plan.comment_rate else None
        if qtype.scored and q.type != "rating":
            return self._scaled(q, self._favourable_chance(q, mood, raw))
        return _OTHER_ANSWERS.get(q.type, _no_answer)(q, rng, self._favourable_chance(q, mood, raw))

    def _scaled(self, q: Question, p: float) -> str:
        qtype = get_type(q.type)
        groups: dict[str | None, list[str]] = {}
        for c in qtype.offered(q):
            groups.setdefault(qtype.favourability(q, c.value), []).append(c.value)
        u = self.rng.random()
        kind = "favourable" if u < p else ("neutral" if u < p + (1 - p) * 0.35 else
                                            "unfavourable")
        options = groups.get(kind) or groups.get("neutral") or groups["favourable"]
        return self.rng.choice(options)

    def _comment(self, q: Question) -> str | None:
        bank = [c for c in comment_bank().get((self.survey.key, q.key), ()) if not c.safeguarding]
        if not bank:
            return None
        trends = THEME_TRENDS.get((self.survey.key, q.key), {})
        weights = [max(0.1, 1 + trends.get(c.theme, 0.0) * self.index) for c in bank]
        return _vary(self.rng.choices(bank, weights)[0].text, self.rng)


@cache
def hash_unit(text: str) -> float:
    """A stable number in [0, 1) from text (Python's own hash changes per process)."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") / 2**32


def _vary(text: str, rng: random.Random) -> str:
    """Small changes so repeated comments read like different people wrote them."""
    roll = rng.random()
    if roll < 0.55:
        return text
    if roll < 0.7:
        return text.lower().rstrip(".!")
    if roll < 0.8:
        return rng.choice(["Honestly, ", "I think ", "For me, ", "Really, "]) + \
            text[0].lower() + text[1:]
    if roll < 0.9:
        return text.rstrip(".") + rng.choice([" tbh", ".", "!", " - thanks", " please"])
    return text.upper() if len(text) < 25 else text.replace(". ", ".  ")


def _rating(q: Question, rng: random.Random, p: float) -> str:
    u = rng.random()
    if u < p * 0.8:
        return str(rng.choice([8, 9, 9, 10]))
    return str(rng.choice([5, 6, 7] if u < p + 0.2 else [0, 2, 3, 4, 5]))


def _number(q: Question, rng: random.Random, p: float) -> str:
    low, high = q.options.get("min", 0), q.options.get("max", 40)
    assert isinstance(low, int) and isinstance(high, int)
    centre = low + (high - low) * (0.55 - 0.3 * p)
    return str(int(min(max(rng.gauss(centre, (high - low) / 8), low), high)))


def _single(q: Question, rng: random.Random, p: float) -> str:
    own = q.choices
    weights = [1.0 / (i + 1) ** 0.7 for i in range(len(own))]
    return rng.choices(own, weights)[0].value


def _multiple(q: Question, rng: random.Random, p: float) -> list[str]:
    chosen = [c.value for c in q.choices if rng.random() < 0.35]
    return chosen or [q.choices[0].value]


def _date(q: Question, rng: random.Random, p: float) -> str:
    low = dt.date.fromisoformat(str(q.options.get("min", "2020-01-01")))
    high = dt.date.fromisoformat(str(q.options.get("max", "2024-12-31")))
    return (low + dt.timedelta(days=rng.randint(0, max((high - low).days, 0)))).isoformat()


def _no_answer(q: Question, rng: random.Random, p: float) -> None:
    return None


_OTHER_ANSWERS = {"rating": _rating, "number": _number, "single_choice": _single,
                  "segment": _single, "multiple_choice": _multiple, "date": _date}
