"""The registry of question types: one class per type, no if/elif chains.

Each type knows three things: whether a definition of it is well formed
(:meth:`QuestionType.check`), which options a respondent is offered
(:meth:`QuestionType.offered`), and how to turn what a form sent into a clean
answer value (:meth:`QuestionType.parse`). Analysis asks it whether a value is
favourable (:meth:`QuestionType.favourability`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import ClassVar, TypeGuard

from surveys.model import DONT_KNOW, RATHER_NOT_SAY, Choice, Question
from surveys.records import AnswerValue


class UnknownQuestionType(KeyError):
    """A definition names a question type that is not registered."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        known = ", ".join(sorted(REGISTRY))
        return f"unknown question type {self.name!r} (known types: {known})"


class Message(str):
    """Text for a person that remembers its template, so the web layer can translate it.

    Templates use ``%(name)s`` placeholders, as gettext catalogues do.
    """

    template: str
    params: dict[str, object]

    def __new__(cls, template: str, **params: object) -> Message:
        self = super().__new__(cls, template % params if params else template)
        self.template, self.params = template, params
        return self


def N_(text: str) -> str:  # noqa: N802 - the usual name for a gettext marker
    """Mark wording for translation without translating it here (surveys/ knows no locale)."""
    return text


class AnswerError(ValueError):
    """An answer does not fit its question. The message is shown to the respondent."""

    def __init__(self, template: str, **params: object) -> None:
        self.message = Message(template, **params)
        super().__init__(self.message)


FAVOURABLE = "favourable"
NEUTRAL = "neutral"
UNFAVOURABLE = "unfavourable"

REGISTRY: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Class decorator adding one instance of ``cls`` to the registry."""
    REGISTRY[cls.name] = cls()
    return cls


def get_type(name: str) -> QuestionType:
    """The registered type called ``name``; raises :class:`UnknownQuestionType`."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownQuestionType(name) from None


def _whole(value: object) -> TypeGuard[int]:
    """An int written as a number; YAML's true/false are ints to Python but not here."""
    return isinstance(value, int) and not isinstance(value, bool)


def _text_options(q: Question, names: tuple[str, ...]) -> list[str]:
    return [f"options.{k}: must be text" for k in names
            if k in q.options and not isinstance(q.options[k], str)]


def _special_choices(q: Question) -> list[Choice]:
    extra = []
    if q.dont_know:
        extra.append(Choice(DONT_KNOW, N_("I don't know")))
    if q.rather_not_say:
        extra.append(Choice(RATHER_NOT_SAY, N_("I'd rather not say")))
    return extra


class QuestionType:
    """Base class. Subclasses set ``name`` and override what differs."""

    name: ClassVar[str]
    #: answers are chosen from options (radios or checkboxes)
    has_choices: ClassVar[bool] = False
    #: choices come from the definition rather than from the type
    own_choices: ClassVar[bool] = False
    #: several options may be chosen
    multiple: ClassVar[bool] = False
    #: answers are free text (screened for safeguarding, redacted for analysts)
    free_text: ClassVar[bool] = False
    #: free-text answers long enough to cluster into themes
    themed: ClassVar[bool] = False
    #: answers have a favourable/unfavourable reading
    scored: ClassVar[bool] = False
    #: a definition may name answers that raise a concern (``concern: [sad]``); free
    #: text is screened instead, and numbers, dates and ratings carry no such meaning
    concern_choices: ClassVar[bool] = False
    #: option keys this type accepts in a definition's ``options``
    allowed_options: ClassVar[frozenset[str]] = frozenset()

    def check(self, q: Question) -> list[str]:
        """Problems with a definition of this type, as ``(key, message)`` text."""
        problems = []
        unknown = set(q.options) - self.allowed_options
        if unknown:
            problems.append(f"options: not used by {self.name} questions: {sorted(unknown)}")
        if self.own_choices and not q.choices:
            problems.append(f"choices: a {self.name} question needs at least one choice")
        if not self.own_choices and q.choices:
            problems.append(f"choices: {self.name} questions set their own choices")
        seen: set[str] = set()
        for c in q.choices:
            if c.value in seen:
                problems.append(f"choices: duplicate value {c.value!r}")
            seen.add(c.value)
        return problems

    def base_choices(self, q: Question) -> list[Choice]:
        return list(q.choices)

    def offered(self, q: Question) -> list[Choice]:
        """Every option a respondent may pick, special answers last."""
        if not self.has_choices:
            return []
        return self.base_choices(q) + _special_choices(q)

    def parse(self, q: Question, raw: Sequence[str]) -> AnswerValue:
        """Turn submitted strings into a clean value; ``None`` means unanswered.

        Raises :class:`AnswerError` when the input cannot be an answer.
        """
        values = [v.strip() for v in raw if v is not None and v.strip()]
        if not values:
            return None
        if len(values) > 1:
            raise AnswerError("Choose one answer")
        allowed = {c.value for c in self.offered(q)}
        if values[0] not in allowed:
            raise AnswerError("Choose one of the answers shown")
        return values[0]

    def favourability(self, q: Question, value: AnswerValue) -> str | None:
        """``favourable``, ``neutral``, ``unfavourable`` or ``None`` (not scored)."""
        return None


