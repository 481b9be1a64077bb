"""Languages. Every string Chorus shows respondents goes through Flask-Babel.

A respondent picks a language with ``?lang=pl`` on any page; the choice is kept
in the session. Survey wording comes from the definition's translations, and
falls back to English where a definition has none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, g, request, session
from flask_babel import Babel, format_date, get_locale, get_translations

from surveys.model import Survey
from surveys.types import Message

#: Languages Chorus's own wording is translated into, with their names in themselves.
LANGUAGES = {"en": "English", "pl": "Polski"}

babel = Babel()


def init_app(app: Flask) -> None:
    """Flask-Babel, with Chorus's language choice and quicker gettext in templates."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )


def translations() -> Any:
    """This request's catalogue, as Flask-Babel's ``get_translations()``, looked up
    once per request and locale rather than once per string.

    A page shows a few dozen translated strings; Flask-Babel finds its domain,
    cache and locale name again for each of them, which was a sixth of a
    respondent page's rendering. The entry is keyed by the locale object, so a
    ``force_locale`` block gets its own language.
    """
    locale = get_locale()
    cached = g.get("_chorus_translations")
    if cached is None or cached[0] is not locale:
        cached = g._chorus_translations = (locale, get_translations())
    return cached[1]


def gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's ``gettext``, through :func:`translations`."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def select_locale() -> str:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "en"


def current_language() -> str:
    """The language of Chorus's own wording on this page, for ``<html lang>``."""
    locale = get_locale()
    if locale is None:
        return "en"
    cached = g.get("_chorus_language")
    if cached is None or cached[0] is not locale:  # str(Locale) is not cheap
        cached = g._chorus_language = (locale, str(locale))
    return cached[1]


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
