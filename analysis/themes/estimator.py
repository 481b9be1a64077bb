"""The theme estimator: free-text comments in, a codebook of themes out."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.preprocessing import normalize
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from analysis.embeddings import EmbeddingCache, InMemoryEmbeddingCache, MiniLMEmbedder
from analysis.text import is_non_answer, prepare

from .backends import TextFeatures, lead_clause, resolve_backend
from .clustering import ThemeSplit, count_distinct, split_into_themes, split_theme
from .codebook import Grouping, describe_themes, non_answer_theme
from .describe import idea_form
from .records import NON_ANSWER_ID, Theme
from .smoothing import NeighbourSmoother

__all__ = ["ThemeClusterer"]

#: Range searched for the number of themes when ``n_themes=None`` on a question
#: with many distinct comments (at least 144, see :func:`auto_theme_range`).
AUTO_THEMES = (8, 12)
#: With ``n_themes=None``, at most one theme per this many answers.
MIN_THEME_SIZE = 10
#: Fine k-means clusters made per theme before they are merged (at least 100
#: in all). More fine clusters average out more of k-means' luck: with the
#: minilm backend 8 per theme raised the agreement between seeds on the
#: development set from 0.75 to 0.90 (k = 31) and NMI by 0.004; with tfidf,
#: whose vectors are coarser, 8 was no better than 4 (see docs/themes.md).
#: With ``n_themes=None`` (at most 12 themes) both give 100.
FINE_PER_THEME = {"minilm": 8, "tfidf": 4}
#: Neighbours each comment is averaged with before clustering, by backend
#: (``n_neighbors=None``).
NEIGHBOURS = {"minilm": 10, "tfidf": 20}


def auto_theme_range(n_ideas: int, n_answers: int | None = None) -> tuple[int, int]:
    """Fewest and most themes tried when ``n_themes=None``.

    ``n_ideas`` is the number of distinct answers (by
    :func:`~analysis.themes.describe.idea_form`: a comment repeated, re-cased
    or wrapped in "honestly" or "tbh" counts once, as it brings no new idea).
    The most is ``1.2 * sqrt(n_ideas)`` rounded, at most 12 (and at most one
    theme per :data:`MIN_THEME_SIZE` answers), so a theme holds a handful of
    distinct comments on a small question and many on a large one; the
    fewest is two less, at most 8. 25-35 distinct answers give 4-7 themes,
    72 give 8-10, 100 or more give 8-12.

    >>> auto_theme_range(25), auto_theme_range(72), auto_theme_range(5000)
    ((4, 6), (8, 10), (8, 12))
    """
    high = min(AUTO_THEMES[1], round(1.2 * math.sqrt(max(n_ideas, 1))))
    if n_answers is not None:
        high = min(high, max(1, n_answers // MIN_THEME_SIZE))
    low = min(AUTO_THEMES[0], max(1, high - 2))
    return low, high


def _as_texts(texts: Iterable[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("expected an iterable of comments, got a single string")
    items = list(texts)
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"every comment must be a str, got {type(item).__name__}")
    return items


def _as_quotable(quotable: Iterable[bool] | None, n: int) -> np.ndarray:
    """``quotable`` as a boolean array of length ``n`` (all True for ``None``)."""
    if quotable is None:
        return np.ones(n, dtype=bool)
    if isinstance(quotable, str):
        raise TypeError("quotable must be an iterable of bool, one per comment")
    mask = np.asarray(list(quotable))
    if mask.size == 0 and n == 0:
        return np.ones(0, dtype=bool)
    if mask.shape != (n,):
        raise ValueError(f"quotable has {mask.size} values for {n} comments")
    if mask.dtype != bool:
        raise TypeError(f"quotable must hold bools, got {mask.dtype}")
    return mask


class ThemeClusterer(ClusterMixin, BaseEstimator):
    """Find themes in free-text comments.

    Comments are normalised and redacted (:func:`analysis.text.prepare`).
    Non-answers ("n/a", "nothing", "-") are caught by rule and counted in a
    group of their own; every other comment is assigned to exactly one theme
    (there is no "outlier" group). Themes come with keywords, a label, quotes
    and sub-themes.

    Parameters
    ----------
    n_themes : int or None, default=None
        Number of themes for the answers (the non-answer group comes on
        top). ``None`` sets a range from the number of *distinct* answers
        ``d`` (repeats bring no new idea; see :func:`auto_theme_range`): at
        most ``1.2 * sqrt(d)`` themes and 12, at least two less and at most 8
        (8-12 from 100 distinct answers, 4-7 for 25-35), and keeps the number
        in that range with the best silhouette score; never more than one
        theme per 10 answers, nor more than the distinct answers.
    backend : {"auto", "tfidf", "minilm"}, default="auto"
        ``"tfidf"``: TF-IDF of words, two-word phrases and character
        3-5-grams, reduced by truncated SVD. ``"minilm"``: all-MiniLM-L6-v2
        sentence embeddings (needs the ``embeddings`` extra), with the TF-IDF
        vectors of words and phrases appended at weight ``tfidf_weight``.
        ``"auto"``: minilm when installed.
    random_state : int, RandomState instance or None, default=None
        Seeds every random step; pass an int for reproducible themes.
    n_fine_clusters : int or None, default=None
        Fine k-means clusters merged into themes. ``None`` means eight times
        the (largest) number of themes with minilm, four times with tfidf,
        and at least 100 (:data:`FINE_PER_THEME`).
    tfidf_weight : float, default=0.2
        Share of squared length given to the TF-IDF part of a minilm vector.
    lead_weight : float, default=1.0
        Weight of the embedding of a comment's first clause, added to
        the comment's own embedding (minilm only; see
        :func:`~analysis.themes.backends.lead_clause`): "Nothing, the staff
        were lovely" then sits nearer "Nothing to improve". 0 turns it off.
    n_neighbors : int or None, default=None
        Before clustering, each vector is replaced by the mean of its
        ``n_neighbors`` nearest other comments (copies of it do not count)
        and itself (see :mod:`~analysis.themes.smoothing`). 0 turns
        smoothing off. ``None`` means 10 with minilm and 20 with tfidf
        (:data:`NEIGHBOURS`), whose sparser vectors need more averaging
        for themes that agree across seeds.
    smoothing_steps : int, default=2
        How many times that averaging is repeated.
    max_subthemes : int, default=4
        Most sub-themes per theme.
    min_subtheme_size : int, default=15
        A theme gets one sub-theme per this many comments (at least two
        sub-themes, or none).
    n_components : int, default=200
        Dimensions of the TF-IDF reduction. With the character n-grams of
        the tfidf backend, 100 dimensions lost much of the vocabulary: 200
        raised the development set's NMI from 0.175 to 0.191 (mean of six
        seeds; 0.271 to 0.274 for minilm's TF-IDF part).
    cache : EmbeddingCache or None, default=None
        Where embeddings are kept by text hash. ``None`` gives each fit a
        fresh in-memory cache. Only used by the minilm backend.
    int8 : bool, default=True
        Run MiniLM with 8-bit integer weights (PyTorch dynamic quantization;
        see :class:`~analysis.themes.backends.MiniLMEmbedder`): about twice as
        fast on two CPU cores, with themes as good on the development set.
        ``False`` uses the float32 model. Only used by the minilm backend.

    Attributes
    ----------
    labels_ : ndarray of shape (n_comments,)
        Theme id of each comment, in input order: 0 to ``n_themes_ - 1``, or
        :data:`~analysis.themes.NON_ANSWER_ID` (-1) for non-answers.
    subtheme_labels_ : ndarray of shape (n_comments,)
        Sub-theme id within the comment's theme (0 when the theme has no
        sub-themes), -1 for non-answers.
    themes_ : list of Theme
        The codebook: themes 0 to ``n_themes_ - 1`` by decreasing size, then
        the non-answer group if there were any non-answers.
    n_themes_ : int
        Number of themes found in the answers.
    n_ideas_ : int
        Number of distinct answers (:func:`~analysis.themes.describe.idea_form`),
        from which ``n_themes=None`` sets its range.
    backend_ : str
        The backend used, "tfidf" or "minilm".
    n_embedded_ : int
        Comments embedded by this fit (the rest came from the cache).
    embedding_seconds_ : float
        Time spent embedding (0 for tfidf).

    Examples
    --------
    >>> model = ThemeClusterer(n_themes=2, backend="tfidf", random_state=0)
    >>> model = model.fit(["staff were kind", "kind staff", "food was cold",
    ...                    "cold food", "n/a"])
    >>> [int(x) for x in model.labels_]  # doctest: +SKIP
    [1, 1, 0, 0, -1]
    """

    def __init__(
        self,
        n_themes: int | None = None,
        backend: str = "auto",
        random_state: Any = None,
        n_fine_clusters: int | None = None,
        tfidf_weight: float = 0.2,
        lead_weight: float = 1.0,
        n_neighbors: int | None = None,
        smoothing_steps: int = 2,
        max_subthemes: int = 4,
        min_subtheme_size: int = 15,
        n_components: int = 200,
        cache: EmbeddingCache | None = None,
        int8: bool = True,
    ) -> None:
        self.n_themes = n_themes
        self.backend = backend
        self.random_state = random_state
        self.n_fine_clusters = n_fine_clusters
        self.tfidf_weight = tfidf_weight
        self.lead_weight = lead_weight
        self.n_neighbors = n_neighbors
        self.smoothing_steps = smoothing_steps
        self.max_subthemes = max_subthemes
        self.min_subtheme_size = min_subtheme_size
        self.n_components = n_components
        self.cache = cache
        self.int8 = int8

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

    # --- fitting -----------------------------------------------------------

    def _check_params(self) -> None:
        if self.n_themes is not None and (
            isinstance(self.n_themes, bool) or not isinstance(self.n_themes, int)
            or self.n_themes < 1
        ):
            raise ValueError(f"n_themes must be a positive int or None, not {self.n_themes!r}")
        if not 0.0 <= self.tfidf_weight < 1.0:
            raise ValueError(f"tfidf_weight must be in [0, 1), not {self.tfidf_weight!r}")
        if self.max_subthemes < 0 or self.min_subtheme_size < 1:
            raise ValueError("max_subthemes must be >= 0 and min_subtheme_size >= 1")
        if self.lead_weight < 0 or (self.n_neighbors or 0) < 0 or self.smoothing_steps < 0:
            raise ValueError("lead_weight, n_neighbors and smoothing_steps must be >= 0")

    def _features(
        self, texts: list[str], lexical: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, int, float]:
        """Vectors to cluster, vectors whose means are stored as centroids, and
        the number of texts embedded and the seconds it took. ``lexical``:
        the texts' TF-IDF vectors, when already at hand."""
        if lexical is None:
            lexical = self.text_features_.transform(texts)
        if self.backend_ == "tfidf":
            return lexical, lexical, 0, 0.0
        embedded, n_embedded, seconds = self._embed(texts)
        if self.tfidf_weight == 0:
            return embedded, embedded, n_embedded, seconds
        combined = np.hstack(
            [np.sqrt(1 - self.tfidf_weight) * embedded, np.sqrt(self.tfidf_weight) * lexical]
        )
        return combined.astype(np.float32), embedded, n_embedded, seconds

    def _embed(self, texts: list[str]) -> tuple[np.ndarray, int, float]:
        """MiniLM vectors of ``texts``, each with its first clause's added."""
        leads = [lead_clause(t) if self.lead_weight > 0 else None for t in texts]
        with_lead = [i for i, lead in enumerate(leads) if lead is not None]
        vectors, n_embedded, seconds = self._embedder().embed(
            texts + [str(leads[i]) for i in with_lead], self.cache_
        )
        embedded = vectors[: len(texts)]
        if with_lead:
            embedded[with_lead] += self.lead_weight * vectors[len(texts) :]
        return normalize(embedded).astype(np.float32), n_embedded, seconds

    def _embedder(self) -> MiniLMEmbedder:
        # Models pickled before int8 existed were fitted in float32.
        return MiniLMEmbedder(int8=getattr(self, "int8", False))

    def _space(self) -> str:
        if self.backend_ == "minilm":
            return self._embedder().space
        # TF-IDF vectors only compare within one fitted vocabulary and basis.
        digest = hashlib.sha256("\n".join(self.text_features_.terms).encode("utf-8"))
        chars = getattr(self.text_features_, "chars_", None)
        if chars is not None:
            digest.update("\n".join(chars.get_feature_names_out()).encode("utf-8"))
        svd = self.text_features_.svd_
        if svd is not None:
            digest.update(np.round(svd.components_, 4).tobytes())
        return f"tfidf:{digest.hexdigest()[:16]}"

    def _candidates(self, texts: list[str], n_distinct: int) -> list[int]:
        if self.n_themes is not None:
            return [min(self.n_themes, n_distinct)]
        low, high = auto_theme_range(self.n_ideas_, len(texts))
        high = min(high, n_distinct)
        return list(range(min(low, high), high + 1))

    def fit(
        self, texts: Iterable[str], y: None = None, *, quotable: Iterable[bool] | None = None
    ) -> ThemeClusterer:
        """Find the themes of ``texts``.

        Parameters
        ----------
        texts : iterable of str
            The comments, one string each. Empty strings are non-answers.
        y : None
            Ignored; present for API consistency.
        quotable : iterable of bool, optional
            One per comment: whether it may be chosen as a quote of its theme
            or sub-theme (default: all). A comment that may not is clustered,
            counted and used for keywords and labels like any other; it is only
            never a quote (for example a possible safeguarding disclosure).

        Returns
        -------
        self : ThemeClusterer
            The fitted estimator.
        """
        self._check_params()
        items = [prepare(t) for t in _as_texts(texts)]
        may_quote = _as_quotable(quotable, len(items))
        rng = check_random_state(self.random_state)
        seed = int(rng.randint(np.iinfo(np.int32).max))
        self.backend_ = resolve_backend(self.backend)
        self.cache_ = self.cache if self.cache is not None else InMemoryEmbeddingCache()
        self.n_embedded_, self.embedding_seconds_ = 0, 0.0
        self.labels_ = np.full(len(items), NON_ANSWER_ID, dtype=int)
        self.subtheme_labels_ = np.full(len(items), NON_ANSWER_ID, dtype=int)
        non = np.array([is_non_answer(t) for t in items], dtype=bool)
        answers = np.flatnonzero(~non)
        answer_texts = [items[i] for i in answers]
        # The SVD basis has a fixed seed: it describes the data, and a basis that
        # moved with random_state would make themes needlessly seed-dependent.
        self.text_features_ = TextFeatures(
            self.n_components, 0, char_ngrams=self.backend_ == "tfidf"
        )
        lexical, counts = self.text_features_.fit_transform(answer_texts)
        self.split_: ThemeSplit | None = None
        self.n_ideas_ = len({idea_form(t) for t in answer_texts})
        themes: list[Theme] = []
        if len(answers):
            themes = self._fit_themes(
                answer_texts, answers, seed, len(items), lexical, counts, may_quote[answers]
            )
        if non.any():
            rows = np.flatnonzero(non)
            themes.append(
                non_answer_theme([items[i] for i in rows], len(items), may_quote[rows])
            )
        self.themes_ = themes
        self.n_themes_ = sum(not t.is_non_answer for t in themes)
        return self

    def _fit_themes(
        self, texts: list[str], rows: np.ndarray, seed: int, n_total: int,
        lexical: np.ndarray, counts: Any, quotable: np.ndarray,
    ) -> list[Theme]:
        features, centroid_features, self.n_embedded_, self.embedding_seconds_ = (
            self._features(texts, lexical)
        )
        n_distinct = count_distinct(features)
        candidates = self._candidates(texts, n_distinct)
        per_theme = FINE_PER_THEME[self.backend_]
        n_fine = self.n_fine_clusters or max(per_theme * max(candidates), 100)
        n_fine = max(min(n_fine, n_distinct), max(candidates))
        # A neighbourhood of at most a quarter of an average theme (in distinct
        # comments, as neighbours are), so small inputs are not blurred into
        # one point.
        wanted = NEIGHBOURS[self.backend_] if self.n_neighbors is None else self.n_neighbors
        n_neighbors = min(wanted, n_distinct // (4 * max(candidates)))
        self.smoother_ = NeighbourSmoother(n_neighbors, self.smoothing_steps, seed)
        smoothed = self.smoother_.fit_transform(features)
        if n_neighbors > 0:  # averaging can make near-repeats into repeats
            n_distinct = count_distinct(smoothed)
            candidates = sorted({min(k, n_distinct) for k in candidates})
            n_fine = min(n_fine, n_distinct)
        self.split_ = split_into_themes(smoothed, candidates, n_fine, seed)
        labels = self.split_.labels
        n_themes = int(labels.max()) + 1
        sublabels = np.zeros(len(texts), dtype=int)
        if self.max_subthemes >= 2:
            for theme_id in range(n_themes):
                members = np.flatnonzero(labels == theme_id)
                sublabels[members] = split_theme(
                    smoothed[members], seed, self.min_subtheme_size, self.max_subthemes
                )
        self.labels_[rows] = labels
        self.subtheme_labels_[rows] = sublabels
        group = Grouping(
            texts=texts,
            features=features,
            centroid_features=centroid_features,
            counts=counts,
            terms=self.text_features_.terms,
            labels=labels,
            sublabels=sublabels,
            n_themes=n_themes,
            space=self._space(),
            quotable=quotable,
        )
        return describe_themes(group, n_total)

    # --- using a fitted model ----------------------------------------------

    def predict(self, texts: Iterable[str]) -> np.ndarray:
        """Assign comments (for example from a later wave) to the fitted themes.

        Parameters
        ----------
        texts : iterable of str

        Returns
        -------
        labels : ndarray of shape (n_comments,)
            Theme id of each comment; non-answers get ``NON_ANSWER_ID``. If
            the fit saw no answers at all, every comment gets
            ``NON_ANSWER_ID``.
        """
        check_is_fitted(self, "themes_")
        items = [prepare(t) for t in _as_texts(texts)]
        labels = np.full(len(items), NON_ANSWER_ID, dtype=int)
        answers = [i for i, t in enumerate(items) if not is_non_answer(t)]
        if answers and self.split_ is not None:
            features = self._features([items[i] for i in answers])[0]
            labels[answers] = self.split_.predict(self.smoother_.transform(features))
        return labels

    @property
    def cluster_centers_(self) -> np.ndarray:
        """Centre of each theme in the clustering space, in theme-id order."""
        check_is_fitted(self, "themes_")
        if self.split_ is None:
            return np.zeros((0, 0))
        return self.split_.model.cluster_centers_[self.split_.order]
