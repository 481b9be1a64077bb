"""Languages. Every string Chorus shows respondents goes through Flask-Babel.

A respondent picks a language with ``?lang=pl`` on any page; the choice is kept
in the session. Survey wording comes from the definition's translations, and
falls back to English where a definition has none.
"""

from __future__ import annotations

import datetime as dt

from flask import request, session
from flask_babel import Babel, format_date, get_locale, gettext

from surveys.model import Survey
from surveys.types import Message

#: Languages Chorus's own wording is translated into, with their names in themselves.
LANGUAGES = {"en": "English", "pl": "Polski"}

babel = Babel()


def select_locale() -> str:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "en"


def current_language() -> str:
    """The language of Chorus's own wording on this page, for ``<html lang>``."""
    return str(get_locale() or "en")


def survey_language(definition: Survey) -> str:
    """The language a survey's own wording is shown in: the page's, if the survey has it."""
    language = current_language()
    return language if language in definition.settings.languages else "en"


def translate_message(message: str) -> str:
    """An error message from :mod:`surveys`, in the respondent's language."""
    if isinstance(message, Message):
        return gettext(message.template, **message.params)
    return gettext(message)


def long_date(day: dt.date) -> str:
    """A date as people write it, in the page's language: 28 September 2026."""
    return format_date(day, "d MMMM y")