class _ScaleType(QuestionType):
    """A fixed ordered scale, most favourable first."""

    has_choices = True
    scored = True
    concern_choices = True
    favourable: ClassVar[frozenset[str]] = frozenset()
    unfavourable: ClassVar[frozenset[str]] = frozenset()

    def favourability(self, q: Question, value: AnswerValue) -> str | None:
        if value in self.favourable:
            return FAVOURABLE
        if value in self.unfavourable:
            return UNFAVOURABLE
        if value is None or value in (DONT_KNOW, RATHER_NOT_SAY):
            return None
        return NEUTRAL


@register
class Agreement(_ScaleType):
    """Five-point agreement scale; "don't know" is offered unless switched off."""

    name = "agreement"
    favourable = frozenset({"strongly_agree", "agree"})
    unfavourable = frozenset({"disagree", "strongly_disagree"})
    SCALE = (
        Choice("strongly_agree", N_("Strongly agree")),
        Choice("agree", N_("Agree")),
        Choice("neither", N_("Neither agree nor disagree")),
        Choice("disagree", N_("Disagree")),
        Choice("strongly_disagree", N_("Strongly disagree")),
    )

    def base_choices(self, q: Question) -> list[Choice]:
        return list(self.SCALE)


@register
class Smiley(_ScaleType):
    """Three or five faces, each with a word under it (``options: {faces: 3}``)."""

    name = "smiley"
    allowed_options = frozenset({"faces"})
    favourable = frozenset({"very_happy", "happy"})
    unfavourable = frozenset({"sad", "very_sad"})
    FACES = {
        3: (Choice("happy", N_("Happy")), Choice("okay", N_("Okay")), Choice("sad", N_("Sad"))),
        5: (
            Choice("very_happy", N_("Very happy")),
            Choice("happy", N_("Happy")),
            Choice("okay", N_("Okay")),
            Choice("sad", N_("Sad")),
            Choice("very_sad", N_("Very sad")),
        ),
    }

    def check(self, q: Question) -> list[str]:
        # Choices may give the faces other words ("Yes", "Sometimes", "No"), in face order.
        problems = super().check(dataclasses.replace(q, choices=()))
        faces = q.options.get("faces", 3)
        if faces not in self.FACES:
            problems.append("options.faces: a smiley scale has 3 or 5 faces")
        elif q.choices and [c.value for c in q.choices] != [c.value for c in self.FACES[faces]]:
            wanted = ", ".join(c.value for c in self.FACES[faces])
            problems.append(f"choices: smiley choices relabel the faces: give values {wanted}")
        return problems

    def base_choices(self, q: Question) -> list[Choice]:
        if q.choices:
            return list(q.choices)
        faces = q.options.get("faces", 3)
        return list(self.FACES.get(faces, self.FACES[3]))  # type: ignore[call-overload]


@register
class YesNo(_ScaleType):
    """Yes, no, not sure. "Yes" reads as favourable."""

    name = "yes_no"
    favourable = frozenset({"yes"})
    unfavourable = frozenset({"no"})
    SCALE = (Choice("yes", N_("Yes")), Choice("no", N_("No")), Choice("not_sure", N_("Not sure")))

    def base_choices(self, q: Question) -> list[Choice]:
        return list(self.SCALE)


@register
class SingleChoice(QuestionType):
    name = "single_choice"
    has_choices = True
    own_choices = True
    concern_choices = True


@register
class Segment(SingleChoice):
    """A single choice that defines a breakdown (``options: {segment: team}``)."""

    name = "segment"
    allowed_options = frozenset({"segment"})
    # a segment says who answered (team, age band), never how they are
    concern_choices = False

    def check(self, q: Question) -> list[str]:
        problems = super().check(q)
        seg = q.options.get("segment")
        if not isinstance(seg, str) or not seg.isidentifier():
            problems.append("options.segment: name the breakdown, e.g. team, role or age_band")
        return problems


@register
class MultipleChoice(QuestionType):
    name = "multiple_choice"
    has_choices = True
    own_choices = True
    multiple = True
    concern_choices = True

    def parse(self, q: Question, raw: Sequence[str]) -> AnswerValue:
        values = [v.strip() for v in raw if v is not None and v.strip()]
        if not values:
            return None
        allowed = [c.value for c in self.offered(q)]
        if any(v not in allowed for v in values):
            raise AnswerError("Choose from the answers shown")
        chosen = set(values)
        special = chosen & {DONT_KNOW, RATHER_NOT_SAY}
        if special and len(chosen) > 1:
            raise AnswerError("Choose either your answers or “I don't know” / “I'd rather not say”")
        return tuple(v for v in allowed if v in chosen)  # definition order, no repeats


