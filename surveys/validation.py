"""Answer validation as pure functions: the one place answer rules live.

The web form, the API and the demo generator all call :func:`validate_answers`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from surveys.model import Question, Survey
from surveys.records import AnswerValue
from surveys.types import AnswerError, Message, get_type

#: What a form sends: question key -> the submitted strings (one per input).
RawAnswers = Mapping[str, Sequence[str] | str]


@dataclass(frozen=True)
class ValidationResult:
    """Clean answers for the questions shown, and an error per question that failed."""

    answers: dict[str, AnswerValue] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def is_shown(question: Question, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether ``question`` is shown, given the answers so far."""
    cond = question.show_if
    return cond is None or cond.matches(answers.get(cond.question))


def visible_questions(survey: Survey, answers: Mapping[str, AnswerValue]) -> list[Question]:
    """Questions a respondent with these answers sees, in order."""
    return [q for q in survey.questions() if is_shown(q, answers)]


def validate_answers(survey: Survey, raw: RawAnswers, *, only: Iterable[str] | None = None,
                     earlier: Mapping[str, AnswerValue] | None = None) -> ValidationResult:
    """Check submitted answers against ``survey``.

    Parameters
    ----------
    survey : the definition.
    raw : question key -> submitted strings. Keys for unknown questions are ignored.
    only : validate just these questions (one page of a paged form); default all.
    earlier : answers already accepted on earlier pages, used for ``show_if``.

    Questions hidden by ``show_if`` are dropped even when a value was sent, and
    are never required.
    """
    wanted = set(only) if only is not None else None
    answers: dict[str, AnswerValue] = dict(earlier or {})
    clean: dict[str, AnswerValue] = {}
    errors: dict[str, str] = {}
    for q in survey.questions():
        # visibility first, also for questions on other pages: an earlier answer to a
        # question that is now hidden must not keep later questions showing
        if not is_shown(q, answers):
            answers.pop(q.key, None)
            continue
        if wanted is not None and q.key not in wanted:
            continue
        submitted = raw.get(q.key, ())
        if isinstance(submitted, str):
            submitted = [submitted]
        try:
            value = get_type(q.type).parse(q, submitted)
        except AnswerError as e:
            errors[q.key] = e.message
            continue
        if value is None and q.required:
            errors[q.key] = _missing_message(q)
            continue
        answers[q.key] = value
        clean[q.key] = value
    return ValidationResult(clean, errors)


def _missing_message(q: Question) -> Message:
    qtype = get_type(q.type)
    if qtype.multiple:
        return Message("Choose at least one answer")
    if qtype.has_choices:
        return Message("Choose an answer")
    return Message("Answer this question")
