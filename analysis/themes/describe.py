"""Describing a group of comments: keywords, a short label and quotes.

Keywords come from class-based TF-IDF computed over *distinct* comments (a
comment pasted nine times counts once), weighted by coverage: the share of
the theme's distinct comments that use the term. A term therefore ranks high
when many different people in the theme use it and few outside it do; a rare
phrase from one repeated comment ("plan vacant") does not. The label is the
first keyword that names something ("See" gives way to "See mum"), made one
phrase with a keyword written next to it ("Supervising social worker") or
joined by a second that many comments use with it ("Caseloads and
supervision"); failing that, a phrase from the most central comment.
Quotes are picked by maximal marginal relevance: each next quote is close
to the theme's centre but unlike the quotes already picked, and short
comments ("Staff", "Good") count for less than comments that say something.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from analysis.text import STOP_WORDS

from .backends import TOKEN_PATTERN, words_and_phrases

__all__ = [
    "class_tfidf",
    "display_case",
    "distinct_rows",
    "idea_form",
    "keyword_scores",
    "keywords_for",
    "label_from",
    "min_support_for",
    "names_something",
    "pick_quotes",
    "profile_for",
    "quote_label",
    "readable_phrases",
    "spell_out",
    "spelled_out",
    "text_form",
]

# Alone these say little; inside a phrase ("not listened", "no parking") they
# say a lot, so they may appear in two-word keywords only.
_WEAK_ALONE = frozenset(
    ["not", "no", "nor", "all", "more", "less", "too", "very", "every", "any", "some",
     "only", "never", "much", "many", "don't", "didn't", "can't", "won't", "wasn't",
     # linking words and common verbs: "Let", "Instead", "Near" are not themes
     "let", "till", "until", "instead", "though", "even", "aside", "anywhere", "near",
     "close", "still", "back", "now", "yet", "ever", "always", "sometimes", "without",
     "because", "else", "around", "away", "first", "last", "next", "stay", "tell", "say",
     "said", "live", "know", "knowing", "want", "wanted", "feel", "able", "well",
     "especially", "just", "also", "mostly", "maybe", "usually", "often", "again",
     "already", "really", "otherwise", "meant",
     # negations typed without the apostrophe
     "dont", "didnt", "cant", "wont", "wasnt", "isnt", "arent", "doesnt", "havent",
     "hasnt", "couldnt", "aren't", "isn't", "doesn't", "haven't", "hasn't", "couldn't"]
)
# Conversational filler that respondents add to anything ("tbh", "please"):
# never a keyword, alone or in a phrase.
_FILLER = frozenset(
    ["tbh", "please", "honestly", "thanks", "thank", "ok", "okay", "lol", "actually",
     "think", "like", "im", "thing", "things", "something", "anything", "bit", "lot",
     "go", "goes", "going", "come", "comes", "take", "takes", "give", "gives", "make",
     "makes", "done", "use", "ive", "id", "ill", "youre", "theyre", "theres", "thats"]
)
# Terms with these (or with digits) are counts, not topics ("24 three").
_NUMBER_WORDS = frozenset(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
     "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
     "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
     "eighty", "ninety", "hundred", "thousand", "million", "half", "once", "twice"]
)
def _word_set(block: str) -> frozenset[str]:
    return frozenset(block.split())


# Words that are keywords but do not name a theme alone ("See", "Help", "Long"):
# the label takes a phrase with them ("see mum", "more help", "long wait") or
# the next keyword instead.
_GENERIC = _word_set(
    """
    see seen seeing help helped helps helping ask asked asking asks read told getting
    gets get put start started starting keep keeps kept need needs needed felt find
    found try tried made making work worked working happen happens happened sort
    sorted change changed changing stop stopped understand left leave leaving move
    moved turn look looking matter seem seems used mean means listen listened came
    went given took call called rang ring rings answer answered sent check
    checked round catch
    good great nice better best bad worse long longer new old different clear
    clearer right easy easier hard harder real proper lovely excellent amazing
    brilliant happy fine quick quickly straight kind support care service services
    """
)
# Vague words: they name nothing alone, nor in a phrase with each other or a
# weak word ("every time", "someone else", "few weeks").
_VAGUE = _word_set(
    """
    everyone someone somebody nobody anyone anybody everybody everything people person
    stuff way ways place part time times year years week weeks day days month months
    today moment ages while since soon later lots little big same whole other others
    another each few own there here already far less fewer most just also mostly maybe
    especially usually often again enough sure small full short ago
    """
)
# Alone or in a phrase, these keep a phrase bridged over a dropped stop word
# ("not [being] listened"); "because [of a] birthday" is a fragment.
_NEGATIONS = frozenset(
    ["not", "no", "nor", "never", "nothing", "without", "don't", "didn't", "can't",
     "won't", "wasn't", "isn't", "aren't", "doesn't", "haven't", "hasn't", "couldn't",
     "dont", "didnt", "cant", "wont", "wasnt", "isnt", "arent", "doesnt", "havent",
     "hasnt", "couldnt"]
)
# Openers and sign-offs that do not change what a comment says ("Honestly,
# ...", "... tbh", "... - thanks"): dropped by :func:`idea_form`.
_WRAPPER_START = re.compile(
    r"^(?:(?:honestly|really|personally|overall|basically|to be honest|tbh|i think|"
    r"for me|well|so|yeah|yes|ok|okay|um|erm|hi|hello)\s+)+"
)
_WRAPPER_END = re.compile(r"(?:\s+(?:tbh|thanks|thank you|please|honestly|lol|really|x+))+$")
# Words that ask for more or less: with a generic word they name a theme
# ("more help", "no support", "fewer meetings").
_ASKS = frozenset(["more", "less", "fewer", "no", "not", "never", "better", "faster",
                   "quicker", "proper", "enough"])
QUOTE_CHARS = 300
#: A phrase replaces a single-word keyword it contains when at least this
#: share of the comments using the word use the phrase.
PHRASE_SHARE = 0.6
#: Longest label; a two-keyword label that would be longer keeps one keyword.
LABEL_CHARS = 40
#: The second keyword joins the label ("X and Y") only when at least this
#: share of the theme's distinct comments use it.
JOIN_SHARE = 0.3
_TOKEN = re.compile(TOKEN_PATTERN)  # the words the TF-IDF vectors count
_NOT_WORD = re.compile(r"[^\w\s']+")


def text_form(text: str) -> str:
    """The form under which comments count as the same: lower case, no
    punctuation, single spaces ("Fewer cases." and "fewer cases" match)."""
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


def idea_form(text: str) -> str:
    """:func:`text_form` without openers and sign-offs that change nothing
    ("Honestly, fewer cases tbh" and "Fewer cases." match): the form under
    which comments count as one idea, for the number of themes and keywords."""
    form = text_form(text)
    bare = _WRAPPER_END.sub("", _WRAPPER_START.sub("", form))
    return bare or form


def distinct_rows(texts: Sequence[str], labels: np.ndarray | None = None) -> np.ndarray:
    """Index of the first row of each distinct :func:`idea_form` (per label)."""
    seen: dict[tuple[int, str], int] = {}
    for i, text in enumerate(texts):
        key = (int(labels[i]) if labels is not None else 0, idea_form(text))
        seen.setdefault(key, i)
    return np.array(sorted(seen.values()), dtype=int)


def min_support_for(n_distinct: int) -> int:
    """Distinct comments that must use a keyword: 1 in a theme of fewer than 5
    distinct comments, else at least 2 and at least 5% of them."""
    if n_distinct < 5:
        return 1
    return max(2, math.ceil(0.05 * n_distinct))


def class_tfidf(
    counts: sp.csr_matrix, labels: np.ndarray, n_classes: int
) -> tuple[np.ndarray, np.ndarray]:
    """Class-based TF-IDF weights, one row per class.

    Parameters
    ----------
    counts : sparse matrix of shape (n_docs, n_terms)
        Binary document-term matrix.
    labels : ndarray of shape (n_docs,)
        Class of each document, from 0 to ``n_classes - 1``.
    n_classes : int

    Returns
    -------
    weights : ndarray of shape (n_classes, n_terms)
        ``tf[c, t] * log(1 + A / f[t])``, where ``tf[c, t]`` is the share of
        class ``c``'s term occurrences that are ``t``, ``f[t]`` the number of
        occurrences of ``t`` in all classes and ``A`` the mean number of
        occurrences per class.
    support : ndarray of shape (n_classes, n_terms)
        Number of documents of each class that use each term.
    """
    member = sp.csr_matrix(
        (np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(n_classes, len(labels))
    )
    per_class = np.asarray((member @ counts).todense(), dtype=np.float64)
    totals = per_class.sum(axis=1, keepdims=True)
    tf = np.divide(per_class, totals, out=np.zeros_like(per_class), where=totals > 0)
    term_totals = per_class.sum(axis=0)
    mean_per_class = totals.mean() if len(totals) else 0.0
    idf = np.log1p(np.divide(mean_per_class, term_totals, out=np.zeros_like(term_totals),
                             where=term_totals > 0))
    return tf * idf, per_class


def keyword_scores(weights: np.ndarray, support: np.ndarray, n_docs: int) -> np.ndarray:
    """c-TF-IDF ``weights`` times coverage: ``support / n_docs``, the share of
    the class's (distinct) comments that use each term."""
    if n_docs <= 0:
        return np.zeros_like(weights)
    return weights * (support / n_docs)


