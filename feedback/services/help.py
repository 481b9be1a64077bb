"""Help in the moment: a respondent who may be at risk is offered help straight away.

After a page whose answers include a free-text answer the safeguarding screen flags,
or a choice that raises a concern (``concern:`` in the definition), the next page the
respondent sees offers help once, at its top; the thank-you page offers it again. The
safeguarding lead's queue is read within working days; this is for the child now.

What is remembered lives in the Flask session, which the view passes in, one entry per
wave (wave id -> the survey's key and whether the next page still has to offer help):
no database change, and nothing about what was answered, only that help is to be
offered. The entry goes once the thank-you page has shown it, and a new start of the
survey drops an old one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from flask import current_app

from feedback.services.screening import screener
from surveys import AnswerValue, Audience, Mode, Question, Survey, concern_answers, get_type

#: the session key of the entries, wave id (as text) -> {"survey": key, "next": bool}
SESSION_KEY = "help_now"

#: where entries are kept: the Flask session, passed in by the view (as for exit.py)
Store = MutableMapping[str, Any]

CHILDLINE_PHONE = "0800 1111"

#: audiences Childline is for (under 19s); adults are offered their survey's own contacts
CHILDREN = frozenset({Audience.YOUNG_PEOPLE, Audience.CARE_LEAVERS})


@dataclass(frozen=True)
class HelpLine:
    """One place to call. ``kind`` is ``childline`` or ``out_of_hours`` (worded by the
    template, in the respondent's language) or ``contact`` (a contact of the survey's
    own, shown as its definition words it)."""

    kind: str
    phone: str = ""
    name: str = ""
    description: str = ""
    url: str = ""

    @property
    def tel(self) -> str:
        """The number as a ``tel:`` link wants it: digits and a leading +."""
        return re.sub(r"[^0-9+]", "", self.phone)


@dataclass(frozen=True)
class HelpOffer:
    """What the help panel shows: where to call, and whether anyone can follow up."""

    lines: tuple[HelpLine, ...]
    identified: bool
    target_days: int


def help_offer(definition: Survey) -> HelpOffer:
    """The panel for ``definition``: Childline first (for children and care leavers, or
    when the survey lists it), then the survey's other contacts, then the local
    out-of-hours team from the configuration, which stands in for the survey's own
    out-of-hours entry. "Call 999" is always the panel's last line."""
    config = current_app.config
    childline = HelpLine("childline", CHILDLINE_PHONE)
    out_of_hours = HelpLine("out_of_hours", config["OUT_OF_HOURS_PHONE"])
    # a link only to a web address: a definition is typed by people, and a javascript:
    # or relative address has no place in a child's way to help
    listed = [HelpLine("contact", c.phone, c.name, c.description,
                       c.url if c.url.startswith(("https://", "http://")) else "")
              for c in definition.settings.help_contacts]
    wants_childline = (definition.audience in CHILDREN
                       or any(_is(line, childline, "childline") for line in listed))
    own = [line for line in listed if not _is(line, childline, "childline")
           and not _is(line, out_of_hours, "out of hours")]
    return HelpOffer(lines=(*([childline] if wants_childline else []), *own, out_of_hours),
                     identified=definition.settings.mode is Mode.IDENTIFIED,
                     target_days=int(config["SAFEGUARDING_TARGET_DAYS"]))


def _is(line: HelpLine, known: HelpLine, name: str) -> bool:
    """Whether a survey's contact is ``known``: the same number, or its name says so."""
    return (bool(line.tel) and line.tel == known.tel) or \
        name in line.name.lower().replace("-", " ")


def concern_on_page(definition: Survey, questions: Iterable[Question],
                    answers: Mapping[str, AnswerValue]) -> bool:
    """Whether the answers to ``questions`` (one page) may mean the respondent is at risk.

    True when one of them is a choice that raises a concern, or a free-text answer
    the screen flags. ``answers`` may hold answers to other pages too; only those to
    ``questions`` count.
    """
    questions = list(questions)
    mine = {q.key: answers[q.key] for q in questions if answers.get(q.key) is not None}
    if concern_answers(definition, mine):
        return True
    screen = screener()
    return any(get_type(q.type).free_text and isinstance(mine.get(q.key), str)
               and screen.screen(str(mine[q.key])).flagged for q in questions)


def note_page(store: Store, wave_id: int, survey_key: str, concern: bool) -> None:
    """Remember in ``store`` (the Flask session) that a page of ``wave_id`` raised a
    concern; nothing when it did not.

    A later page without one does not undo it: a child who wrote something and then
    took it back is still offered help on the thank-you page.
    """
    if concern:
        entries = _entries(store)
        entries[str(wave_id)] = {"survey": survey_key, "next": True}
        _keep(store, entries)


def help_on_page(store: Store, wave_id: int) -> bool:
    """Whether this question page offers help: the first one shown after a concern.

    Asking answers it, so the pages after that one do not offer it again.
    """
    entries = _entries(store)
    entry = entries.get(str(wave_id))
    if not entry or not entry.get("next"):
        return False
    entries[str(wave_id)] = {**entry, "next": False}
    _keep(store, entries)
    return True


def help_on_thanks(store: Store, survey_key: str) -> bool:
    """Whether the thank-you page of ``survey_key`` offers help: the response raised a
    concern. Asking answers it, and forgets the entry."""
    entries = _entries(store)
    raised = [wave for wave, entry in entries.items() if entry.get("survey") == survey_key]
    for wave in raised:
        del entries[wave]
    _keep(store, entries)
    return bool(raised)


def forget(store: Store, wave_id: int) -> None:
    """Drop what was remembered for ``wave_id``: a new start of the survey is a new response."""
    entries = _entries(store)
    entries.pop(str(wave_id), None)
    _keep(store, entries)


def _entries(store: Store) -> dict[str, dict[str, Any]]:
    return dict(store.get(SESSION_KEY) or {})


def _keep(store: Store, entries: dict[str, dict[str, Any]]) -> None:
    # An empty map is removed rather than kept: the cookie changes only when it must.
    if entries:
        store[SESSION_KEY] = entries
    else:
        store.pop(SESSION_KEY, None)
