"""Keeping themes stable: matching codebooks across refits, and a stability score."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score

from analysis.embeddings import InMemoryEmbeddingCache

from .estimator import ThemeClusterer
from .records import NON_ANSWER_ID, Theme, ThemeMatch

__all__ = ["carry_over", "match_themes", "similarity_matrix", "stability_score"]

#: Least similarity for two themes to count as the same, by method.
MIN_SIMILARITY = {"centroid": 0.8, "profile": 0.3}


def _same_space(old: Sequence[Theme], new: Sequence[Theme]) -> bool:
    spaces = {t.space for t in [*old, *new]}
    sizes = {len(t.centroid) for t in [*old, *new]}
    return len(spaces) == 1 and "" not in spaces and len(sizes) == 1 and 0 not in sizes


def _unit_rows(rows: list[tuple[float, ...]]) -> np.ndarray:
    matrix = np.asarray(rows, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def _profile_cosine(a: tuple[tuple[str, float], ...], b: tuple[tuple[str, float], ...]) -> float:
    left, right = dict(a), dict(b)
    dot = sum(weight * right[term] for term, weight in left.items() if term in right)
    norm = math.hypot(*left.values()) * math.hypot(*right.values())
    return dot / norm if norm else 0.0


def similarity_matrix(old: Sequence[Theme], new: Sequence[Theme]) -> tuple[np.ndarray, str]:
    """Similarity of every old theme (rows) to every new theme (columns).

    Cosine of the centroids when all themes share one vector space
    (``Theme.space``), else cosine of the keyword profiles (``Theme.profile``),
    which works across backends and across refits of the TF-IDF vocabulary.

    Returns
    -------
    similarity : ndarray of shape (len(old), len(new))
    method : {"centroid", "profile"}
    """
    if not old or not new:
        return np.zeros((len(old), len(new))), "centroid"
    if _same_space(old, new):
        left = _unit_rows([t.centroid for t in old])
        right = _unit_rows([t.centroid for t in new])
        return left @ right.T, "centroid"
    matrix = np.array([[_profile_cosine(a.profile, b.profile) for b in new] for a in old])
    return matrix.reshape(len(old), len(new)), "profile"


def match_themes(
    old: Sequence[Theme], new: Sequence[Theme], min_similarity: float | None = None
) -> ThemeMatch:
    """Pair the themes of a refitted codebook with those of an older one.

    The pairing is one-to-one and maximises the total similarity of the pairs
    at least ``min_similarity`` alike (Hungarian algorithm,
    :func:`scipy.optimize.linear_sum_assignment`); themes left without a
    partner are reported as ``new`` and ``gone``. Non-answer groups always pair with each
    other.

    Parameters
    ----------
    old, new : sequence of Theme
        Two codebooks, such as ``ThemeClusterer.themes_`` of two fits.
    min_similarity : float or None
        ``None`` uses 0.8 for centroids and 0.3 for keyword profiles (see
        :func:`similarity_matrix`).

    Returns
    -------
    ThemeMatch
    """
    old_answers = [t for t in old if not t.is_non_answer]
    new_answers = [t for t in new if not t.is_non_answer]
    similarity, method = similarity_matrix(old_answers, new_answers)
    threshold = MIN_SIMILARITY[method] if min_similarity is None else min_similarity
    # Pairs below the threshold count as nothing, so they cannot pull a theme
    # away from a partner it does match.
    eligible = np.where(similarity >= threshold, similarity, 0.0)
    rows, cols = linear_sum_assignment(eligible, maximize=True)
    pairs = [
        (old_answers[r].id, new_answers[c].id, round(float(similarity[r, c]), 6))
        for r, c in zip(rows, cols, strict=True)
        if similarity[r, c] >= threshold
    ]
    if any(t.is_non_answer for t in old) and any(t.is_non_answer for t in new):
        pairs.append((NON_ANSWER_ID, NON_ANSWER_ID, 1.0))
    pairs.sort(key=lambda pair: (-pair[2], pair[0]))
    matched_old = {p[0] for p in pairs}
    matched_new = {p[1] for p in pairs}
    return ThemeMatch(
        pairs=tuple(pairs),
        new=tuple(t.id for t in new if t.id not in matched_new),
        gone=tuple(t.id for t in old if t.id not in matched_old),
        method=method,
    )


def carry_over(
    old: Sequence[Theme], new: Sequence[Theme], match: ThemeMatch | None = None
) -> tuple[list[Theme], dict[int, int]]:
    """Give the themes of ``new`` the ids and labels of their matches in ``old``.

    Matched themes take the old id and the old label (which people may have
    edited); unmatched themes get fresh ids above every old id and
    ``is_new=True``.

    Returns
    -------
    themes : list of Theme
        The new codebook, renumbered.
    ids : dict of int to int
        Old-style id for each id of ``new``; apply it to ``labels_`` with
        ``np.vectorize(ids.get)(labels)``.
    """
    match = match if match is not None else match_themes(old, new)
    by_id = {t.id: t for t in old}
    next_id = max([t.id for t in old] + [-1]) + 1
    ids: dict[int, int] = {}
    themes = []
    for theme in new:
        old_id = match.mapping.get(theme.id)
        if old_id is not None:
            ids[theme.id] = old_id
            themes.append(replace(theme, id=old_id, label=by_id[old_id].label, is_new=False))
        else:
            ids[theme.id] = next_id
            themes.append(replace(theme, id=next_id, is_new=True))
            next_id += 1
    return themes, ids


def stability_score(
    texts: Iterable[str], random_states: tuple[int, int] = (0, 1), **params: Any
) -> float:
    """Adjusted Rand index between the themes of two fits that differ only in seed.

    1 means the seed changes nothing; 0 means agreement no better than
    chance. Non-answers form one group in both fits. ``params`` go to
    :class:`ThemeClusterer`; embeddings are computed once and shared.
    """
    items = list(texts)
    params.setdefault("cache", InMemoryEmbeddingCache())
    first, second = (
        ThemeClusterer(random_state=seed, **params).fit(items).labels_ for seed in random_states
    )
    return float(adjusted_rand_score(first, second))