def _numeric(words: Sequence[str]) -> bool:
    return any(w.isdigit() or w in _NUMBER_WORDS for w in words)


def _adjacent_share(words: Sequence[str], forms: Sequence[str]) -> float:
    """Of the ``forms`` using both words, the share where they stand side by
    side: low for phrases made by dropping stop words ("plan [for] vacant")."""
    first, second = (re.escape(w) for w in words)
    together = re.compile(rf"(?<![\w']){first} {second}(?![\w'])")
    both = [f for f in forms if set(words) <= set(_TOKEN.findall(f))]
    if not both:
        return 1.0
    return sum(bool(together.search(f)) for f in both) / len(both)


def keywords_for(
    scores: np.ndarray,
    support: np.ndarray,
    terms: np.ndarray,
    n: int = 10,
    min_support: int = 2,
    forms: Sequence[str] | None = None,
) -> tuple[str, ...]:
    """The ``n`` best readable terms of one class, best first.

    Parameters
    ----------
    scores : ndarray of shape (n_terms,)
        Rank of each term, e.g. from :func:`keyword_scores`.
    support : ndarray of shape (n_terms,)
        Number of the class's distinct comments that use each term; a
        keyword needs at least ``min_support``.
    terms : ndarray of shape (n_terms,)
    n, min_support : int
    forms : sequence of str, optional
        The class's distinct comments as :func:`text_form`. When given, a
        two-word phrase is kept only if its words stand side by side in at
        least half the comments using both, so phrases bridged by a dropped
        stop word ("plan [for] vacant") are not keywords; phrases with "not",
        "no" and the like are exempt ("not [being] listened").

    Terms with a number ("24 three", "cancelled three"), filler ("tbh",
    "goes") and weak words alone ("not") are skipped. A single word inside a
    phrase picked before it is skipped. A phrase ranked below a single-word
    keyword it contains replaces that word only when at least
    :data:`PHRASE_SHARE` of the comments using the word use the phrase
    ("agency" becomes "agency staff"); otherwise, like a phrase sharing a word
    with another keyword, it is skipped.
    """
    picked: list[str] = []
    support_of: dict[str, float] = {}
    for index in np.argsort(-scores, kind="stable"):
        if len(picked) >= n or scores[index] <= 0:
            break
        if support[index] < min_support:
            continue
        term = str(terms[index])
        words = term.split()
        if _numeric(words):
            continue
        if len(words) == 1:
            if term in _WEAK_ALONE or term in _FILLER or any(term in p.split() for p in picked):
                continue
            picked.append(term)
            support_of[term] = float(support[index])
            continue
        if words[-1] in _WEAK_ALONE or set(words) & _FILLER:
            continue  # "times too" and "tbh staff" are fragments
        if any(set(words) == set(p.split()) for p in picked):
            continue  # "food cold" repeats "cold food"
        bridged_ok = bool(set(words) & _NEGATIONS)
        if forms is not None and not bridged_ok and _adjacent_share(words, forms) < 0.5:
            continue
        inside = [p for p in picked if p in words]
        if any(w in p.split() for p in picked if p not in inside for w in words):
            continue  # "grant doesnt" after "care grant"
        if inside:
            # The phrase beats its words only if most comments using them use it
            # ("agency" -> "agency staff"), not just a few ("caseloads help").
            if any(support[index] < PHRASE_SHARE * support_of[p] for p in inside):
                continue
            first = picked.index(inside[0])
            picked = [p for p in picked if p not in inside]
            picked.insert(min(first, len(picked)), term)
        else:
            picked.append(term)
        support_of[term] = float(support[index])
    return tuple(picked[:n])


