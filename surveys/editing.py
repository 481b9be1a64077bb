"""Changing a survey definition one step at a time, as the survey editor does.

Every function takes a :class:`~surveys.model.Survey` and returns a new one (the
model is frozen); none of them touches the original. :func:`checked` writes the
result out and reads it back through the loader, so an edit can only ever
produce a definition the loader accepts. Problems a person can fix are raised
as :class:`EditError` (or :class:`~surveys.loader.DefinitionError` from the
loader), with a message fit to show them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from types import MappingProxyType

from surveys.export import dump_survey
from surveys.loader import CHOICE_VALUE, SURVEY_KEY, loads_survey
from surveys.model import Choice, Question, Section, Survey, Translation
from surveys.types import REGISTRY


class EditError(ValueError):
    """An edit cannot be made; ``str()`` says why, for a person. ``field`` names the part
    of a question the problem is in (``choices``, ``concern``, ``options``), when it is one."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def question_types() -> list[str]:
    """The names of every registered question type, sorted."""
    return sorted(REGISTRY)


def checked(survey: Survey, source: str = "<editor>") -> tuple[Survey, str]:
    """The survey as YAML, read back through the loader: ``(definition, text)``.

    Raises :class:`~surveys.loader.DefinitionError` when the edit left the
    definition invalid (a show-if that now looks forward, a missing choice...).
    """
    text = dump_survey(survey)
    return loads_survey(text, source), text


def copy_survey(survey: Survey, key: str, title: str) -> Survey:
    """A copy of ``survey`` under a new key and title, at version 1.

    The copy's translated titles are dropped: they translate the old title.
    """
    if not SURVEY_KEY.match(key):
        raise EditError("Use lower-case letters, digits and hyphens for the key, "
                        "like staff-annual-2026")
    if not title.strip():
        raise EditError("Give the survey a title")
    # Translated descriptions still fit; translated titles do not, so they fall back to
    # the new title until someone translates it.
    translations = {lang: Translation(title.strip(), t.hint)
                    for lang, t in survey.translations.items() if t.hint}
    return dataclasses.replace(survey, key=key, title=title.strip(), version=1,
                               translations=MappingProxyType(translations))


def _where(survey: Survey, key: str) -> tuple[int, int]:
    """``(section index, question index)`` of question ``key``."""
    for si, section in enumerate(survey.sections):
        for qi, question in enumerate(section.questions):
            if question.key == key:
                return si, qi
    raise EditError(f"There is no question {key!r} in this survey")


def _with_sections(survey: Survey, sections: Iterable[Section]) -> Survey:
    return dataclasses.replace(survey, sections=tuple(sections))


def _with_questions(section: Section, questions: Iterable[Question]) -> Section:
    return dataclasses.replace(section, questions=tuple(questions))


def section(survey: Survey, key: str) -> Section:
    """The section called ``key``; raises :class:`EditError` when there is none."""
    for s in survey.sections:
        if s.key == key:
            return s
    raise EditError(f"There is no section {key!r} in this survey")


def add_question(survey: Survey, section_key: str, question: Question) -> Survey:
    """``question`` added at the end of section ``section_key``."""
    if any(q.key == question.key for q in survey.questions()):
        raise EditError(f"The survey already has a question with the key {question.key!r}; "
                        "keys must be different")
    target = section(survey, section_key)
    return _with_sections(survey, (
        _with_questions(s, [*s.questions, question]) if s is target else s
        for s in survey.sections))


def replace_question(survey: Survey, key: str, question: Question) -> Survey:
    """Question ``key`` replaced by ``question`` in the same place.

    The key itself cannot change: it is what links answers across waves.
    """
    if question.key != key:
        raise EditError("A question's key cannot change once it exists")
    si, qi = _where(survey, key)
    questions = list(survey.sections[si].questions)
    questions[qi] = question
    sections = list(survey.sections)
    sections[si] = _with_questions(sections[si], questions)
    return _with_sections(survey, sections)


