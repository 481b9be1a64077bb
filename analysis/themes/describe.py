"""Describing a group of comments: keywords, a short label and quotes.

Keywords come from class-based TF-IDF computed over *distinct* comments (a
comment pasted nine times counts once), weighted by coverage: the share of
the theme's distinct comments that use the term. A term therefore ranks high
when many different people in the theme use it and few outside it do; a rare
phrase from one repeated comment ("plan vacant") does not. The label is the
top keyword, joined by the second when the two are used together
("Caseloads and supervision"). Quotes are picked by maximal marginal
relevance: each next quote is close to the theme's centre but unlike the
quotes already picked, and short comments ("Staff", "Good") count for less
than comments that say something.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

__all__ = [
    "class_tfidf",
    "distinct_rows",
    "keyword_scores",
    "keywords_for",
    "label_from",
    "min_support_for",
    "pick_quotes",
    "profile_for",
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
     "said", "live", "know", "knowing", "want", "wanted", "feel", "able", "well"]
)
# Conversational filler that respondents add to anything ("tbh", "please"):
# never a keyword, alone or in a phrase.
_FILLER = frozenset(
    ["tbh", "please", "honestly", "thanks", "thank", "ok", "okay", "lol", "actually",
     "think", "like", "im", "thing", "things", "something", "anything", "bit", "lot",
     "go", "goes", "going", "come", "comes", "take", "takes", "give", "gives", "make",
     "makes", "done", "use"]
)
# Terms with these (or with digits) are counts, not topics ("24 three").
_NUMBER_WORDS = frozenset(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
     "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
     "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
     "eighty", "ninety", "hundred", "thousand", "million", "half", "once", "twice"]
)
QUOTE_CHARS = 300
#: A phrase replaces a single-word keyword it contains when at least this
#: share of the comments using the word use the phrase.
PHRASE_SHARE = 0.6
#: Longest label; a two-keyword label that would be longer keeps one keyword.
LABEL_CHARS = 40
_TOKEN = re.compile(r"\b\w[\w']*\w\b")  # the TF-IDF token pattern
_NOT_WORD = re.compile(r"[^\w\s']+")


def text_form(text: str) -> str:
    """The form under which comments count as the same: lower case, no
    punctuation, single spaces ("Fewer cases." and "fewer cases" match)."""
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


def distinct_rows(texts: Sequence[str], labels: np.ndarray | None = None) -> np.ndarray:
    """Index of the first row of each distinct :func:`text_form` (per label)."""
    seen: dict[tuple[int, str], int] = {}
    for i, text in enumerate(texts):
        key = (int(labels[i]) if labels is not None else 0, text_form(text))
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
        bridged_ok = bool(set(words) & _WEAK_ALONE)
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


def label_from(
    keywords: Sequence[str], fallback: str, forms: Sequence[str] = (), min_together: int = 1
) -> str:
    """A short label from the first keyword and, when they go together, the second.

    The second keyword joins ("Caseloads and supervision") when at least
    ``min_together`` of the ``forms`` (the theme's distinct comments), and at
    least a quarter of those using the second keyword, use both; and when
    the label stays within :data:`LABEL_CHARS` characters. Without ``forms``
    the label is the first keyword alone.
    """
    if not keywords:
        return fallback
    label = keywords[0]
    if len(keywords) > 1 and forms and not set(keywords[1].split()) & set(label.split()):
        token_sets = [set(_TOKEN.findall(f)) for f in forms]
        second = keywords[1]
        with_second = sum(_uses(second, t) for t in token_sets)
        both = sum(_uses(second, t) and _uses(label, t) for t in token_sets)
        joined = f"{label} and {second}"
        if both >= max(min_together, 1) and both >= 0.25 * with_second and (
            len(joined) <= LABEL_CHARS
        ):
            label = joined
    if len(label) > LABEL_CHARS:
        label = label[:LABEL_CHARS].rsplit(" ", 1)[0]
    return label[:1].upper() + label[1:]


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


def pick_quotes(
    texts: Sequence[str],
    features: np.ndarray,
    n: int = 5,
    diversity: float = 0.3,
    pool: int = 200,
) -> tuple[str, ...]:
    """Pick up to ``n`` distinct comments, central and varied.

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
    """
    if not texts:
        return ()
    centre = features.mean(axis=0)
    norm = np.linalg.norm(centre)
    relevance = features @ (centre / norm) if norm > 0 else np.zeros(len(texts))
    relevance = relevance * np.array([_substance(t) for t in texts])
    first_of: dict[str, int] = {}
    for i in np.argsort(-relevance, kind="stable"):
        first_of.setdefault(" ".join(texts[i].lower().split()), int(i))
        if len(first_of) >= pool:
            break
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