def _uses(term: str, tokens: set[str]) -> bool:
    return set(term.split()) <= tokens


def names_something(term: str) -> bool:
    """Whether ``term`` can name a theme.

    A single word can unless it is generic ("see", "long", "support"), vague
    ("nobody", "years"), weak ("not", "because") or filler. A phrase can
    unless it starts with a weak word that does not ask for something
    ("every time", "even saying"; "more time" and "not listened" can), ends
    with a weak word, holds filler or a number, or has only vague and weak
    words ("few weeks").
    """
    words = term.split()
    if not words or _numeric(words) or any(w in _FILLER or w in STOP_WORDS for w in words):
        return False
    if len(words) == 1:
        return words[0] not in _GENERIC | _VAGUE | _WEAK_ALONE
    first, last = words[0], words[-1]
    if first in _WEAK_ALONE and first not in _ASKS | _NEGATIONS or last in _WEAK_ALONE:
        return False
    return first in _ASKS or any(w not in _VAGUE | _WEAK_ALONE for w in words)


def readable_phrases(
    scores: np.ndarray,
    support: np.ndarray,
    terms: np.ndarray,
    min_support: int = 1,
    forms: Sequence[str] | None = None,
    n: int = 30,
) -> tuple[str, ...]:
    """The class's best two-word terms, best first: used by ``min_support``
    comments, words side by side (see :func:`keywords_for`), no filler or
    number. :func:`label_from` picks from them a phrase for a generic word."""
    picked: list[str] = []
    for index in np.argsort(-scores, kind="stable"):
        if len(picked) >= n or scores[index] <= 0:
            break
        words = str(terms[index]).split()
        if len(words) != 2 or support[index] < min_support or _numeric(words):
            continue
        if set(words) & _FILLER or words[-1] in _WEAK_ALONE:
            continue
        if forms is not None and not set(words) & _NEGATIONS and (
            _adjacent_share(words, forms) < 0.5
        ):
            continue
        picked.append(" ".join(words))
    return tuple(picked)


