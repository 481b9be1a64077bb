"""Building :class:`Theme` and :class:`SubTheme` records from a clustering."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .describe import class_tfidf, keywords_for, label_from, pick_quotes, profile_for
from .records import NON_ANSWER_ID, SubTheme, Theme

__all__ = ["Grouping", "non_answer_theme", "describe_themes"]

NON_ANSWER_LABEL = "No answer"


@dataclass
class Grouping:
    """The comments that were clustered, and what the clustering made of them.

    ``texts``, ``features``, ``counts``, ``labels`` and ``sublabels`` are
    aligned: one row per clustered (not non-answer) comment.
    """

    texts: Sequence[str]
    features: np.ndarray
    centroid_features: np.ndarray
    counts: sp.csr_matrix
    terms: np.ndarray
    labels: np.ndarray
    sublabels: np.ndarray
    n_themes: int
    space: str


def _describe(
    texts: Sequence[str], features: np.ndarray, weights: np.ndarray, support: np.ndarray,
    terms: np.ndarray, fallback: str,
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    keywords = keywords_for(weights, support, terms, min_support=2 if len(texts) >= 10 else 1)
    quotes = pick_quotes(texts, features)
    label = label_from(keywords, fallback=fallback)
    return label, keywords, quotes


def _subthemes(group: Grouping, members: np.ndarray, theme_id: int) -> tuple[SubTheme, ...]:
    sublabels = group.sublabels[members]
    n_sub = int(sublabels.max()) + 1 if len(sublabels) else 0
    if n_sub < 2:
        return ()
    weights, support = class_tfidf(group.counts[members], sublabels, n_sub)
    records = []
    for sub_id in range(n_sub):
        rows = members[sublabels == sub_id]
        label, keywords, quotes = _describe(
            [group.texts[int(i)] for i in rows], group.features[rows], weights[sub_id],
            support[sub_id], group.terms, fallback=f"Sub-theme {theme_id}.{sub_id}",
        )
        records.append(
            SubTheme(sub_id, label, keywords, quotes, len(rows), len(rows) / len(members))
        )
    return tuple(records)


def describe_themes(group: Grouping, n_total: int) -> list[Theme]:
    """One :class:`Theme` per cluster of ``group``, in id order.

    ``n_total`` is the number of comments fitted, non-answers included, and
    is the base of each theme's ``share``.
    """
    weights, support = class_tfidf(group.counts, group.labels, group.n_themes)
    themes = []
    for theme_id in range(group.n_themes):
        members = np.flatnonzero(group.labels == theme_id)
        label, keywords, quotes = _describe(
            [group.texts[int(i)] for i in members], group.features[members], weights[theme_id],
            support[theme_id], group.terms, fallback=f"Theme {theme_id}",
        )
        centre = group.centroid_features[members].mean(axis=0)
        norm = float(np.linalg.norm(centre))
        themes.append(
            Theme(
                id=theme_id,
                label=label,
                keywords=keywords,
                quotes=quotes,
                size=len(members),
                share=len(members) / n_total,
                subthemes=_subthemes(group, members, theme_id),
                centroid=tuple(round(float(v), 6) for v in (centre / norm if norm else centre)),
                space=group.space,
                profile=profile_for(weights[theme_id], group.terms),
            )
        )
    return themes


def non_answer_theme(texts: Sequence[str], n_total: int) -> Theme:
    """The group of non-answers; its quotes are the most frequent forms."""
    forms = Counter(" ".join(t.split()) for t in texts)
    quotes = tuple(form for form, _ in forms.most_common(5) if form)
    return Theme(
        id=NON_ANSWER_ID,
        label=NON_ANSWER_LABEL,
        keywords=(),
        quotes=quotes,
        size=len(texts),
        share=len(texts) / n_total,
        is_non_answer=True,
    )
