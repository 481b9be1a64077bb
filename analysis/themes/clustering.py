"""Grouping unit vectors into themes and sub-themes.

The plan, measured on the development set (see ``docs/themes.md``):

1. over-cluster: k-means into many fine clusters (``n_fine``), fast and
   linear in the number of comments;
2. merge: Ward's agglomerative clustering of the fine centroids builds a tree,
   which is cut at the number of themes (or at each candidate number, when it
   is chosen by silhouette); each centroid weighs as many distinct comments
   as its cluster holds (:func:`ward_tree`);
3. refine: k-means over all comments, started from the merged centroids, so
   every comment ends up with its nearest theme;
4. break up catch-alls: a theme over a quarter of the comments that is not
   about one thing (:func:`catch_alls`) is split and two other themes merged,
   or, when the number of themes is being chosen, more themes are taken.

Merging many small clusters averages out the luck of k-means' starting points,
which makes themes more stable across seeds than a single k-means.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.cluster.hierarchy import cut_tree, linkage
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

#: Largest share of the rows one theme may hold before it is split.
CATCH_ALL = 0.25

__all__ = [
    "ThemeSplit",
    "catch_alls",
    "choose_n_themes",
    "count_distinct",
    "split_into_themes",
    "split_theme",
    "spread",
    "ward_tree",
]


def count_distinct(features: np.ndarray) -> int:
    """Number of distinct rows of ``features`` (to 5 decimals)."""
    if len(features) == 0:
        return 0
    return len(np.unique(np.round(features, 5), axis=0))


class ThemeSplit:
    """The outcome of :func:`split_into_themes`.

    Attributes
    ----------
    labels : ndarray of int
        Theme of each row, numbered by decreasing size from 0.
    model : KMeans
        The refining k-means; its ``predict`` assigns new rows.
    order : ndarray of int
        ``order[i]`` is the k-means cluster that became theme ``i``.
    """

    def __init__(self, labels: np.ndarray, model: KMeans, order: np.ndarray) -> None:
        self.labels = labels
        self.model = model
        self.order = order

    def predict(self, features: np.ndarray) -> np.ndarray:
        """Theme of each row of ``features``."""
        rank = np.empty_like(self.order)
        rank[self.order] = np.arange(len(self.order))
        # k-means predicts in the dtype it was fitted in (float32 before float64 was used)
        centres = self.model.cluster_centers_
        return rank[self.model.predict(np.asarray(features, dtype=centres.dtype))]


def _fine_clusters(features: np.ndarray, n_fine: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    model = KMeans(n_fine, n_init=1, random_state=seed).fit(features)
    # With many repeated rows k-means can leave clusters empty; drop them.
    used, labels = np.unique(model.labels_, return_inverse=True)
    return labels, model.cluster_centers_[used]


def ward_tree(centres: np.ndarray, sizes: np.ndarray | None = None) -> np.ndarray:
    """Ward's agglomerative clustering of ``centres`` (made unit length), as a
    SciPy linkage matrix.

    Without ``sizes`` every centre counts as one point (SciPy's ``ward``).
    With ``sizes``, centre ``i`` stands for ``sizes[i]`` comments at that
    point: merging groups ``a`` and ``b`` costs ``n_a n_b / (n_a + n_b)`` times
    their squared distance, the growth of the within-theme sum of squares of
    the comments themselves. The result is the tree SciPy builds over the
    comments with each one moved to its fine cluster's centre (tested), at the
    cost of the centres alone. Heights are ``sqrt(2 * cost)``, as SciPy's;
    the last column counts centres, not comments, so :func:`cut_tree` works.
    """
    points = normalize(centres)
    if sizes is None:
        return linkage(points, method="ward")
    m = len(points)
    weight = np.asarray(sizes, dtype=np.float64).copy()
    squared = np.maximum(2.0 - 2.0 * (points @ points.T), 0.0)
    cost = weight[:, None] * weight[None, :] / (weight[:, None] + weight[None, :]) * squared
    np.fill_diagonal(cost, np.inf)
    ids = np.arange(m)
    leaves = np.ones(m)
    tree = np.zeros((m - 1, 4))
    for step in range(m - 1):
        a, b = sorted(int(i) for i in np.unravel_index(int(np.argmin(cost)), cost.shape))
        ab = cost[a, b]
        # Lance-Williams for Ward, on costs: the merged group's cost to each other.
        merged = ((weight[a] + weight) * cost[a] + (weight[b] + weight) * cost[b]
                  - weight * ab) / (weight[a] + weight[b] + weight)
        tree[step] = (ids[a], ids[b], np.sqrt(2.0 * ab), leaves[a] + leaves[b])
        cost[a, :] = cost[:, a] = merged
        cost[b, :] = cost[:, b] = np.inf
        cost[a, a] = np.inf
        weight[a] += weight[b]
        leaves[a] += leaves[b]
        ids[a] = m + step
    return tree


def _cuts(
    centres: np.ndarray, candidates: Sequence[int], sizes: np.ndarray | None = None
) -> dict[int, np.ndarray]:
    """Cut the Ward tree of ``centres`` (see :func:`ward_tree`) at each
    candidate number of groups."""
    if len(centres) == 1:
        return {1: np.zeros(1, dtype=int)}
    columns = cut_tree(ward_tree(centres, sizes), n_clusters=list(candidates))
    return {k: columns[:, i].astype(int) for i, k in enumerate(candidates)}


def choose_n_themes(
    features: np.ndarray,
    fine_labels: np.ndarray,
    cuts: dict[int, np.ndarray],
    seed: int,
    sample_size: int = 2000,
) -> int:
    """Pick the cut whose themes have the best silhouette (cosine) on a sample.

    The sample is at most ``sample_size`` rows, drawn with ``seed``; ties go
    to the smaller number of themes.
    """
    valid = [k for k in sorted(cuts) if k >= 2]
    if not valid:
        return min(cuts)
    rng = np.random.default_rng(seed)
    rows = rng.permutation(len(features))[:sample_size]
    best_k, best_score = valid[0], -np.inf
    for k in valid:
        labels = cuts[k][fine_labels[rows]]
        if len(np.unique(labels)) < 2:
            continue
        score = silhouette_score(features[rows], labels, metric="cosine")
        if score > best_score + 1e-9:
            best_k, best_score = k, score
    return best_k


def split_into_themes(
    features: np.ndarray,
    candidates: Sequence[int],
    n_fine: int,
    seed: int,
    weighted: bool = True,
) -> ThemeSplit:
    """Group the rows of ``features`` (unit vectors) into themes.

    Parameters
    ----------
    features : ndarray of shape (n, d)
    candidates : sequence of int
        Numbers of themes to consider; when there are several, the best by
        :func:`choose_n_themes` is used, or the next larger one while the
        best leaves a catch-all theme (see :func:`catch_alls`). Each must be
        at most the number of distinct rows.
    n_fine : int
        Fine clusters made before merging (at least ``max(candidates)``, at
        most the number of distinct rows).
    seed : int
        Seed of every random step.
    weighted : bool
        Merge the fine clusters by Ward's method weighted by their numbers of
        distinct comments (:func:`ward_tree`), as if over the comments
        themselves; ``False``: each fine cluster counts as one point. On the
        development set (31 themes, seeds 0-11) weighting made the themes of
        two seeds agree more, at the same NMI with minilm (ARI 0.81 to 0.90,
        NMI 0.273) and for a little NMI with tfidf (ARI 0.57 to 0.80 with 20
        neighbours, NMI 0.194 to 0.184).
    """
    # In float64: scikit-learn's k-means++ computes float32 distances by copying
    # chunks to float64, which made the fine clusters three times slower.
    features = np.asarray(features, dtype=np.float64)
    fine_labels, centres = _fine_clusters(features, n_fine, seed)
    candidates = sorted({min(k, len(centres)) for k in candidates})
    sizes = None
    if weighted:  # in distinct comments: a comment said by twenty people is one idea
        sizes = np.array([count_distinct(features[fine_labels == j]) for j in range(len(centres))])
    cuts = _cuts(centres, candidates, sizes)
    k = candidates[0]
    if len(candidates) > 1:
        k = choose_n_themes(features, fine_labels, cuts, seed)
    while True:
        merged = cuts[k]
        init = np.vstack([features[merged[fine_labels] == j].mean(axis=0) for j in range(k)])
        model = KMeans(k, init=init, n_init=1, random_state=seed).fit(features)
        model = _break_up_catch_all(features, model, seed)
        larger = [c for c in candidates if c > k]
        if not larger or not catch_alls(features, model.labels_, k):
            break
        k = larger[0]
    sizes = np.bincount(model.labels_, minlength=k)
    order = np.argsort(-sizes, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(k)
    return ThemeSplit(rank[model.labels_], model, order)


def spread(features: np.ndarray) -> float:
    """Mean cosine distance of unit rows to their (normalised) mean: 0 when
    every row says the same thing, larger the more they differ."""
    centre = features.mean(axis=0)
    norm = np.linalg.norm(centre)
    if norm == 0:
        return 1.0
    return float(1.0 - (features @ (centre / norm)).mean())


def catch_alls(features: np.ndarray, labels: np.ndarray, k: int) -> list[int]:
    """Themes that head more than :data:`CATCH_ALL` of the rows without being
    about one thing, largest first.

    A theme is about one thing when its rows are at least as close to its
    centre as a typical theme's are to theirs: its :func:`spread` is at most
    the median spread of the ``k`` themes. Forty people asking for more
    pocket money are one theme, however many of the comments they are; a
    quarter of the comments that have nothing in common but not fitting
    elsewhere is a catch-all. With fewer than four themes one of them must
    hold a quarter, so none is reported.
    """
    if k < 4:
        return []
    sizes = np.bincount(labels, minlength=k)
    spreads = np.array(
        [spread(features[labels == j]) if sizes[j] else 0.0 for j in range(k)]
    )
    typical = float(np.median(spreads[sizes > 0]))
    big = [j for j in range(k) if sizes[j] > CATCH_ALL * len(labels) and spreads[j] > typical]
    return sorted(big, key=lambda j: -sizes[j])


def _break_up_catch_all(features: np.ndarray, model: KMeans, seed: int) -> KMeans:
    """Split each catch-all theme (see :func:`catch_alls`) in two, and merge
    the two other themes with the closest centres to keep their number.

    On short or repetitive inputs (a few dozen distinct comments, each said
    several times), k-means makes tight themes of the repeated comments and
    leaves one loose theme of everything else, which reads as a heading
    over a third of the comments. Splitting it and merging the two most
    similar other themes (that together hold at most a quarter) gives
    themes of more even size. Repeated up to
    ``k`` times; a step is taken only when the largest catch-all shrinks and
    no theme made by the step is a larger catch-all. The model's centres
    and labels are updated in place.
    """
    k = model.n_clusters
    for _ in range(k):
        labels = model.labels_
        sizes = np.bincount(labels, minlength=k)
        loose = catch_alls(features, labels, k)
        if not loose:
            break
        big = loose[0]
        members = np.flatnonzero(labels == big)
        if count_distinct(features[members]) < 2:
            break
        halves = KMeans(2, n_init=3, random_state=seed).fit(features[members])
        centres = normalize(model.cluster_centers_)
        similarity = centres @ centres.T
        np.fill_diagonal(similarity, -np.inf)
        similarity[big, :] = similarity[:, big] = -np.inf
        # The closest pair that together stay within a quarter, or failing
        # that below the catch-all: merging must not make a new catch-all.
        together = sizes[:, None] + sizes[None, :]
        fits = together <= CATCH_ALL * len(labels)
        if not (fits & np.isfinite(similarity)).any():
            fits = together < sizes[big]
        similarity[~fits] = -np.inf
        if not np.isfinite(similarity).any():
            break
        a, b = (int(i) for i in np.unravel_index(int(np.argmax(similarity)), similarity.shape))
        new_labels = labels.copy()
        new_labels[labels == b] = a
        new_labels[members] = np.where(halves.labels_ == 0, big, b)
        new_sizes = np.bincount(new_labels, minlength=k)
        still = catch_alls(features, new_labels, k)
        if max(new_sizes[big], new_sizes[b]) >= sizes[big] or (
            still and new_sizes[still[0]] >= sizes[big]
        ):
            break
        model.labels_ = new_labels
        model.cluster_centers_ = np.vstack(
            [features[new_labels == j].mean(axis=0) for j in range(k)]
        ).astype(model.cluster_centers_.dtype)
    return model


def split_theme(
    features: np.ndarray, seed: int, min_size: int = 15, max_subthemes: int = 4
) -> np.ndarray:
    """Split one theme into sub-themes; returns a label per row, largest group 0.

    A theme gets one sub-theme per ``min_size`` comments, between 2 and
    ``max_subthemes``; themes of fewer than ``2 * min_size`` comments, or with
    too few distinct comments, are not split (all labels 0).
    """
    n_sub = min(max_subthemes, len(features) // min_size, count_distinct(features))
    if n_sub < 2:
        return np.zeros(len(features), dtype=int)
    labels = KMeans(n_sub, n_init=3, random_state=seed).fit_predict(
        np.asarray(features, dtype=np.float64)
    )
    sizes = np.bincount(labels, minlength=n_sub)
    order = np.argsort(-sizes, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(n_sub)
    return rank[labels]