def _side_by_side(
    first: str, second: str, forms: Sequence[str], min_together: int = 1
) -> str | None:
    """``first`` and ``second`` as one phrase when most comments using both
    write them side by side, in either order ("supervising social" and
    "worker" make "supervising social worker"), and at least ``min_together``
    comments use both; else None. One comment's wording ("the kids at school
    keep calling me names") does not name a theme of many ("School keep")."""
    a, b = first.split(), second.split()
    if set(a) & set(b) or len(a) + len(b) > 4:
        return None
    both = [f" {f} " for f in forms if set(a + b) <= set(_TOKEN.findall(f))]
    if not both or len(both) < min_together:
        return None
    for phrase in (f"{first} {second}", f"{second} {first}"):
        if sum(f" {phrase} " in f for f in both) >= 0.5 * len(both):
            return phrase
    # With a stop word between, as the comments write it: "open" and
    # "bank account" make "open a bank account", not "Bank account and open".
    wordings: Counter[str] = Counter()
    for form in both:
        wordings.update({w for x, y in ((first, second), (second, first))
                         if (w := _with_stop_words(form, x, y))})
    if wordings:
        wording, count = wordings.most_common(1)[0]
        if count >= 0.5 * len(both):
            return wording
    return None


_ARTICLES = frozenset(["a", "an", "the"])


