"""The safeguarding screen: possible disclosures in free-text answers.

A child may write in a survey what they have told nobody. Every free-text
answer is screened when it is submitted, and an answer that may be a
disclosure goes to the safeguarding lead's queue with the reasons found::

    from analysis.safeguarding import Screener

    screener = Screener.default()            # or Screener.from_files([local_yaml])
    result = screener.screen("my step dad hits me")
    result.flagged                           # True
    result.reasons[0].label                  # 'Being hurt or made to do things by someone'
    result.reasons[0].matched                # 'hits me'

The screen is a set of phrase lists in YAML files (``phrases/``), matched
against a canonical form of the answer that forgives case, doubled letters,
missing apostrophes, text speak and common misspellings. It favours recall:
a missed disclosure is far worse than a false alarm, so negation cancels a
match only for phrases listed as ``negatable`` ("I'm not bullied", "I'm not
scared at home"), never for self-harm or abuse. See ``docs/safeguarding.md``.
"""

from __future__ import annotations

from functools import lru_cache

from .files import (
    DEFAULT_PHRASE_DIR,
    PhraseBook,
    PhraseFileError,
    default_phrase_files,
    load_phrase_files,
)
from .grammar import PhraseSyntaxError
from .screener import Reason, Screener, Screening

__all__ = [
    "DEFAULT_PHRASE_DIR",
    "PhraseBook",
    "PhraseFileError",
    "PhraseSyntaxError",
    "Reason",
    "Screener",
    "Screening",
    "default_phrase_files",
    "default_screener",
    "load_phrase_files",
    "screen",
]


@lru_cache(maxsize=1)
def default_screener() -> Screener:
    """The screener with the shipped phrase files, built once per process."""
    return Screener.default()


def screen(text: str) -> Screening:
    """Screen one answer with the shipped phrase files (see :meth:`Screener.screen`).

    Examples
    --------
    >>> screen("i wanna kms").reasons[0].category
    'self_harm'
    """
    return default_screener().screen(text)
