"""Data factories for tests: small, valid survey definitions with keyword overrides.

``make_question`` and ``make_survey`` build the dataclasses directly;
``make_survey_from_yaml`` goes through the loader, as a definition file would.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from surveys.loader import loads_survey
from surveys.model import (
    Audience,
    Choice,
    Question,
    Section,
    Settings,
    ShowIf,
    Survey,
    Translation,
)

#: A small staff survey as a definition file; ``make_survey_from_yaml()`` loads it.
SMALL_SURVEY_YAML = """\
key: staff-annual
title: Staff survey 2025
audience: staff
sections:
- key: about
  title: About you
  questions:
  - key: team
    type: segment
    text: Which team are you in?
    options: {segment: team}
    choices: [North, South]
  - key: morale
    type: agreement
    text: I enjoy my work
"""


def choices(*values: str) -> tuple[Choice, ...]:
    """Choices whose labels are their values with a capital letter: ``choices("a", "b")``."""
    return tuple(Choice(v, v.replace("_", " ").capitalize()) for v in values)


def make_question(**overrides: Any) -> Question:
    """A question, by default an agreement item with "don't know" on (as the loader sets it).

    Passing another ``type`` turns "don't know" off unless ``dont_know`` is given too,
    again as the loader does. ``options`` and ``translations`` may be plain dicts;
    ``choices`` may be a list of value strings.
    """
    fields: dict[str, Any] = {
        "key": "morale",
        "type": "agreement",
        "text": "I enjoy my work",
    }
    fields.update(overrides)
    fields.setdefault("dont_know", fields["type"] == "agreement")
    raw_choices = fields.get("choices", ())
    if raw_choices and all(isinstance(c, str) for c in raw_choices):
        fields["choices"] = choices(*raw_choices)
    else:
        fields["choices"] = tuple(raw_choices)
    for name in ("options", "translations"):
        if name in fields:
            fields[name] = MappingProxyType(dict(fields[name]))
    return Question(**fields)


def make_section(questions: Sequence[Question] | None = None, **overrides: Any) -> Section:
    """A section holding ``questions`` (default: one agreement question)."""
    fields: dict[str, Any] = {"key": "about", "title": "About you"}
    fields.update(overrides)
    fields["questions"] = tuple(questions if questions is not None else [make_question()])
    return Section(**fields)


def make_survey(questions: Sequence[Question] | None = None, **overrides: Any) -> Survey:
    """A survey with one section holding ``questions`` (default: one agreement question).

    Any :class:`Survey` field may be overridden; ``sections`` wins over ``questions``,
    and ``settings`` may be a dict of :class:`Settings` fields.
    """
    fields: dict[str, Any] = {
        "key": "staff-annual",
        "title": "Staff survey 2025",
        "audience": Audience.STAFF,
    }
    fields.update(overrides)
    if isinstance(fields.get("settings"), Mapping):
        fields["settings"] = Settings(**fields["settings"])
    if "translations" in fields:
        fields["translations"] = MappingProxyType(dict(fields["translations"]))
    fields.setdefault("sections", (make_section(questions),))
    fields["sections"] = tuple(fields["sections"])
    return Survey(**fields)


def make_survey_from_yaml(text: str = SMALL_SURVEY_YAML, source: str = "staff.yaml",
                          **overrides: Any) -> Survey:
    """Load ``text`` (dedented) as a definition, then replace any top-level fields."""
    survey = loads_survey(textwrap.dedent(text), source=source)
    return replace(survey, **overrides) if overrides else survey


__all__ = [
    "SMALL_SURVEY_YAML", "Choice", "ShowIf", "Translation", "choices", "make_question",
    "make_section", "make_survey", "make_survey_from_yaml",
]