def _with_stop_words(form: str, first: str, second: str) -> str:
    """``first``, one stop word (and perhaps an article), then ``second``, as
    written in ``form``: "learning from audits", "training in the practice
    model", not "keeps changing its so annoying"; "" when they never do."""
    pattern = rf"(?<![\w']){re.escape(first)}((?: [\w']+){{1,2}}) {re.escape(second)}(?![\w'])"
    for match in re.finditer(pattern, form):
        between = match.group(1).split()
        if all(w in STOP_WORDS for w in between) and sum(w not in _ARTICLES for w in between) <= 1:
            return match.group(0)
    return ""


def spelled_out(terms: np.ndarray, document_counts: np.ndarray) -> dict[str, str]:
    """Two-letter words of a question and the phrase they abbreviate.

    A two-letter word ("sw", "pa") stands for a two-word phrase of the same
    question whose initials it is ("social worker", "personal adviser"),
    when comments also write that phrase (at least two of them) and it names
    something; the phrase most comments use wins. Built from the comments'
    own vocabulary, so no list of abbreviations is needed, and a word nobody
    spells out stays as it is.

    Parameters
    ----------
    terms : ndarray of str
        The vocabulary (words and two-word phrases).
    document_counts : ndarray of shape (len(terms),)
        How many comments use each term.

    Examples
    --------
    >>> spelled_out(np.array(["sw", "social worker", "support worker", "pa", "pa answers"]),
    ...             np.array([9, 5, 2, 4, 3]))
    {'sw': 'social worker'}
    """
    phrases: dict[str, tuple[float, str]] = {}
    for term, count in zip(terms, document_counts, strict=True):
        words = str(term).split()
        if len(words) != 2 or count < 2 or not names_something(str(term)):
            continue
        if min(len(w) for w in words) < 3:  # "pa answers" spells out nothing
            continue
        initials = words[0][0] + words[1][0]
        if initials not in phrases or count > phrases[initials][0]:
            phrases[initials] = (float(count), str(term))
    return {
        str(term): phrases[str(term)][1]
        for term in terms
        if len(str(term)) == 2 and str(term).isalpha() and str(term) in phrases
    }


def spell_out(label: str, expansions: dict[str, str]) -> str:
    """``label`` with its two-letter words spelled out by ``expansions`` (see
    :func:`spelled_out`), when it stays within :data:`LABEL_CHARS`:
    "Sw" becomes "Social worker", "More sw visits" "More social worker visits"."""
    words = [expansions.get(w.lower(), w) for w in label.split()]
    spelled = " ".join(words)
    if spelled == label or len(spelled) > LABEL_CHARS:
        return label
    return spelled[:1].upper() + spelled[1:]


