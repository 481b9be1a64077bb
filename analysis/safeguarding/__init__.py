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

import importlib
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .bank import DEFAULT_EXAMPLE_DIR, ORDINARY, ExampleBank, ExampleFileError
from .files import (
    DEFAULT_PHRASE_DIR,
    PhraseBook,
    PhraseFileError,
    default_phrase_files,
    load_phrase_files,
)
from .grammar import PhraseSyntaxError
from .screener import Reason, Screener, Screening

if TYPE_CHECKING:
    from .building import MeaningUnavailable, build_screener
    from .meaning import MeaningResult, MeaningScreen, answer_parts

#: names from the modules that need NumPy, scikit-learn and the sentence model, imported
#: on first use, so that a web worker serving respondents' pages loads none of them
_LAZY = {"MeaningUnavailable": "building", "build_screener": "building",
         "MeaningResult": "meaning", "MeaningScreen": "meaning", "answer_parts": "meaning"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "DEFAULT_EXAMPLE_DIR",
    "DEFAULT_PHRASE_DIR",
    "ORDINARY",
    "ExampleBank",
    "ExampleFileError",
    "MeaningResult",
    "MeaningScreen",
    "MeaningUnavailable",
    "PhraseBook",
    "PhraseFileError",
    "PhraseSyntaxError",
    "Reason",
    "Screener",
    "Screening",
    "answer_parts",
    "build_screener",
    "default_phrase_files",
    "default_screener",
    "load_phrase_files",
    "screen",
]


@lru_cache(maxsize=1)
def default_screener() -> Screener:
    """The shipped phrase lists alone, built once per process (fast, no model: for
    scripts and tests of the phrases; an application uses :func:`build_screener`)."""
    return Screener.default()


def screen(text: str) -> Screening:
    """Screen one answer with the shipped phrase files (see :meth:`Screener.screen`).

    Examples
    --------
    >>> screen("i wanna kms").reasons[0].category
    'self_harm'
    """
    return default_screener().screen(text)
