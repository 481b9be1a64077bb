"""The canonical form of an answer that safeguarding phrases are matched against.

Children and young people write "KILLL MYSELF", "dont", "wanna", "ppl",
"sucide", "kil my self" and no punctuation at all. Rather than writing every
variant into every phrase, the answer and the phrases are both put into one
canonical form:

1. :func:`analysis.text.normalise` (NFKC, straight quotes, single spaces);
2. split into words of letters and digits; apostrophes inside a word are
   dropped ("don't" -> "dont"), any other character separates words
   ("self-harm" -> "self harm");
3. lower case, and a letter written twice or more in a row is written once
   ("kill" -> "kil", "bullied" -> "bulied", "feeeel" -> "fel"), so doubled
   and undoubled spellings meet;
4. each word looked up in the spellings of the phrase files (text speak,
   contractions and common misspellings: "wanna" -> "want to", "dont" ->
   "do not", "sucide" -> "suicide", "ppl" -> "people");
5. a clause mark "," wherever the answer had a full stop, comma, question
   or exclamation mark, semicolon, colon, bracket or a new line, so that a
   gap in a phrase and the look-back for a negation never run across one.

The canonical text keeps, for every word, where it came from in the
normalised answer, so a match can be shown as the answer wrote it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from analysis.text import normalise

__all__ = ["CLAUSE_MARK", "CanonicalText", "canonical_text", "canonical_words", "squash"]

#: The word that stands for a clause break in the canonical text.
CLAUSE_MARK = ","

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_BREAK = re.compile(r"[.,;:!?()\[\]{}\n\r]|\s[-\u2013\u2014]+\s")
_REPEATS = re.compile(r"([^\W\d_])\1+")


@lru_cache(maxsize=65536)
def squash(word: str) -> str:
    """Lower-case ``word``, drop apostrophes, and write each run of one letter once."""
    return _REPEATS.sub(r"\1", word.lower().replace("'", ""))


def canonical_words(
    written: str, spellings: Mapping[str, tuple[str, ...]] | None = None
) -> tuple[str, ...]:
    """Return the canonical words of ``written`` (a word or a few words of a phrase).

    Examples
    --------
    >>> canonical_words("Don't", {"dont": ("do", "not")})
    ('do', 'not')
    >>> canonical_words("self-harm")
    ('self', 'harm')
    """
    words: list[str] = []
    for match in _WORD.finditer(normalise(written)):
        word = squash(match.group())
        words.extend(spellings.get(word, (word,)) if spellings else (word,))
    return tuple(words)


@dataclass(frozen=True)
class CanonicalText:
    """An answer in canonical form, with a way back to the words it came from.

    Attributes
    ----------
    source : str
        The normalised answer (:func:`analysis.text.normalise`).
    text : str
        The canonical words and clause marks, separated by single spaces, with
        a space at each end (so every word has a space on both sides).
    starts : tuple of int
        Where each canonical word or clause mark starts in ``text``.
    words : tuple of str
        The canonical words and clause marks themselves.
    spans : tuple of (int, int)
        Where each one came from in ``source``; a word that a spelling turned
        into several words ("wanna" -> "want to") gives each the same span.
    """

    source: str
    text: str
    starts: tuple[int, ...]
    words: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]

    def piece_at(self, offset: int) -> int:
        """Index of the word or mark that covers (or first follows) ``offset`` in ``text``."""
        index = bisect.bisect_right(self.starts, offset) - 1
        if index < 0:
            return 0
        if offset >= self.starts[index] + len(self.words[index]):
            index += 1
        return min(index, len(self.words) - 1)

    def pieces(self, start: int, end: int) -> tuple[int, int]:
        """The first and last word (not mark) indices inside ``text[start:end]``."""
        first = self.piece_at(start)
        last = self.piece_at(max(start, end - 1))
        while first < last and self.words[first] == CLAUSE_MARK:
            first += 1
        while last > first and self.words[last] == CLAUSE_MARK:
            last -= 1
        return first, last

    def original(self, start: int, end: int) -> str:
        """The part of the normalised answer that ``text[start:end]`` came from."""
        if not self.words:
            return ""
        first, last = self.pieces(start, end)
        return self.source[self.spans[first][0] : self.spans[last][1]]


def canonical_text(text: str, spellings: Mapping[str, tuple[str, ...]]) -> CanonicalText:
    """Put an answer into canonical form (see the module docstring).

    Parameters
    ----------
    text : str
        The answer as written.
    spellings : mapping of str to tuple of str
        Canonical word -> the canonical words to use instead.

    Returns
    -------
    CanonicalText
    """
    source = normalise(text)
    words: list[str] = []
    spans: list[tuple[int, int]] = []
    previous_end = 0
    for match in _WORD.finditer(source):
        gap = source[previous_end : match.start()]
        if gap != " " and words and words[-1] != CLAUSE_MARK and _BREAK.search(gap):
            words.append(CLAUSE_MARK)
            spans.append((previous_end, match.start()))
        word = squash(match.group())
        for canonical in spellings.get(word, (word,)):
            words.append(canonical)
            spans.append(match.span())
        previous_end = match.end()
    starts: list[int] = []
    offset = 1
    for word in words:
        starts.append(offset)
        offset += len(word) + 1
    return CanonicalText(
        source=source,
        text=" " + " ".join(words) + " ",
        starts=tuple(starts),
        words=tuple(words),
        spans=tuple(spans),
    )
