"""Survey definitions as frozen dataclasses.

A definition is data: it is loaded from YAML (:mod:`surveys.loader`), checked once,
and never mutated afterwards. Everything that varies by question type lives in the
registry in :mod:`surveys.types`, not here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

#: Answer values that any choice-like question can offer besides its own choices.
DONT_KNOW = "dont_know"
RATHER_NOT_SAY = "rather_not_say"
SPECIAL_VALUES = (DONT_KNOW, RATHER_NOT_SAY)



def _no_mapping() -> Mapping:
    return MappingProxyType({})


class Audience(StrEnum):
    """Who a survey is for. Analysis compares audiences on shared core items."""

    STAFF = "staff"
    FAMILIES = "families"
    FOSTER_CARERS = "foster_carers"
    YOUNG_PEOPLE = "young_people"
    CARE_LEAVERS = "care_leavers"

    @property
    def label(self) -> str:
        return _AUDIENCE_LABELS[self]


def _N(text: str) -> str:  # noqa: N802 - a gettext marker, as N_ in surveys.types
    """Mark wording for extraction; the web layer translates it (``_(audience.label)``)."""
    return text


_AUDIENCE_LABELS = {
    Audience.STAFF: _N("Staff"),
    Audience.FAMILIES: _N("Parents and families"),
    Audience.FOSTER_CARERS: _N("Foster carers"),
    Audience.YOUNG_PEOPLE: _N("Children and young people in care"),
    Audience.CARE_LEAVERS: _N("Care leavers"),
}


class Mode(StrEnum):
    """Anonymous surveys never link answers to a person; identified ones may."""

    ANONYMOUS = "anonymous"
    IDENTIFIED = "identified"


class PageMode(StrEnum):
    """How a form is paged: one question per page, or one section per page."""

    ONE_QUESTION = "one_question"
    SECTIONS = "sections"


@dataclass(frozen=True)
class HelpContact:
    """Somewhere a respondent can get help, shown on every page."""

    name: str
    phone: str = ""
    url: str = ""
    description: str = ""


@dataclass(frozen=True)
class Settings:
    """Per-survey settings. Defaults are the privacy-preserving choice."""

    mode: Mode = Mode.ANONYMOUS
    page_mode: PageMode = PageMode.SECTIONS
    min_group_score: int = 5
    min_group_comments: int = 10
    retention_days: int = 730
    safeguarding_notice: str = ""
    #: the notice in other languages, by language code
    safeguarding_notice_translations: Mapping[str, str] = field(default_factory=_no_mapping)
    help_contacts: tuple[HelpContact, ...] = ()
    languages: tuple[str, ...] = ("en",)
    age_band: str = ""
    allow_resume: bool = True


@dataclass(frozen=True)
class Choice:
    """One option of a choice-like question. ``value`` is stable; ``label`` is wording."""

    value: str
    label: str
    translations: Mapping[str, str] = field(default_factory=_no_mapping)


@dataclass(frozen=True)
class ShowIf:
    """Show a question only when an earlier answer matches.

    ``values`` holds the accepted values of the earlier question; with
    ``negate`` the question shows when the answer is anything else (including
    no answer).
    """

    question: str
    values: tuple[str, ...]
    negate: bool = False

    def matches(self, answer: object) -> bool:
        if isinstance(answer, list | tuple):
            hit = any(str(a) in self.values for a in answer)
        else:
            hit = answer is not None and str(answer) in self.values
        return hit != self.negate


@dataclass(frozen=True)
class Translation:
    """A question's wording in another language."""

    text: str
    hint: str = ""


@dataclass(frozen=True)
class Question:
    """One question. ``key`` is stable across waves and audiences.

    ``options`` holds type-specific settings (``faces`` for smiley scales,
    ``min``/``max`` for numbers, ``segment`` for segment questions...) and is
    checked by the question type in the registry.

    ``concern`` lists the question's own choice values that raise a concern (a child
    answering "No" to "Do you feel safe where you live?"): the respondent is offered
    help at once and the answer can reach the safeguarding lead, as a flagged
    free-text answer does. See :func:`surveys.concern_answers`.
    """

    key: str
    type: str
    text: str
    hint: str = ""
    required: bool = False
    choices: tuple[Choice, ...] = ()
    dont_know: bool = False
    rather_not_say: bool = False
    show_if: ShowIf | None = None
    core: bool = False
    options: Mapping[str, object] = field(default_factory=_no_mapping)
    translations: Mapping[str, Translation] = field(default_factory=_no_mapping)
    concern: tuple[str, ...] = ()

    def wording(self, language: str = "en") -> Translation:
        """The text and hint in ``language``, falling back to the definition's own."""
        return self.translations.get(language) or Translation(self.text, self.hint)


@dataclass(frozen=True)
class Section:
    """A group of questions shown together when a survey pages by section."""

    key: str
    title: str
    intro: str = ""
    questions: tuple[Question, ...] = ()
    translations: Mapping[str, Translation] = field(default_factory=_no_mapping)


@dataclass(frozen=True)
class Survey:
    """A whole survey definition, one version of it."""

    key: str
    title: str
    audience: Audience
    version: int = 1
    description: str = ""
    settings: Settings = field(default_factory=Settings)
    sections: tuple[Section, ...] = ()
    translations: Mapping[str, Translation] = field(default_factory=_no_mapping)

    def questions(self) -> Iterator[Question]:
        """Every question, in the order a respondent meets them."""
        for section in self.sections:
            yield from section.questions

    def question(self, key: str) -> Question:
        """The question with ``key``; raises ``KeyError`` when there is none."""
        for q in self.questions():
            if q.key == key:
                return q
        raise KeyError(key)

    def segment_questions(self) -> list[Question]:
        """Questions that define breakdowns (team, role, age band...)."""
        return [q for q in self.questions() if q.type == "segment"]
