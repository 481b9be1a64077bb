"""Redaction of personal details in free text.

:func:`redact_spans` finds the personal details in a comment and says where
they are; :func:`redact` replaces each with a placeholder from
:data:`PLACEHOLDERS`. Everything an analyst, a manager or a board reads
(theme quotes, comment lists, exports, PDF reports) goes through
:func:`redact`, by way of :func:`analysis.text.prepare`.

The rules are regular expressions and word lists, not a statistical model:
they are quick, never send text anywhere, and each can be read and tested
with explicit examples. Names are found by :mod:`analysis._redaction_names`.
What is found and what is missed, with figures measured on
``tests/analysis/data/redaction.csv`` by ``bench/redaction.py``, is in
``docs/redaction.md``.

Patterns start only where a word or a number starts and never nest
unbounded repeats, so the time taken grows in step with the length of the
text, also for hostile input (``tests/analysis/test_redaction.py`` checks).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from analysis._redaction_names import Text, find_names
from analysis._redaction_words import COMMON_WORDS, NOT_STREET_WORDS, SCHOOL_KINDS

__all__ = ["PLACEHOLDERS", "RedactionSpan", "redact", "redact_spans"]

#: The placeholders :func:`redact` writes, by kind of personal detail. Where
#: findings of two kinds overlap, the kind listed first wins.
PLACEHOLDERS: dict[str, str] = {
    "email": "[email]",
    "dob": "[date of birth]",
    "phone": "[phone]",
    "postcode": "[postcode]",
    "address": "[address]",
    "school": "[school]",
    "name": "[name]",
}
_RANK = {kind: rank for rank, kind in enumerate(PLACEHOLDERS)}


class RedactionSpan(NamedTuple):
    """One personal detail found in a text: its kind and where it is, ``text[start:end]``."""

    kind: str
    start: int
    end: int


# --- emails -------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]*\w\s?@\s?[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
# spelt out: "jo dot smith at example dot com", "jo[at]example[dot]org"
_DOT = r"(?:\s*\.\s*|\s+dot\s+|\s*[\[({]\s*dot\s*[\])}]\s*)"
_AT = r"(?:\s+at\s+|\s*[\[({]\s*at\s*[\])}]\s*)"
_TLD = r"(?:com|org|net|info|io|me|uk|(?:co|org|ac|gov|sch|nhs)" + _DOT + r"uk)\b"
_SPELT_EMAIL = re.compile(
    rf"(?<![\w.+-])(?P<local>[\w+-]+)(?:{_DOT}[\w+-]+)*{_AT}[\w-]+(?:{_DOT}[\w-]+)*?{_DOT}{_TLD}"
)
_SPELT_AT = re.compile(r"\bat\b|[\[({]\s*at\s*[\])}]")
_SPELT_END = re.compile(r"(?:\.|\bdot\b|[\])}])\s*" + _TLD)


def _emails(t: Text) -> Iterator[tuple[int, int]]:
    if "@" in t.text:
        for m in _EMAIL.finditer(t.text):
            yield m.span()
    if _SPELT_AT.search(t.low) and _SPELT_END.search(t.low):
        for m in _SPELT_EMAIL.finditer(t.low):
            if m["local"] not in COMMON_WORDS:  # "look at bbc dot co dot uk"
                yield m.span()


# --- phone numbers ------------------------------------------------------------

_SEP = r"[ .\-]?\)?[ .\-]?"
_NOT_AFTER = r"(?<![\w+£$€./])"
_PHONE = re.compile(
    # 0 or +44 / 0044 (with an optional "(0)"), then 9 or 10 digits in any grouping
    rf"{_NOT_AFTER}(?:(?:\+|00)\s?44\s?(?:\(0\)|0)?|\(?0)(?:{_SEP}\d){{9,10}}(?![\d/])"
    rf"|{_NOT_AFTER}08\d\d ?\d{{4}}(?![\d/.:\-])"  # eight digits: Childline's 0800 1111
    rf"|{_NOT_AFTER}\+(?!44)\d{{1,3}}(?:[ \-]?\(?\d\)?){{7,12}}(?![\d/])"  # other countries
)


def _phones(t: Text) -> Iterator[tuple[int, int]]:
    for m in _PHONE.finditer(t.text):
        seps = set(re.sub(r"[\d()+]", "", m.group()))
        if "." in seps and seps != {"."}:  # "01.02.2024 10.30" is a date and a time
            continue
        yield m.span()


# --- postcodes ----------------------------------------------------------------

_POSTCODE = re.compile(
    r"(?<![\w£$€])(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|GIR)\s{0,2}(?P<inward>\d[ABD-HJLNP-UW-Z]{2})(?!\w)",
    re.IGNORECASE,
)
# "b4 5pm", "in Y10 2nd term": a lower-case inward code that reads as a time or an ordinal
_NOT_INWARD = re.compile(r"\d(?:am|pm)|1st|2nd|3rd|[04-9]th")


def _postcodes(t: Text) -> Iterator[tuple[int, int]]:
    for m in _POSTCODE.finditer(t.text):
        if not _NOT_INWARD.fullmatch(m["inward"]):
            yield m.span()


# --- dates of birth -----------------------------------------------------------

_MONTH = (  # a full stop only after a short form: "Oct. 2" is a date, "October. 2" is not
    r"(?:(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december)\b|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b\.?)"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}[/.\-]\d{1,2}(?:[/.\-]\d{2,4})?"
    r"|\d{1,2} \d{1,2} \d{4}"
    rf"|{_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+\d{{4}}|\s+\d{{2}}\b)?"
    rf"|{_MONTH}\s+{_DAY}\b(?:,?\s+\d{{4}}|\s+\d{{2}}\b)?"
    rf"|{_MONTH}\s+\d{{4}})(?!\d)"
)
_FULL_DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}"
    rf"|{_DAY}(?:\s+of)?\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+{_DAY},?\s+\d{{4}})(?!\d)"
)
_DOB_CUE = r"\b(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s?day|b[' \-]?day|born)(?:'s)?"
_DOB = re.compile(
    _DOB_CUE + r"(?:\s*(?:\b(?:is|was|on|the|in|of|as)\b|[:\-=,]))*\s*(?P<date>" + _DATE + ")"
)
# "my date of birth is wrong on my file, it should be 15/10/2009": a whole
# date a few words after a firm cue, in the same sentence
_DOB_LATER = re.compile(
    r"\b(?:d\.?\s?o\.?\s?b|date\s+of\s+birth|born)\b[^.!?\n]{0,60}?(?<![\w/.\-])"
    r"(?P<date>" + _FULL_DATE + ")"
)


def _dates_of_birth(t: Text) -> Iterator[tuple[int, int]]:
    for pattern in (_DOB, _DOB_LATER):
        for m in pattern.finditer(t.low):
            yield m.span("date")


# --- addresses ----------------------------------------------------------------

_STREET_CLEAR = (
    r"road|rd|street|st|avenue|ave|lane|ln|crescent|cres|terrace|tce|gardens|gdns|mews"
    r"|drive|boulevard"
)
_STREET_VAGUE = (  # street types that are everyday words too
    r"close|way|walk|view|rise|row|park|green|hill|place|court|square|sq|grove|gate|fold"
    r"|croft|vale|parade|wharf|yard|meadows?|heights"
)
_STREET = (
    r"(?P<street>(?:[^\W\d_][\w'’\-]*\s+){1,3}?)"
    rf"(?:(?P<clear>{_STREET_CLEAR})|{_STREET_VAGUE})\b"
)
_FLAT = r"(?:(?P<flat>flat|apartment|apt|unit|room)\s*(?:no\.?\s*)?\d{1,4}[a-z]?\s*,?\s+)"
_HOUSE = r"(?:(?:number|no\.?)\s*)?\d{1,4}[a-z]?\s*,?\s+"
_NUMBERED = re.compile(rf"(?<![\w£$€.,:/\-])(?:{_FLAT}(?:{_HOUSE})?|{_HOUSE}){_STREET}")
_LIVE_CUE = re.compile(
    r"\b(?:live[sd]?|living|stay(?:s|ed|ing)?|moved|moving|move|address(?:\s+is)?)\s*:?\s+"
    r"(?:(?:on|at|in|to|is|near)\s+)?(?:the\s+)?"
    rf"(?P<span>{_FLAT}?(?:{_HOUSE})?{_STREET})"
)
_BARE_STREET = re.compile(
    r"\b(?P<street>(?:[A-Z][\w'’\-]*\s+){1,2})"
    r"(?:Road|Street|Avenue|Lane|Crescent|Terrace|Gardens|Mews|Drive|Rd|Ave)\b"
)


def _street_ok(street: str, clear: bool, cued: bool, informative: bool) -> bool:
    words = street.split()
    if words == ["The"]:  # "3 The Crescent"
        return True
    if any(w.lower() in NOT_STREET_WORDS for w in words):  # "2 close friends", "a 15 minute walk"
        return False
    # "close", "way", "park"... are everyday words: ask for capitals or a cue
    return clear or cued or (informative and all(w[0].isupper() for w in words))


def _addresses(t: Text) -> Iterator[tuple[int, int]]:
    for m in _LIVE_CUE.finditer(t.low):
        if _street_ok(t.text[m.start("street") : m.end("street")], bool(m["clear"]), True,
                      t.informative):
            yield m.span("span")
    for m in _NUMBERED.finditer(t.low):
        if _street_ok(t.text[m.start("street") : m.end("street")], bool(m["clear"]),
                      bool(m["flat"]), t.informative):
            yield m.span()
    if t.informative:  # "the home on Brook Street"
        for m in _BARE_STREET.finditer(t.text):
            words = m["street"].split()
            if not any(w.lower() in COMMON_WORDS or w in ("High", "Main") for w in words):
                yield m.span()


# --- schools ------------------------------------------------------------------

_KINDS = "|".join(sorted(SCHOOL_KINDS, key=len, reverse=True))
_SCHOOL = re.compile(
    r"\b(?P<name>(?:(?:St\.?|Saint)\s+)?(?:[A-Z][\w'’\-]*\s+){1,4}?)"
    rf"(?:(?:(?:{_KINDS})\s+)*(?:School|Academy|College)|Primary|High|Academy)\b"
)


def _schools(t: Text) -> Iterator[tuple[int, int]]:
    if not t.informative:  # capitals are all there is to go on
        return
    for m in _SCHOOL.finditer(t.text):
        words = [w for w in m["name"].split() if w not in ("St", "St.", "Saint")]
        if any(w not in SCHOOL_KINDS and w.lower() not in COMMON_WORDS for w in words):
            yield m.span()


# --- putting it together ------------------------------------------------------

_FINDERS: list[tuple[str, Callable[[Text], Iterator[tuple[int, int]]]]] = [
    ("email", _emails),
    ("dob", _dates_of_birth),
    ("phone", _phones),
    ("postcode", _postcodes),
    ("address", _addresses),
    ("school", _schools),
    ("name", find_names),
]
_NEEDS_DIGITS = {"dob", "phone", "postcode"}


def redact_spans(text: str) -> list[RedactionSpan]:
    """Find the personal details in ``text``.

    Parameters
    ----------
    text : str
        A free-text answer, normalised or not; offsets refer to this string.

    Returns
    -------
    list of RedactionSpan
        ``(kind, start, end)`` in order of ``start``, never overlapping; the
        kinds are the keys of :data:`PLACEHOLDERS`. Findings that overlap are
        joined into one span of the kind listed first in :data:`PLACEHOLDERS`.

    Examples
    --------
    >>> redact_spans("Ring Sarah on 07700 900123")
    [RedactionSpan(kind='name', start=5, end=10), RedactionSpan(kind='phone', start=14, end=26)]
    """
    t = Text.of(text)
    has_digits = any(ch.isdigit() for ch in text)
    found = sorted(
        (start, end, _RANK[kind])
        for kind, finder in _FINDERS
        if has_digits or kind not in _NEEDS_DIGITS
        for start, end in finder(t)
        if start < end
    )
    merged: list[list[int]] = []
    for start, end, rank in found:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            last[1], last[2] = max(last[1], end), min(last[2], rank)
        else:
            merged.append([start, end, rank])
    kinds = list(PLACEHOLDERS)
    return [RedactionSpan(kinds[rank], start, end) for start, end, rank in merged]


def redact(text: str) -> str:
    """Replace the personal details in ``text`` with placeholders.

    Each span found by :func:`redact_spans` becomes its placeholder:
    ``[email]``, ``[date of birth]``, ``[phone]``, ``[postcode]``,
    ``[address]``, ``[school]`` or ``[name]``. Every number shaped like a
    phone number is redacted, helplines included. Names are found after a cue
    ("my social worker", "my mum", "called", "Mr", "thanks,", a closing
    "- Tom", "... is my key worker") or when they are common first names; a
    name with neither is missed. See ``docs/redaction.md``.

    Examples
    --------
    >>> redact("My social worker Sarah Jones rang me on 07700 900123")
    'My social worker [name] rang me on [phone]'
    """
    parts: list[str] = []
    done = 0
    for span in redact_spans(text):
        parts += [text[done : span.start], PLACEHOLDERS[span.kind]]
        done = span.end
    parts.append(text[done:])
    return "".join(parts)