def label_from(
    keywords: Sequence[str],
    fallback: str,
    forms: Sequence[str] = (),
    min_together: int = 1,
    phrases: Sequence[str] = (),
) -> str:
    """A short label from the theme's keywords.

    The head is the first keyword that names something (see
    :func:`names_something`); a generic word before it ("see", "time") is
    replaced by the best of ``phrases`` containing it ("see mum", "more
    time"), when there is one. A later keyword (of the next three) that most
    comments write next to the head, at least ``min_together`` of them, is
    joined into one phrase ("supervising social" and "worker": "Supervising
    social worker"). Otherwise the next keyword that names something joins
    with "and" ("Caseloads and supervision") when at least :data:`JOIN_SHARE`
    of the ``forms`` (the theme's distinct comments) use it, at least
    ``min_together`` of them and a quarter of those using it use both, and
    the label stays within :data:`LABEL_CHARS` characters.
    Without ``forms`` the label is the head alone; without a head, it is
    ``fallback``.
    """
    head, rest = None, list(keywords)
    for i, keyword in enumerate(keywords):
        if names_something(keyword):
            head = keyword
        elif len(keyword.split()) == 1:
            head = next(
                (p for p in phrases if keyword in p.split() and names_something(p)), None
            )
        if head is not None:
            rest = [k for k in keywords[i + 1 :] if k != head]
            break
    if head is None:
        return fallback
    label = head
    if forms:
        merged = next(
            (m for k in rest[:3]
             if (names_something(k) or k in _GENERIC)
             and (m := _side_by_side(head, k, forms, min_together))),
            None,
        )
        second = next((k for k in rest[:2] if names_something(k)), None)
        if merged is not None:
            label = merged
        elif second is not None and not set(second.split()) & set(head.split()):
            token_sets = [set(_TOKEN.findall(f)) for f in forms]
            with_second = sum(_uses(second, t) for t in token_sets)
            both = sum(_uses(second, t) and _uses(head, t) for t in token_sets)
            joined = f"{head} and {second}"
            if both >= max(min_together, 1) and both >= 0.25 * with_second and (
                with_second >= JOIN_SHARE * len(forms) and len(joined) <= LABEL_CHARS
            ):
                label = joined
    if len(label) > LABEL_CHARS:
        label = label[:LABEL_CHARS].rsplit(" ", 1)[0]
    return label[:1].upper() + label[1:]


def quote_label(quote: str, scores: np.ndarray, terms: np.ndarray) -> str:
    """A label from one comment (the theme's most central) when no keyword
    names anything: the comment's best term (one or two words side by side)
    that names something, with most words that are not generic, else its
    best-scoring term, else its first three
    words that are not stop words, else its first words."""
    own = words_and_phrases(quote)  # the vectors' own terms: no phrase across a full stop
    grams = set(own)
    content = [t for t in own if " " not in t]
    index = {str(t): i for i, t in enumerate(terms) if str(t) in grams}
    if index:
        plain = _GENERIC | _VAGUE | _WEAK_ALONE
        label = max(index, key=lambda t: (
            names_something(t), sum(w not in plain for w in t.split()), scores[index[t]], t
        ))
    else:
        label = " ".join(content[:3]) or " ".join(quote.split()[:4])
    label = label[:LABEL_CHARS].rsplit(" ", 1)[0] if len(label) > LABEL_CHARS else label
    return label[:1].upper() + label[1:]


def display_case(label: str, texts: Sequence[str]) -> str:
    """``label`` with each word written as the comments mostly write it
    inside a sentence: "Pa" becomes "PA", "christmas" "Christmas", "i" "I".
    Comments written all in capitals, and the first word of a sentence, do
    not count."""
    wanted = {w.lower() for w in label.split()}
    seen: dict[str, Counter[str]] = {w: Counter() for w in wanted}
    for text in texts:
        if text.upper() == text:
            continue
        for sentence in re.split(r"[.!?]\s+", text):
            for word in _TOKEN.findall(sentence)[1:]:
                if word.lower() in seen:
                    seen[word.lower()][word] += 1
    words = []
    for position, word in enumerate(label.split()):
        forms = seen.get(word.lower())
        usual = forms.most_common(1)[0][0] if forms else word.lower()
        if usual == usual.lower() and position == 0:
            usual = usual[:1].upper() + usual[1:]
        words.append(usual)
    return " ".join(words)