def move_question(survey: Survey, key: str, step: int) -> Survey:
    """Question ``key`` moved one place up (``step=-1``) or down (``step=1``).

    At the top or bottom of a section it moves into the end of the section
    before, or the start of the section after. A question that depends on
    another (show-if) cannot move above it: :func:`checked` reports that.
    """
    if step not in (-1, 1):
        raise EditError("A question moves one place up or down")
    si, qi = _where(survey, key)
    sections = [list(s.questions) for s in survey.sections]
    question = sections[si].pop(qi)
    target = qi + step
    if 0 <= target <= len(sections[si]) and not (step == 1 and qi == len(sections[si])):
        sections[si].insert(target, question)
    elif step == -1 and si > 0:
        sections[si - 1].append(question)
    elif step == 1 and si < len(sections) - 1:
        sections[si + 1].insert(0, question)
    else:
        raise EditError("This question is already " + ("first" if step == -1 else "last"))
    if not sections[si]:
        raise EditError("A section needs at least one question: add another to "
                        f"{survey.sections[si].title!r} first")
    return _with_sections(survey, (_with_questions(s, qs)
                                   for s, qs in zip(survey.sections, sections, strict=True)))


def dependents(survey: Survey, key: str) -> list[Question]:
    """Questions shown only depending on the answer to question ``key``."""
    return [q for q in survey.questions() if q.show_if and q.show_if.question == key]


def remove_question(survey: Survey, key: str) -> Survey:
    """The survey without question ``key``."""
    depending = dependents(survey, key)
    if depending:
        names = ", ".join(repr(q.key) for q in depending)
        raise EditError(f"Other questions are shown depending on this one ({names}); "
                        "change or remove them first")
    si, qi = _where(survey, key)
    if len(survey.sections[si].questions) == 1:
        raise EditError("This is the only question in its section, and a section needs one")
    sections = list(survey.sections)
    sections[si] = _with_questions(sections[si], (q for i, q in enumerate(
        sections[si].questions) if i != qi))
    return _with_sections(survey, sections)


def set_translation(survey: Survey, key: str, language: str, text: str,
                    hint: str = "") -> Survey:
    """Question ``key`` with its wording in ``language`` set (or removed when empty)."""
    if language not in survey.settings.languages[1:]:
        offered = ", ".join(survey.settings.languages[1:]) or "none"
        raise EditError(f"This survey is not offered in {language!r} (it offers: {offered})")
    si, qi = _where(survey, key)
    question = survey.sections[si].questions[qi]
    translations = dict(question.translations)
    if text.strip():
        translations[language] = Translation(text.strip(), hint.strip())
    elif hint.strip():
        raise EditError("Give the question's wording as well as its hint")
    else:
        translations.pop(language, None)
    return replace_question(survey, key, dataclasses.replace(
        question, translations=MappingProxyType(translations)))


# -- the question form's text boxes --------------------------------------------------

def parse_choices(text: str) -> tuple[Choice, ...]:
    """Choices written one a line, as ``value: Label`` or just ``Label``.

    A bare label gets a value made from its words ("Every week" -> ``every_week``).
    """
    choices = []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        value, sep, label = line.partition(":")
        if sep and CHOICE_VALUE.match(value.strip()) and label.strip():
            choices.append(Choice(value.strip(), label.strip()))
        else:
            slug = re.sub(r"[^a-z0-9]+", "_", line.lower()).strip("_")
            if not slug:
                raise EditError(f"Choice on line {n}: write a label with letters or digits",
                                "choices")
            choices.append(Choice(slug, line))
    return tuple(choices)


def choices_text(question: Question) -> str:
    """A question's own choices as the form shows them: ``value: Label`` a line."""
    return "\n".join(f"{c.value}: {c.label}" for c in question.choices)


def parse_concern(text: str) -> tuple[str, ...]:
    """Answer values that raise a concern, separated by commas or spaces (``sad, very_sad``).

    Whether they are answers to the question is checked by :func:`checked`, which
    names the value that is not.
    """
    values = tuple(v for v in re.split(r"[\s,]+", text.strip()) if v)
    for value in values:
        if not CHOICE_VALUE.match(value):
            raise EditError(f"{value!r} is not an answer value: write values like sad or "
                            "strongly_disagree, separated by commas", "concern")
    return values


def concern_text(question: Question) -> str:
    """A question's concern answers as the form shows them: ``sad, very_sad``."""
    return ", ".join(question.concern)


def parse_options(text: str) -> dict[str, object]:
    """Type-specific options written one a line as ``name: value`` (``faces: 5``)."""
    options: dict[str, object] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise EditError(f"Options, line {n}: write a name and a value, like faces: 5",
                            "options")
        options[name] = int(value) if re.fullmatch(r"-?[0-9]+", value) else value
    return options


def options_text(question: Question) -> str:
    return "\n".join(f"{name}: {value}" for name, value in question.options.items())
