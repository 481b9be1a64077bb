"""Free-text helpers: normalisation, redaction, non-answers and stop words.

Every comment that :mod:`analysis` shows to a person or feeds to a model goes
through :func:`prepare` first: the text is normalised (:func:`normalise`),
personal details are replaced by placeholders (:func:`redact`), and answers
that say nothing ("n/a", "nothing to add", "-") are recognised by rule
(:func:`is_non_answer`) so that they are counted as their own group instead
of being clustered.

Redaction itself lives in :mod:`analysis.redaction` and is re-exported
here. The rules are deliberately plain regular expressions: they are easy to
read, to test with explicit examples and to extend, and they never send text
anywhere. What they catch and miss is in ``docs/redaction.md``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from analysis.redaction import PLACEHOLDERS, RedactionSpan, redact, redact_spans

__all__ = [
    "PLACEHOLDERS",
    "STOP_WORDS",
    "RedactionSpan",
    "is_non_answer",
    "normalise",
    "prepare",
    "redact",
    "redact_spans",
    "text_key",
    "tfidf_preprocess",
]


def _words(block: str) -> frozenset[str]:
    """The set of whitespace-separated words in ``block`` (keeps word lists readable)."""
    return frozenset(block.split())


_QUOTES = str.maketrans({"‘": "'", "’": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"'})
_SPACES = re.compile(r"\s+")
# Control and format characters (Unicode Cc and Cf) other than whitespace:
# zero-width spaces, direction marks, soft hyphens, byte-order marks.
_CONTROL = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f"
    "\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000e0001\U000e0020-\U000e007f]"
)


def normalise(text: str) -> str:
    """Return ``text`` in a canonical form: NFKC, straight quotes, single spaces.

    Case is kept, so the result is still fit to show. Control characters are
    dropped.

    Examples
    --------
    >>> normalise("  Nothing\\u2019s  wrong\\n ")
    "Nothing's wrong"
    """
    text = _CONTROL.sub("", unicodedata.normalize("NFKC", text).translate(_QUOTES))
    return _SPACES.sub(" ", text).strip()


def text_key(text: str, variant: str = "") -> str:
    """Return the cache key of a text: the sha256 hex digest of its normalised form.

    ``variant`` names another model's vectors of the same text (the int8 MiniLM's:
    ``"int8"``), so that one cache never mixes them; "" keeps the plain key.
    """
    prefix = f"{variant}\0" if variant else ""
    return hashlib.sha256((prefix + normalise(text)).encode("utf-8")).hexdigest()


# --- preparation -------------------------------------------------------------


def prepare(text: str) -> str:
    """Normalise then redact ``text``: the form that is shown, embedded and hashed."""
    return redact(normalise(text))


# --- non-answers -----------------------------------------------------------

# A non-answer is made only of these words, with at least one from _CORE.
_CORE = _words(
    """
    nothing no none nope nah na nil nada nowt nought zero not idk dunno pass dont don't
    nothin can't cant cannot idc unsure
    """
)
_FILLER = _words(
    """
    really at all to add say said comment comments else more further thanks thank you ta
    sure i i'm im can can't cant cannot think of anything know as yet right now for me
    honestly absolutely whatsoever just that so comes come mind specific the moment
    present this time other than x xx xxx ok okay lol sorry mention report answer
    applicable a thing single it is there nothing's really much particular in particular
    have got any idea clue prefer tbh bothered what put write want new
    """
)
_TYPO_TARGETS = ("nothing", "comment", "comments")
_NA_FORMS = re.compile(r"\b(?:n\s?/\s?a|n\.a\.?|n\.\s?a\.?)(?=\W|$)", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")  # letters of any script


def _edit_distance_at_most_one(a: str, b: str) -> bool:
    """True when ``a`` becomes ``b`` by one insertion, deletion, substitution or swap."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        if a[i + 1 :] == b[i + 1 :]:
            return True
        return a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :]
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i + 1 :] == shorter[i:]


def _fix_typo(word: str) -> str:
    if len(word) >= 5:
        for target in _TYPO_TARGETS:
            if _edit_distance_at_most_one(word, target):
                return target
    return word


def is_non_answer(text: str) -> bool:
    """Say whether ``text`` is a non-answer: empty, punctuation, or a stock "nothing".

    A non-answer has no letters at all ("-", ".", "?", an emoji), or is at
    most eight words, every one of them from a short list of filler words
    ("really", "to", "add", "thanks", "at", "all", "think", "idea"...) and at
    least one of them a refusal or negation ("nothing", "no", "none", "n/a",
    "nope", "not", "don't", "can't", "idk", "unsure"...), so "can't think of
    anything right now", "not that I can think of", "no idea", "not sure what
    to put" and "I don't want to say" are non-answers.
    Small typos of "nothing" and "comment" are forgiven.
    Answers with any other word ("nothing to improve", "no complaints", "no,
    all good") carry meaning and are *not* non-answers.

    Examples
    --------
    >>> [is_non_answer(t) for t in ["N/A", "Nothing to add.", "nothng!!", "Not really"]]
    [True, True, True, True]
    >>> [is_non_answer(t) for t in ["No complaints", "None of the staff listened"]]
    [False, False]
    """
    cleaned = _NA_FORMS.sub(" na ", normalise(text).lower())
    words = [_fix_typo(w) for w in _WORD.findall(cleaned)]
    if not words:
        return True
    if len(words) > 8:
        return False
    return all(w in _CORE or w in _FILLER for w in words) and any(w in _CORE for w in words)


# --- stop words ------------------------------------------------------------

#: English function words dropped before keywords are counted. Unlike the
#: usual lists it keeps negations and quantifiers (not, no, never, nothing,
#: none, all, everything, every, more, less, too, enough, always), because
#: they carry the meaning of many survey answers ("nothing to improve", "not
#: listened to", "always kind").
STOP_WORDS: frozenset[str] = _words(
    """
    a about above after again against am an and are as at be been before being below
    between both but by can could did do does doing down during each for from further
    had has have having he her here hers herself him himself his how i if in into is it
    its itself just me my myself of off on once or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there
    these they this those through to under until up upon us very was we were what when
    where which while who whom why will with would you your yours yourself yourselves
    also i'm i've i'd i'll it's that's there's they're we're we've you're you've he's
    she's let's etc via get got really quite one ve ll re s t d m
    """
) | frozenset(PLACEHOLDERS.values())

_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))


def tfidf_preprocess(text: str) -> str:
    """Lower-case ``text`` and drop placeholders, ready for a token pattern.

    Used as the ``preprocessor`` of the TF-IDF vectorisers, so that "[name]"
    never becomes a keyword.
    """
    return _PLACEHOLDER.sub(" ", text.lower().translate(_QUOTES))
