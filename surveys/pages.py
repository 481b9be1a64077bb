"""How a survey is split into pages, and which pages a respondent sees.

Forms work without JavaScript, so a question that depends on another answer
can only appear on a later page than that answer. In ``sections`` mode a
section is therefore split where one of its questions looks back at a question
on the same page; in ``one_question`` mode every question has a page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from surveys.model import PageMode, Question, Section, Survey
from surveys.records import AnswerValue
from surveys.validation import is_shown


@dataclass(frozen=True)
class Page:
    """Questions shown together. ``key`` is stable and safe in a URL."""

    key: str
    section: Section
    questions: tuple[Question, ...]

    def visible(self, answers: Mapping[str, AnswerValue]) -> list[Question]:
        return [q for q in self.questions if is_shown(q, answers)]


def plan_pages(survey: Survey) -> list[Page]:
    """Every page of ``survey`` in order, whatever the answers."""
    pages: list[Page] = []
    for section in survey.sections:
        if survey.settings.page_mode is PageMode.ONE_QUESTION:
            pages.extend(Page(q.key, section, (q,)) for q in section.questions)
            continue
        chunk: list[Question] = []
        for q in section.questions:
            if chunk and q.show_if and q.show_if.question in {c.key for c in chunk}:
                pages.append(_section_page(section, chunk, pages))
                chunk = []
            chunk.append(q)
        pages.append(_section_page(section, chunk, pages))
    return pages


def _section_page(section: Section, questions: list[Question], pages: list[Page]) -> Page:
    part = sum(p.section.key == section.key for p in pages)
    key = section.key if part == 0 else f"{section.key}-{part + 1}"
    return Page(key, section, tuple(questions))


def visible_pages(survey: Survey, answers: Mapping[str, AnswerValue]) -> list[Page]:
    """The pages this respondent sees, given their answers so far."""
    return [p for p in plan_pages(survey) if p.visible(answers)]


def next_page(survey: Survey, current: str | None,
              answers: Mapping[str, AnswerValue]) -> Page | None:
    """The first visible page after ``current`` (or the first page); ``None`` at the end."""
    pages = plan_pages(survey)
    keys = [p.key for p in pages]
    start = keys.index(current) + 1 if current in keys else 0
    return next((p for p in pages[start:] if p.visible(answers)), None)


def page_position(survey: Survey, key: str, answers: Mapping[str, AnswerValue]
                  ) -> tuple[int, int]:
    """``(n, total)`` for "Question n of total", counting pages this respondent sees."""
    pages = visible_pages(survey, answers)
    keys = [p.key for p in pages]
    if key not in keys:  # shown because a condition is still unanswered
        keys = [p.key for p in plan_pages(survey) if p.key in keys or p.key == key]
    return keys.index(key) + 1, len(keys)


def estimated_minutes(survey: Survey) -> int:
    """A fair guess at how long a survey takes: 12 seconds a choice, 2 minutes a comment."""
    seconds = 0
    for q in survey.questions():
        seconds += 120 if q.type == "long_text" else 12
    return max(1, round(seconds / 60))
