"""Write a survey back to YAML. ``loads_survey(dump_survey(s)) == s`` always holds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from surveys.model import Choice, Question, Section, Settings, Survey, Translation


class _Dumper(yaml.SafeDumper):
    """Block style, long text folded, keys in the order written."""


#: line breaks other than \n that YAML would fold or normalise unless escaped
_ODD_BREAKS = frozenset("\r\x85\u2028\u2029")


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if _ODD_BREAKS.intersection(data):
        style: str | None = '"'
    else:
        style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_presenter)


def _translations(translations: Mapping[str, Translation], names: tuple[str, str]
                  ) -> dict[str, dict[str, str]]:
    out = {}
    for lang, t in translations.items():
        entry = {names[0]: t.text}
        if t.hint:
            entry[names[1]] = t.hint
        out[lang] = entry
    return out


def _settings(s: Settings) -> dict[str, Any]:
    defaults = Settings()
    out: dict[str, Any] = {}
    for name in ("mode", "page_mode"):
        if getattr(s, name) != getattr(defaults, name):
            out[name] = getattr(s, name).value
    for name in ("min_group_score", "min_group_comments", "retention_days", "age_band",
                 "safeguarding_notice", "allow_resume"):
        if getattr(s, name) != getattr(defaults, name):
            out[name] = getattr(s, name)
    if s.safeguarding_notice_translations:
        out["safeguarding_notice_translations"] = dict(s.safeguarding_notice_translations)
    if s.languages != defaults.languages:
        out["languages"] = list(s.languages)
    if s.help_contacts:
        out["help_contacts"] = [
            {k: v for k, v in vars(c).items() if v} for c in s.help_contacts
        ]
    return out


def _choice(c: Choice) -> dict[str, Any]:
    out: dict[str, Any] = {"value": c.value, "label": c.label}
    if c.translations:
        out["translations"] = dict(c.translations)
    return out


def _question(q: Question) -> dict[str, Any]:
    out: dict[str, Any] = {"key": q.key, "type": q.type, "text": q.text}
    if q.hint:
        out["hint"] = q.hint
    for name in ("required", "rather_not_say", "core"):
        if getattr(q, name):
            out[name] = True
    if q.dont_know != (q.type == "agreement"):
        out["dont_know"] = q.dont_know
    if q.choices:
        out["choices"] = [_choice(c) for c in q.choices]
    if q.concern:
        out["concern"] = list(q.concern)
    if q.show_if:
        values = list(q.show_if.values)
        if q.show_if.negate:
            out["show_if"] = {"question": q.show_if.question, "not_in": values}
        elif len(values) == 1:
            out["show_if"] = {"question": q.show_if.question, "equals": values[0]}
        else:
            out["show_if"] = {"question": q.show_if.question, "in": values}
    if q.options:
        out["options"] = dict(q.options)
    if q.translations:
        out["translations"] = _translations(q.translations, ("text", "hint"))
    return out


def _section(s: Section) -> dict[str, Any]:
    out: dict[str, Any] = {"key": s.key, "title": s.title}
    if s.intro:
        out["intro"] = s.intro
    if s.translations:
        out["translations"] = _translations(s.translations, ("title", "intro"))
    out["questions"] = [_question(q) for q in s.questions]
    return out


def survey_to_dict(survey: Survey) -> dict[str, Any]:
    """The definition as plain data, in the shape the YAML loader reads."""
    out: dict[str, Any] = {
        "key": survey.key,
        "version": survey.version,
        "title": survey.title,
        "audience": survey.audience.value,
    }
    if survey.description:
        out["description"] = survey.description
    if survey.translations:
        out["translations"] = _translations(survey.translations, ("title", "description"))
    settings = _settings(survey.settings)
    if settings:
        out["settings"] = settings
    out["sections"] = [_section(s) for s in survey.sections]
    return out


def dump_survey(survey: Survey) -> str:
    """The definition as YAML text a person can edit."""
    return yaml.dump(survey_to_dict(survey), Dumper=_Dumper, sort_keys=False,
                     allow_unicode=True, width=96)