def profile_for(
    weights: np.ndarray, terms: np.ndarray, n: int = 30
) -> tuple[tuple[str, float], ...]:
    """The ``n`` heaviest terms of one class with their weights (4 decimals)."""
    top = [i for i in np.argsort(-weights, kind="stable")[:n] if weights[i] > 0]
    return tuple((str(terms[i]), round(float(weights[i]), 4)) for i in top)


def _substance(text: str) -> float:
    """From 0.5 for a one-word comment up to 1 for eight words or more."""
    return 0.5 + 0.5 * min(len(text.split()), 8) / 8


def _shorten(text: str) -> str:
    if len(text) <= QUOTE_CHARS:
        return text
    return text[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"


def _plainness(text: str) -> tuple[bool, bool]:
    """Sorts the copies of one idea: unwrapped before wrapped ("Honestly, ...",
    "... tbh"), then written with capitals before all in lower case."""
    return idea_form(text) != text_form(text), text == text.lower()


def pick_quotes(
    texts: Sequence[str],
    features: np.ndarray,
    n: int = 5,
    diversity: float = 0.3,
    pool: int = 200,
    quotable: Sequence[bool] | np.ndarray | None = None,
) -> tuple[str, ...]:
    """Pick up to ``n`` distinct comments, central and varied (maximal
    marginal relevance); copies of one idea (:func:`idea_form`) count once.

    Parameters
    ----------
    texts : sequence of str
        The (redacted) comments of one group.
    features : ndarray of shape (len(texts), d)
        Their unit vectors.
    n : int
        Quotes wanted.
    diversity : float
        Weight of unlikeness to quotes already picked, from 0 (only
        centrality) to 1.
    pool : int
        Only the ``pool`` most central comments are considered.
    quotable : sequence of bool, optional
        Whether each comment may be quoted (default: all). The others still
        count towards the centre, but are never picked.
    """
    if not texts:
        return ()
    allowed = np.ones(len(texts), dtype=bool) if quotable is None else np.asarray(
        quotable, dtype=bool)
    centre = features.mean(axis=0)
    norm = np.linalg.norm(centre)
    relevance = features @ (centre / norm) if norm > 0 else np.zeros(len(texts))
    relevance = relevance * np.array([_substance(t) for t in texts])
    # One quote per idea: "Honest communication..." and "honest communication...",
    # or "i do boxing now" and "Honestly, i do boxing now", are one comment
    # to a reader. Of its copies, one without an opener or sign-off and not
    # all in lower case is shown, when there is one.
    first_of: dict[str, int] = {}
    for i in np.argsort(-relevance, kind="stable"):
        if not allowed[i]:
            continue
        idea = idea_form(texts[i])
        if idea not in first_of and len(first_of) >= pool:
            break
        if idea not in first_of or _plainness(texts[i]) < _plainness(texts[first_of[idea]]):
            first_of[idea] = int(i)
    if not first_of:
        return ()
    candidates = np.array(sorted(first_of.values(), key=lambda i: -relevance[i]))
    chosen: list[int] = []
    closest = np.full(len(candidates), -np.inf)
    while len(chosen) < min(n, len(candidates)):
        redundancy = np.where(np.isfinite(closest), closest, 0.0)
        score = (1 - diversity) * relevance[candidates] - diversity * redundancy
        score[np.isin(candidates, chosen)] = -np.inf
        best = int(candidates[int(np.argmax(score))])
        chosen.append(best)
        closest = np.maximum(closest, features[candidates] @ features[best])
    return tuple(_shorten(texts[i]) for i in chosen)
