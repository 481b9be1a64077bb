"""Names in free text, for :mod:`analysis.redaction`.

A name is found in one of these ways:

- after a cue: a role ("my social worker ___", "my mum's boyfriend ___",
  "my PA is ___"), "called" or "named ___", a title ("Mr ___"), thanks
  ("thank you ___"), or a sign-off that ends the text ("Love, ___",
  "- ___");
- before a role: "___ is my social worker", "___, my key worker, ...";
- anywhere, when it is a common first name from a list (Sarah, Kieran...)
  that is not also an ordinary word; or when masked at source ("XXXX").

Whether a word after a cue is a name depends on how sure the cue is and on
whether capitals mean anything in the text (they do not in text typed all in
lower case, ALL IN CAPITALS or In Title Case). Common words are never names
("my social worker is great", "they called me back").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from analysis._redaction_words import (
    AMBIGUOUS_NAMES,
    COMMON_WORDS,
    FIRST_NAMES,
    ROLE_ADJECTIVES,
    ROLES,
    SURNAMES,
)

__all__ = ["Text", "find_names"]


_PLACEHOLDER = re.compile(r"\[(?:name|phone|email|postcode|address|school|date of birth)\]")


class Text(NamedTuple):
    """A text with what every finder needs: a lower-case copy and whether case is telling."""

    text: str
    low: str  # same length as ``text``, so offsets agree
    informative: bool

    @classmethod
    def of(cls, text: str) -> Text:
        low = text.lower()
        if len(low) != len(text):  # "İ" lower-cases to two characters
            low = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
        return cls(text, low, _case_tells_names(text))


def _case_tells_names(text: str) -> bool:
    """False when capitals say nothing: all lower case, ALL CAPS or In Title Case."""
    text = _PLACEHOLDER.sub(" ", text)  # so that redacting twice changes nothing more
    words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 1]
    if not any(ch.isupper() for ch in text) or not words:
        return False
    capitalised = sum(w[0].isupper() for w in words)
    return len(words) < 3 or capitalised / len(words) < 0.8


# How sure a cue is that a name follows it, surest first.
_TITLED = 0  # "Mr ___": any word that is not common
_TIGHT = 1  # "my social worker ___", "named ___": any word not common and not verb-like
_LOOSE = 2  # "my social worker is ___", "thanks ___": a first name, or a telling capital

_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_NEXT_TOKEN = re.compile(r" (?:[A-Z]\. )?([^\W\d_]+(?:['’\-][^\W\d_]+)*)")  # "Sarah J. Jones"
_VERB_ENDINGS = ("ing", "ed", "ly", "n't", "nt", "'ll", "'ve", "'d", "'re", "'m")


def _bare(word: str) -> str:
    """``word`` without a possessive "'s", which stays outside the redaction."""
    return word[:-2] if word[-2:].lower() in ("'s", "’s") else word


def _verb_like(low: str) -> bool:
    return low.endswith(_VERB_ENDINGS) or (low.endswith("s") and not low.endswith("ss"))


def _looks_like_name(word: str, cue: int, informative: bool) -> bool:
    """Whether ``word``, found after a cue of strength ``cue``, is a name.

    A common first name always is; a common word or an acronym is not,
    unless it is a first name that is also a word ("Will", "Rose")
    capitalised after a tight cue. Where capitals tell, a capital decides.
    Where they do not (all lower case, ALL CAPS, Title Case), after a tight
    cue any word that does not look like a verb or an adverb is taken, so
    that "my social worker sarah" is caught.
    """
    low = word.lower()
    capital = informative and word[0].isupper()
    if low.split("-")[0] in FIRST_NAMES or (capital and cue <= _TIGHT and low in AMBIGUOUS_NAMES):
        return True
    if len(low) < 2 or low in COMMON_WORDS or (informative and word.isupper()):
        return False
    if informative:  # "Additionally, my brother...", "Seeing my nurse..." start sentences
        return capital and not (cue == _LOOSE and low.endswith(("ly", "ing", "ed")))
    return cue == _TITLED or (cue == _TIGHT and not _verb_like(low))


def _looks_like_surname(word: str, by_case: bool) -> bool:
    low = _bare(word).lower()
    if len(low) < 2 or low in COMMON_WORDS:
        return False
    if by_case:
        return word[0].isupper()
    return low in FIRST_NAMES or low in SURNAMES or not _verb_like(low)


def _take_name(text: str, pos: int, cue: int, informative: bool) -> tuple[int, int] | None:
    """The span of the name that starts at ``pos`` (first name and surnames), if any."""
    m = _TOKEN.match(text, pos)
    if m is None or not _looks_like_name(word := _bare(m.group()), cue, informative):
        return None
    end = pos + len(word)
    ended = word != m.group()  # a possessive ("Sarah's") ends the name
    # surnames: up to two capitalised words where capitals tell, else one uncommon word
    by_case = informative and word[0].isupper()
    for _ in range(2 if by_case else 1):
        nxt = _NEXT_TOKEN.match(text, end)
        if ended or nxt is None or not _looks_like_surname(nxt.group(1), by_case):
            break
        word = _bare(nxt.group(1))
        ended = word != nxt.group(1)
        end = nxt.start(1) + len(word)
    return pos, end


# The cue patterns run on the lower-case copy of the text (quicker than
# IGNORECASE); the words after them are judged on the text itself.
_ROLE = rf"(?:(?:{'|'.join(ROLE_ADJECTIVES)})\s+){{0,2}}(?:{'|'.join(ROLES)})"
_ROLE_CUE = re.compile(
    rf"\b(?P<owner>my|our|his|her|their|your|[^\W\d_]+'s|the|a|an)\s+{_ROLE}"
    r"(?P<link>\s+(?:is|was|=)\s+(?:now\s+|still\s+)?|\s*[,(:]\s*|\s+-\s+|\s+|\b)"
)
_LINK_BEFORE = re.compile(r"(?:\s*[,(]\s*|\s+(?:is|was|-)\s+|\s+)\Z")
_WORDS_BEFORE = re.compile(
    rf"(?<![\w'’-])(?:(?P<first>{_TOKEN.pattern})\s+)?(?P<last>{_TOKEN.pattern})\Z"
)
_OTHER_CUE = re.compile(
    r"\b(?:(?P<tight>named|known\s+as|name\s+is|name's|names\s+are|name\s+was"
    r"|(?:boy|girl|lad|man|woman|lady|kid|child|person|some(?:one|body)|guy|baby|dog|cat)"
    r"\s+called|is\s+called|'s\s+called)|called|thanks|thank\s+you|thankyou|thanx|thx|cheers)\b[\s,:\-]+"
)
_OTHER_HINTS = ("nam", "known", "call", "than", "thx", "cheers")
_TITLE = re.compile(  # on the text itself: "Miss" is a title, "miss" a verb
    r"(?<![\w'])(?:(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Sir|Dame|MR|MRS|MS|MISS|DR)\b\.?|(?:mr|mrs|ms)\b"
    r"|(?P<family>Aunty|Auntie|Aunt|Uncle|Nanny|Nana|Nan|Grandma|Grandad|Granny|Grandpa)\b)"
    r"\s+(?P<initials>(?:[A-HJ-Z]\.?\s+){0,2})"
)
_INITIAL = re.compile(r"[A-HJ-Z]\b\.?")  # "Miss K"
_SIGN_OFF = re.compile(
    r"(?:\b(?:love|(?P<from>from)|regards|kind\s+regards|best\s+wishes|best|signed|yours)\b|(?<!\S)[-–—~]+)"
    r"[\s,:]*"
)
_TRAILER = re.compile(r"(?:\W|x+\b)*", re.IGNORECASE)  # "Love, Ellie x!"
_MASKED = re.compile(r"\bX{3,}\b")


def find_names(t: Text) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of every name found in ``t``; spans may overlap."""
    text, informative = t.text, t.informative
    for m in _ROLE_CUE.finditer(t.low):
        loose = m["owner"] in ("the", "a", "an") or m["link"].strip() in ("is", "was", "=")
        if span := _take_name(text, m.end(), _LOOSE if loose else _TIGHT, informative):
            yield span
        if m["owner"] in ("my", "our", "his", "her", "their"):
            yield from _names_before(t, m.start())
    if any(hint in t.low for hint in _OTHER_HINTS):
        for m in _OTHER_CUE.finditer(t.low):
            cue = _TIGHT if m["tight"] else _LOOSE
            if span := _take_name(text, m.end(), cue, informative):
                yield span
    for m in _TITLE.finditer(text):
        # "Uncle Dave", not "Uncle said"; "See Dr quicker" is no name where capitals tell
        cue = _TIGHT if m["family"] or (informative and m.group()[0].isupper()) else _TITLED
        if span := _take_name(text, m.end(), cue, informative):
            yield m.start(), span[1]
        elif m["initials"]:  # "Miss K is the best"
            yield m.start(), m.start("initials") + len(m["initials"].rstrip())
        elif not m["family"] and (initial := _INITIAL.match(text, m.end())):
            yield m.start(), initial.end()
    for m in _SIGN_OFF.finditer(t.low, max(0, len(text) - 80)):
        span = _take_name(text, m.end(), _LOOSE, informative)
        if span is None or not _TRAILER.fullmatch(text, span[1]):
            continue
        if m["from"] is None or t.low[span[0] : span[1]].split()[0] in FIRST_NAMES:
            yield span  # "... from Nottingham" is no signature
    for m in _TOKEN.finditer(text):
        word = _bare(m.group())
        if word.lower() in FIRST_NAMES and (word[0].isupper() or not informative):
            yield _take_name(text, m.start(), _LOOSE, informative) or m.span()
    for m in _MASKED.finditer(text):
        yield m.span()


def _names_before(t: Text, end: int) -> Iterator[tuple[int, int]]:
    """"Sarah Jones is my social worker", "Hannah, my key worker": the words before ``end``."""
    link = _LINK_BEFORE.search(t.low, max(0, end - 12), end)
    if link is None:
        return
    m = _WORDS_BEFORE.search(t.text, max(0, link.start() - 60), link.start())
    if m is None or not _looks_like_name(m["last"], _LOOSE, t.informative):
        return
    first = m["first"] is not None and _looks_like_name(m["first"], _LOOSE, t.informative)
    yield m.start() if first else m.start("last"), m.end("last")
