"""Describing a group of comments: keywords, a short label and quotes.

Keywords come from class-based TF-IDF: a term weighs more in a theme the more
of the theme's comments use it and the rarer it is across all themes. Quotes
are picked by maximal marginal relevance: each next quote is close to the
theme's centre but unlike the quotes already picked, and short comments
("Staff", "Good") count for less than comments that say something.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

__all__ = ["class_tfidf", "keywords_for", "label_from", "pick_quotes", "profile_for"]

# Alone these say little; inside a phrase ("not listened", "no parking") they
# say a lot, so they may appear in two-word keywords only.
_WEAK_ALONE = frozenset(
    ["not", "no", "nor", "all", "more", "less", "too", "very", "every", "any", "some",
     "only", "never", "much", "many", "don't", "didn't", "can't", "won't", "wasn't"]
)
QUOTE_CHARS = 300


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


def keywords_for(
    weights: np.ndarray, support: np.ndarray, terms: np.ndarray, n: int = 10, min_support: int = 2
) -> tuple[str, ...]:
    """The ``n`` most distinctive readable terms of one class.

    A term is used by at least ``min_support`` of the class's comments
    (``support``). A two-word phrase replaces a single word it contains that
    was picked before it, and a single word already inside a picked phrase
    is skipped, so keywords do not repeat each other.
    """
    picked: list[str] = []
    for index in np.argsort(-weights, kind="stable"):
        if len(picked) >= n or weights[index] <= 0:
            break
        if support[index] < min_support:
            continue
        term = str(terms[index])
        words = term.split()
        if len(words) == 1:
            if term in _WEAK_ALONE or any(term in p.split() for p in picked):
                continue
            picked.append(term)
            continue
        if words[-1] in _WEAK_ALONE or any(set(words) == set(p.split()) for p in picked):
            continue  # "times too" is a fragment; "food cold" repeats "cold food"
        inside = [p for p in picked if p in words]
        if inside:
            picked[picked.index(inside[0])] = term
            picked = [p for p in picked if p == term or p not in words]
        elif term not in picked:
            picked.append(term)
    return tuple(dict.fromkeys(picked))[:n]


def profile_for(
    weights: np.ndarray, terms: np.ndarray, n: int = 30
) -> tuple[tuple[str, float], ...]:
    """The ``n`` heaviest terms of one class with their weights (4 decimals)."""
    top = [i for i in np.argsort(-weights, kind="stable")[:n] if weights[i] > 0]
    return tuple((str(terms[i]), round(float(weights[i]), 4)) for i in top)


def label_from(keywords: Sequence[str], fallback: str) -> str:
    """A short label: the first keyword, and the second when it adds new words."""
    if not keywords:
        return fallback
    label = keywords[0]
    if len(keywords) > 1 and not set(keywords[1].split()) & set(label.split()):
        label = f"{label}, {keywords[1]}"
    return label[:1].upper() + label[1:]


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