class _WholeNumber(QuestionType):
    lowest: ClassVar[int | None] = None
    highest: ClassVar[int | None] = None

    def bounds(self, q: Question) -> tuple[int | None, int | None]:
        low = q.options.get("min", self.lowest)
        high = q.options.get("max", self.highest)
        return (low if _whole(low) else None, high if _whole(high) else None)

    def check(self, q: Question) -> list[str]:
        problems = super().check(q)
        for k in ("min", "max"):
            if k in q.options and not _whole(q.options[k]):
                problems.append(f"options.{k}: must be a whole number")
        low, high = self.bounds(q)
        if low is not None and high is not None and low > high:
            problems.append("options: min is greater than max")
        return problems

    def parse(self, q: Question, raw: Sequence[str]) -> AnswerValue:
        values = [v.strip() for v in raw if v is not None and v.strip()]
        if not values:
            return None
        special = {c.value for c in _special_choices(q)}
        if values[0] in special and len(values) == 1:
            return values[0]
        if len(values) > 1:
            raise AnswerError("Give one number")
        try:
            number = int(values[0])
        except ValueError:
            raise AnswerError("Enter a whole number, like 3") from None
        low, high = self.bounds(q)
        if low is not None and number < low:
            raise AnswerError("Enter a number of %(low)s or more", low=low)
        if high is not None and number > high:
            raise AnswerError("Enter a number of %(high)s or less", high=high)
        return number


@register
class Number(_WholeNumber):
    name = "number"
    allowed_options = frozenset({"min", "max", "unit"})

    def check(self, q: Question) -> list[str]:
        return super().check(q) + _text_options(q, ("unit",))


@register
class Rating(_WholeNumber):
    """0 to 10; 9-10 read as favourable, 0-6 as unfavourable (as in NPS)."""

    name = "rating"
    has_choices = True
    scored = True
    lowest, highest = 0, 10
    allowed_options = frozenset({"low_label", "high_label"})

    def check(self, q: Question) -> list[str]:
        return super().check(q) + _text_options(q, ("low_label", "high_label"))

    def base_choices(self, q: Question) -> list[Choice]:
        return [Choice(str(i), str(i)) for i in range(11)]

    def favourability(self, q: Question, value: AnswerValue) -> str | None:
        if not isinstance(value, int):
            return None
        if value >= 9:
            return FAVOURABLE
        return NEUTRAL if value >= 7 else UNFAVOURABLE


@register
class Date(QuestionType):
    """A calendar date, stored as ISO text (``2025-09-01``)."""

    name = "date"
    allowed_options = frozenset({"min", "max"})

    def check(self, q: Question) -> list[str]:
        problems = super().check(q)
        for k in ("min", "max"):
            if k in q.options and _limit(q.options[k]) is None:
                problems.append(f"options.{k}: must be a date like 2025-09-01")
        low, high = _limit(q.options.get("min")), _limit(q.options.get("max"))
        if low is not None and high is not None and low > high:
            problems.append("options: min is after max")
        return problems

    def parse(self, q: Question, raw: Sequence[str]) -> AnswerValue:
        values = [v.strip() for v in raw if v is not None and v.strip()]
        if not values:
            return None
        if len(values) == 1 and values[0] in {c.value for c in _special_choices(q)}:
            return values[0]
        if len(values) == 3:  # day, month, year fields as in the GOV.UK pattern
            day, month, year = values
            text = f"{year}-{month.zfill(2)}-{day.zfill(2)}"
        elif len(values) == 1:
            text = values[0]
        else:
            raise AnswerError("Enter a real date, like 27 3 2024")
        try:
            when = dt.date.fromisoformat(text)
        except ValueError:
            raise AnswerError("Enter a real date, like 27 3 2024") from None
        low, high = _limit(q.options.get("min")), _limit(q.options.get("max"))
        if low is not None and when < low:
            raise AnswerError("Enter a date on or after %(date)s", date=_long_date(low))
        if high is not None and when > high:
            raise AnswerError("Enter a date on or before %(date)s", date=_long_date(high))
        return when.isoformat()


def _limit(value: object) -> dt.date | None:
    """A date option as a date: YAML gives ``2025-09-01`` as a date, quoted as text."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"  # "%-d" is not portable


class _Text(QuestionType):
    free_text = True
    max_length: ClassVar[int]
    allowed_options = frozenset({"max_length"})

    def check(self, q: Question) -> list[str]:
        problems = super().check(q)
        limit = q.options.get("max_length", self.max_length)
        if not _whole(limit) or limit < 1:
            problems.append("options.max_length: must be a whole number above 0")
        if q.dont_know:
            problems.append("dont_know: text questions are optional instead")
        if q.rather_not_say:
            problems.append("rather_not_say: text questions are optional instead")
        return problems

    def parse(self, q: Question, raw: Sequence[str]) -> AnswerValue:
        text = "\n".join(v for v in raw if v is not None).replace("\r\n", "\n").strip()
        if not text:
            return None
        limit = q.options.get("max_length", self.max_length)
        if isinstance(limit, int) and len(text) > limit:
            raise AnswerError("Use %(limit)s characters or fewer (you used %(used)s)", limit=limit,
                              used=len(text))
        if "\x00" in text:
            raise AnswerError("Your answer has a character we cannot store")
        return text


@register
class ShortText(_Text):
    name = "short_text"
    max_length = 200


@register
class LongText(_Text):
    name = "long_text"
    max_length = 5000
    themed = True
