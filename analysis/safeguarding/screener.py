"""The safeguarding screen: :class:`Screener`, :class:`Screening` and :class:`Reason`."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .files import PhraseBook, Rule, default_phrase_files, load_phrase_files
from .tokens import CLAUSE_MARK, CanonicalText, canonical_text, squash

if TYPE_CHECKING:  # the meaning layer needs NumPy and scikit-learn: only when it is built
    from .meaning import MeaningResult, MeaningScreen

__all__ = ["CLAUSE_WORDS", "NEGATION_WINDOW", "Reason", "Screener", "Screening"]

#: How many words before a negatable phrase are searched for a negation.
NEGATION_WINDOW = 2

#: Words that end the look-back for a negation: in "nobody helps when I'm
#: bullied" the "nobody" belongs to another clause than "bullied".
CLAUSE_WORDS: frozenset[str] = frozenset(
    squash(word)
    for word in ("but", "except", "apart", "though", "although", "when", "if", "until",
                 "because", "and", "so", "or", "unless", "whereas", "while")
)


@dataclass(frozen=True)
class Reason:
    """Why an answer was flagged: one category and what matched it.

    Attributes
    ----------
    category : str
        The stable key of the category, such as ``"self_harm"``.
    label : str
        The category in plain English for the safeguarding lead's queue,
        such as ``"Self-harm or suicidal thoughts"``.
    matched : str
        For a phrase, the words that matched, as the answer wrote them (after
        :func:`analysis.text.normalise`: straight quotes, single spaces). For
        the meaning layer, the part of the answer (a sentence, or all of it)
        that reads like a disclosure.
    source : str, default "phrase"
        ``"phrase"`` (a phrase list matched) or ``"meaning"`` (the sentence
        model found it close to example disclosures of this category).
    examples : tuple of str, default ()
        For ``"meaning"``: the nearest example disclosures, nearest first.
    score : float or None, default None
        For ``"meaning"``: the concern score of ``matched`` (0 to 1).
    """

    category: str
    label: str
    matched: str
    source: str = "phrase"
    examples: tuple[str, ...] = ()
    score: float | None = None


@dataclass(frozen=True)
class Screening:
    """The result of screening one answer.

    Attributes
    ----------
    flagged : bool
        True when the answer may be a disclosure and should go to the
        safeguarding lead's queue.
    reasons : tuple of Reason
        One per category found, in the order they first appear in the answer;
        empty when not flagged.
    """

    flagged: bool
    reasons: tuple[Reason, ...] = ()

    @property
    def categories(self) -> tuple[str, ...]:
        """The category keys of the reasons, in order."""
        return tuple(reason.category for reason in self.reasons)


_CLEAR = Screening(flagged=False)


class Screener:
    """Screens free-text answers for possible disclosures: by phrase lists, and by
    meaning when given a fitted :class:`~analysis.safeguarding.meaning.MeaningScreen`.

    Build one with :meth:`default` or :meth:`from_files` and keep it: the
    phrases are compiled once and indexed by the words they can start with,
    so :meth:`screen` tries only the few phrases that could match an answer
    and is cheap enough to run on every answer at submission. A screener holds
    no state between calls and may be shared between threads.

    Parameters
    ----------
    book : PhraseBook
        Merged phrase files, from
        :func:`analysis.safeguarding.load_phrase_files`.
    meaning : MeaningScreen, optional
        A fitted meaning layer (see :func:`analysis.safeguarding.build_screener`).
        Without it the screen is the phrase lists alone.
    labels : mapping of str to str, optional
        Labels of categories only the meaning layer knows (from the example
        files); the phrase files' labels win where both name a category.

    Raises
    ------
    PhraseFileError
        If a phrase or pattern in ``book`` does not compile.

    Examples
    --------
    >>> screener = Screener.default()
    >>> screener.screen("i dont feel safe at home").categories
    ('feeling_unsafe',)
    >>> screener.screen("I feel safe with my foster carer").flagged
    False
    """

    def __init__(self, book: PhraseBook, meaning: MeaningScreen | None = None,
                 labels: Mapping[str, str] | None = None) -> None:
        rules = book.compile()
        self.meaning = meaning
        self._labels: dict[str, str] = {**(labels or {}), **book.labels()}
        for category in getattr(meaning, "categories_", ()):
            self._labels.setdefault(category, category.replace("_", " ").capitalize())
        self._spellings: Mapping[str, tuple[str, ...]] = dict(book.spellings)
        self._negations: frozenset[str] = frozenset(book.negations)
        words: dict[str, list[Rule]] = {}
        stems: dict[str, list[Rule]] = {}
        anywhere: list[Rule] = []
        for rule in rules:
            if not rule.firsts:
                anywhere.append(rule)
            for word, is_stem in rule.firsts:
                (stems if is_stem else words).setdefault(word, []).append(rule)
        self._words = {w: tuple(r) for w, r in words.items()}
        self._stems = {w: tuple(r) for w, r in stems.items()}
        self._stem_lengths = sorted({len(w) for w in stems})
        self._anywhere = tuple(anywhere)

    @classmethod
    def default(cls) -> Screener:
        """A screener with the phrase files shipped in ``analysis/safeguarding/phrases/``."""
        return cls(load_phrase_files(default_phrase_files()))

    @classmethod
    def from_files(
        cls, paths: Iterable[str | os.PathLike[str]], include_default: bool = True
    ) -> Screener:
        """A screener with the service's own phrase files, after the shipped ones.

        Parameters
        ----------
        paths : iterable of path
            Phrase files, read in order (see ``docs/safeguarding.md``).
        include_default : bool, default True
            Read the shipped files first, so that ``paths`` extend them.
            With False, only ``paths`` are used.

        Raises
        ------
        PhraseFileError
            If a file cannot be read or breaks the format; the message names
            the file and the key.
        """
        files: list[str | os.PathLike[str]] = []
        if include_default:
            files.extend(default_phrase_files())
        files.extend(Path(p) for p in paths)
        return cls(load_phrase_files(files))

    @property
    def categories(self) -> dict[str, str]:
        """Every category this screener looks for: key -> plain-English label."""
        return dict(self._labels)

    def screen(self, text: str) -> Screening:
        """Screen one free-text answer: the phrase lists, then the meaning layer.

        Parameters
        ----------
        text : str
            The answer as written.

        Returns
        -------
        Screening
            ``flagged`` and one :class:`Reason` per category found: the phrase
            lists' first, in the order they appear in the answer, then the
            meaning layer's for any other kind of concern.
        """
        return self.screen_many([text])[0]

    def screen_many(self, texts: Sequence[str]) -> list[Screening]:
        """:meth:`screen` for each text, the meaning layer reading them all in one batch:
        what to use for many stored answers at once."""
        by_phrase = [self.screen_phrases(text) for text in texts]
        if self.meaning is None:
            return by_phrase
        screenings = []
        for found, result in zip(by_phrase, self.meaning.explain_many(texts), strict=True):
            extra = self._by_meaning(result, found.reasons)
            screenings.append(Screening(flagged=True, reasons=found.reasons + extra)
                              if extra else found)
        return screenings

    def screen_phrases(self, text: str) -> Screening:
        """Screen one answer by the phrase lists alone."""
        canon = canonical_text(text, self._spellings)
        if not canon.words:
            return _CLEAR
        matches = self._matches(canon)
        if not matches:
            return _CLEAR
        ignored: dict[str, list[tuple[int, int]]] = {}
        for category, kind, first, last, _ in matches:
            if kind == "ignore":
                ignored.setdefault(category, []).append((first, last))
        found: dict[str, tuple[int, int]] = {}
        # Earliest first; of two matches that start together, the longer one is shown.
        for category, kind, first, last, span in sorted(matches, key=lambda m: (m[4][0], -m[4][1])):
            if kind == "ignore" or category in found:
                continue
            if any(lo <= first and last <= hi for lo, hi in ignored.get(category, ())):
                continue
            if kind == "negatable" and self._is_negated(canon, first):
                continue
            found[category] = span
        reasons = tuple(
            Reason(category, self._labels[category], canon.original(*span))
            for category, span in sorted(found.items(), key=lambda item: item[1])
        )
        return Screening(flagged=True, reasons=reasons) if reasons else _CLEAR

    def _by_meaning(self, result: MeaningResult | None, found: tuple[Reason, ...]
                    ) -> tuple[Reason, ...]:
        """The meaning layer's reasons for kinds of concern the phrases did not find."""
        if result is None:
            return ()
        named = {reason.category for reason in found}
        return tuple(Reason(category, self._labels[category], result.part, "meaning",
                            result.examples, round(result.score, 3))
                     for category in result.categories if category not in named)

    def __repr__(self) -> str:
        return f"Screener(categories={list(self._labels)}, meaning={self.meaning!r})"

    def _candidates(self, word: str) -> list[Rule]:
        """The rules that can start at ``word``: by the whole word, or by a stem of it."""
        rules = list(self._words.get(word, ()))
        for length in self._stem_lengths:
            if length > len(word):
                break
            rules.extend(self._stems.get(word[:length], ()))
        return rules

    def _matches(self, canon: CanonicalText) -> list[tuple[str, str, int, int, tuple[int, int]]]:
        """Every match: (category, kind, first word, last word, span in the canonical text)."""
        found = []
        for index, word in enumerate(canon.words):
            if word == CLAUSE_MARK:
                continue
            at = canon.starts[index] - 1
            for rule in self._candidates(word):
                match = rule.pattern.match(canon.text, at)
                if match:
                    first, last = canon.pieces(match.start(), match.end())
                    found.append((rule.category, rule.kind, first, last, match.span()))
        for rule in self._anywhere:
            for match in rule.pattern.finditer(canon.text):
                if canon.text[match.start() : match.end()].strip():
                    first, last = canon.pieces(match.start(), match.end())
                    found.append((rule.category, rule.kind, first, last, match.span()))
        return found

    def _is_negated(self, canon: CanonicalText, first_word: int) -> bool:
        """Whether a negation comes within a few words before ``first_word``, same clause."""
        seen = 0
        index = first_word - 1
        while index >= 0 and seen < NEGATION_WINDOW:
            word = canon.words[index]
            if word == CLAUSE_MARK or word in CLAUSE_WORDS:
                return False
            if word in self._negations:
                return True
            seen += 1
            index -= 1
        return False
