"""The phrase language of the safeguarding phrase files, compiled to regular expressions.

A phrase is a few words, written the way a person reads them, with five
marks for the ways children and young people vary what they write:

``hit*``
    a word stem: any word that starts with ``hit`` (hit, hits, hitting, hittin).
``(mum|mam|my step mum)``
    one of several alternatives, each itself a phrase (words, stems, groups).
``[really|always]``
    the same, but optional.
``<parent>``
    a named group of alternatives, defined under ``groups:`` in any phrase file.
``...``
    a gap of up to three words, never across a full stop or comma.

Two neighbouring words of a phrase may have a full stop or comma between them
in the answer ("i want to. die"), because children punctuate at random; a gap
may not, so "not ... safe" does not match "not really, I feel safe".

Phrases are matched against the canonical form of an answer made by
:mod:`analysis.safeguarding.tokens` (lower case, no apostrophes, doubled
letters written once, text speak spelled out), and every word of a phrase is
put into the same canonical form when it is compiled, so ``kill myself``
also matches "kil myself" and "KILLL MYSELF".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .tokens import canonical_words

__all__ = [
    "MAX_GAP",
    "CompiledPhrase",
    "PhraseSyntaxError",
    "choice",
    "compile_phrase",
    "group_names",
    "valid_name",
]

#: The most words a ``...`` gap stands for.
MAX_GAP = 3

# Every compiled word starts with its separator from the word before: a space,
# or a space, a clause mark and a space. The canonical text has a space at both
# ends, so the first word of a phrase has a separator too.
_SEP = r"(?: ,)? "
_END = r"(?= )"
# A gap is whole words with no clause mark among them or right after them.
_GAP = rf"(?: [^\W_]+){{0,{MAX_GAP}}}(?! ,)"
_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
_LEXEME = re.compile(r"\s+|\.\.\.|[()\[\]|<>*]|[^\s()\[\]|<>*.]+|\.")


class PhraseSyntaxError(ValueError):
    """A phrase that does not follow the phrase language; the message says why."""


@dataclass(frozen=True)
class CompiledPhrase:
    """A phrase (or part of one) as a regular expression, with the words it can start with.

    Attributes
    ----------
    regex : str
        The regular expression source; it matches from the space before the
        first word of the phrase in the canonical text.
    firsts : frozenset of (str, bool)
        The words a match can start with, each with True when it is a stem
        (``hit*``). The screener only tries a phrase where the answer has one
        of these words, which keeps screening fast with hundreds of phrases.
    optional : bool
        Whether this part can match no words at all (``[...]`` and ``...``).
    word : str or None
        When this part is one word or a choice of single words, the regular
        expression of the word(s) alone, so that choices of words compile to
        one separator and one alternation (much faster to match).
    """

    regex: str
    firsts: frozenset[tuple[str, bool]]
    optional: bool = False
    word: str | None = None


def choice(options: list[CompiledPhrase]) -> CompiledPhrase:
    """One of several compiled phrases; single words are merged into one alternation.

    Longer alternatives are tried before the merged single words, so that a
    match shows "mums boyfriend" rather than stopping at "mums".
    """
    words = [o.word for o in options if o.word is not None]
    others = [o.regex for o in options if o.word is None]
    merged = None
    if words:
        merged = words[0] if len(words) == 1 else "(?:" + "|".join(words) + ")"
        others.append(_SEP + merged + _END)
    return CompiledPhrase(
        regex="(?:" + "|".join(others) + ")",
        firsts=frozenset().union(*(o.firsts for o in options)),
        word=merged if len(others) == 1 else None,
    )


def _lex(phrase: str) -> list[str]:
    return [lexeme for lexeme in _LEXEME.findall(phrase) if not lexeme.isspace()]


class _Parser:
    """Recursive descent over the lexemes of one phrase.

    ``canonical`` turns a written word into its canonical words (one or
    more: a spelling such as "wanna" becomes "want to"); ``groups`` maps a
    group name to its compiled alternatives.
    """

    def __init__(
        self,
        phrase: str,
        canonical: Callable[[str], tuple[str, ...]],
        groups: Mapping[str, CompiledPhrase],
    ) -> None:
        self.lexemes = _lex(phrase)
        self.pos = 0
        self.canonical = canonical
        self.groups = groups

    def peek(self) -> str | None:
        return self.lexemes[self.pos] if self.pos < len(self.lexemes) else None

    def take(self) -> str:
        lexeme = self.peek()
        if lexeme is None:
            raise PhraseSyntaxError("the phrase ends too early")
        self.pos += 1
        return lexeme

    def parse(self) -> CompiledPhrase:
        if not self.lexemes:
            raise PhraseSyntaxError("the phrase is empty")
        compiled = self.sequence()
        if self.peek() is not None:
            raise PhraseSyntaxError(f"unexpected {self.peek()!r} outside brackets")
        return compiled

    def alternatives(self, closer: str) -> CompiledPhrase:
        options = [self.sequence()]
        while self.peek() == "|":
            self.take()
            options.append(self.sequence())
        if self.peek() != closer:
            raise PhraseSyntaxError(f"{closer!r} is missing")
        self.take()
        return choice(options)

    def item(self, lexeme: str) -> CompiledPhrase:
        if lexeme == "...":
            self.take()
            return CompiledPhrase(_GAP, frozenset(), optional=True)
        if lexeme == "(":
            self.take()
            return self.alternatives(")")
        if lexeme == "[":
            self.take()
            inner = self.alternatives("]")
            return CompiledPhrase(inner.regex + "?", inner.firsts, optional=True)
        if lexeme == "<":
            return self.group()
        if lexeme in ">*.":
            raise PhraseSyntaxError(f"unexpected {lexeme!r}")
        return self.word()

    def sequence(self) -> CompiledPhrase:
        items: list[CompiledPhrase] = []
        kinds: list[str] = []
        while (lexeme := self.peek()) is not None and lexeme not in "|)]":
            kinds.append("gap" if lexeme == "..." else "optional" if lexeme == "[" else "word")
            items.append(self.item(lexeme))
        self.check(kinds)
        firsts: set[tuple[str, bool]] = set()
        for item in items:
            firsts |= item.firsts
            if not item.optional:
                break
        if len(items) == 1:
            return items[0]
        return CompiledPhrase("".join(i.regex for i in items), frozenset(firsts))

    @staticmethod
    def check(kinds: list[str]) -> None:
        if "word" not in kinds:
            raise PhraseSyntaxError("a phrase (and each alternative) needs a word that must match")
        if kinds[0] == "gap" or kinds[-1] == "gap":
            raise PhraseSyntaxError("a gap '...' must sit between two words")
        if any(a == "gap" and b == "gap" for a, b in zip(kinds, kinds[1:], strict=False)):
            raise PhraseSyntaxError("two gaps '...' in a row")

    def group(self) -> CompiledPhrase:
        self.take()
        name = self.take()
        if self.take() != ">":
            raise PhraseSyntaxError(f"'>' is missing after <{name}")
        if name not in self.groups:
            raise PhraseSyntaxError(f"unknown group <{name}>")
        return self.groups[name]

    def word(self) -> CompiledPhrase:
        written = self.take()
        stem = self.peek() == "*"
        if stem:
            self.take()
        # A stem is only squashed, never respelled: "2*" is a number, not "to".
        words = canonical_words(written) if stem else self.canonical(written)
        if not words:
            raise PhraseSyntaxError(f"{written!r} has no letters or digits")
        escaped = [re.escape(w) for w in words]
        if stem:
            escaped[-1] += r"[^\W_]*"
        return CompiledPhrase(
            regex="(?:" + "".join(_SEP + w + _END for w in escaped) + ")",
            firsts=frozenset({(words[0], stem and len(words) == 1)}),
            word=escaped[0] if len(escaped) == 1 else None,
        )


def compile_phrase(
    phrase: str,
    canonical: Callable[[str], tuple[str, ...]],
    groups: Mapping[str, CompiledPhrase] | None = None,
) -> CompiledPhrase:
    """Compile ``phrase`` to a regular expression and the words it can start with.

    Parameters
    ----------
    phrase : str
        A phrase in the phrase language described in this module.
    canonical : callable
        Turns one written word into its canonical words, as the text is
        turned by :func:`analysis.safeguarding.tokens.canonical_words`.
    groups : mapping of str to CompiledPhrase, optional
        Compiled groups, by name, that ``<name>`` refers to.

    Returns
    -------
    CompiledPhrase

    Raises
    ------
    PhraseSyntaxError
        If the phrase is empty, has unbalanced brackets, an unknown group,
        a gap at an end, or a part with nothing that must match.

    Examples
    --------
    >>> import re
    >>> compiled = compile_phrase("hit* me", lambda w: (w.lower(),))
    >>> bool(re.compile(compiled.regex).match(" he hits me ", 3)), sorted(compiled.firsts)
    (True, [('hit', True)])
    """
    return _Parser(phrase, canonical, groups or {}).parse()


def group_names(phrase: str) -> set[str]:
    """The names of the groups a phrase refers to (``<name>``), without compiling it."""
    lexemes = _lex(phrase)
    return {
        lexemes[i + 1]
        for i in range(len(lexemes) - 2)
        if lexemes[i] == "<" and lexemes[i + 2] == ">"
    }


def valid_name(name: str) -> bool:
    """Whether ``name`` can be a category key or group name: lower case, digits, underscores."""
    return bool(_NAME.match(name))
