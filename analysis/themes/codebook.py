"""Building :class:`Theme` and :class:`SubTheme` records from a clustering."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .describe import (
    LABEL_CHARS,
    class_tfidf,
    display_case,
    distinct_rows,
    idea_form,
    keyword_scores,
    keywords_for,
    label_from,
    min_support_for,
    names_something,
    pick_quotes,
    profile_for,
    quote_label,
    readable_phrases,
    spell_out,
    spelled_out,
)
from .records import NON_ANSWER_ID, SubTheme, Theme

__all__ = ["Grouping", "non_answer_theme", "describe_themes"]

NON_ANSWER_LABEL = "No answer"


@dataclass
class Grouping:
    """The comments that were clustered, and what the clustering made of them.

    ``texts``, ``features``, ``counts``, ``labels``, ``sublabels`` and
    ``quotable`` are aligned: one row per clustered (not non-answer) comment.
    ``quotable`` says which comments may be quotes (``None``: all).
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
    quotable: np.ndarray | None = None

    def may_quote(self, rows: np.ndarray) -> np.ndarray | None:
        """Which of ``rows`` may be quoted (``None``: all)."""
        return None if self.quotable is None else self.quotable[rows]


def _describe(
    texts: Sequence[str], features: np.ndarray, weights: np.ndarray, support: np.ndarray,
    terms: np.ndarray, fallback: str, expansions: dict[str, str] | None = None,
    quotable: np.ndarray | None = None,
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """Label, keywords and quotes of one group.

    ``weights`` and ``support`` are the group's row of :func:`class_tfidf`
    computed over distinct comments (see :func:`_distinct_tfidf`);
    ``expansions`` spell out two-letter words in the label (see
    :func:`~analysis.themes.describe.spelled_out`); ``quotable`` (one bool per
    comment, ``None`` for all) says which comments may be quotes.
    """
    forms = sorted({idea_form(t) for t in texts})
    n_distinct = len(forms)
    min_support = min_support_for(n_distinct)
    scores = keyword_scores(weights, support, n_distinct)
    keywords = keywords_for(scores, support, terms, min_support=min_support, forms=forms)
    if not keywords:  # no term shared by enough comments: the best terms of any
        keywords = keywords_for(scores, support, terms, min_support=1, forms=forms)
    quotes = pick_quotes(texts, features, quotable=quotable)
    phrases = readable_phrases(scores, support, terms, min_support, forms)
    label = label_from(keywords, "", forms=forms, min_together=min_support, phrases=phrases)
    if not label and quotes:  # keywords that name nothing: the most central comment
        label = quote_label(quotes[0], scores, terms)
    label = display_case(label, texts) if label else fallback
    return spell_out(label, expansions or {}), keywords, quotes


def _distinct_tfidf(
    texts: Sequence[str], counts: sp.csr_matrix, labels: np.ndarray, n_classes: int
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`class_tfidf` with each distinct comment counted once per class,
    so a comment repeated many times does not make its rare phrases keywords."""
    keep = distinct_rows(texts, labels)
    if len(keep) == 0:
        return class_tfidf(counts, labels, n_classes)
    return class_tfidf(counts[keep], labels[keep], n_classes)


def _subthemes(
    group: Grouping, members: np.ndarray, theme_id: int, expansions: dict[str, str]
) -> tuple[SubTheme, ...]:
    sublabels = group.sublabels[members]
    n_sub = int(sublabels.max()) + 1 if len(sublabels) else 0
    if n_sub < 2:
        return ()
    member_texts = [group.texts[int(i)] for i in members]
    weights, support = _distinct_tfidf(member_texts, group.counts[members], sublabels, n_sub)
    records = []
    for sub_id in range(n_sub):
        rows = members[sublabels == sub_id]
        label, keywords, quotes = _describe(
            [group.texts[int(i)] for i in rows], group.features[rows], weights[sub_id],
            support[sub_id], group.terms, fallback=f"Sub-theme {theme_id}.{sub_id}",
            expansions=expansions, quotable=group.may_quote(rows),
        )
        records.append(
            SubTheme(sub_id, label, keywords, quotes, len(rows), len(rows) / len(members))
        )
    return tuple(records)


def _unique_label(
    label: str, keywords: Sequence[str], taken: set[str], expansions: dict[str, str]
) -> str:
    """``label``, or when another theme has it, ``label`` with the first keyword
    that names something and is not in it ("PA" and "PA and job"); a
    keyword is in it when its spelled-out form is ("sw" in "Social worker")."""
    if label not in taken:
        return label
    words = set(label.lower().split())
    extra = next(
        (k for k in keywords if names_something(k)
         and not set(spell_out(k, expansions).lower().split()) & words),
        None,
    )
    joined = f"{label} and {extra}" if extra else label
    return joined if len(joined) <= LABEL_CHARS else label


def describe_themes(group: Grouping, n_total: int) -> list[Theme]:
    """One :class:`Theme` per cluster of ``group``, in id order.

    ``n_total`` is the number of comments fitted, non-answers included, and
    is the base of each theme's ``share``. Keywords and labels count each
    distinct comment once; the stored ``profile`` (used to match themes
    across waves) keeps the plain class-based TF-IDF of all comments.
    """
    weights, _ = class_tfidf(group.counts, group.labels, group.n_themes)
    distinct_weights, distinct_support = _distinct_tfidf(
        group.texts, group.counts, group.labels, group.n_themes
    )
    expansions = spelled_out(group.terms, np.asarray(group.counts.sum(axis=0)).ravel())
    themes: list[Theme] = []
    for theme_id in range(group.n_themes):
        members = np.flatnonzero(group.labels == theme_id)
        label, keywords, quotes = _describe(
            [group.texts[int(i)] for i in members], group.features[members],
            distinct_weights[theme_id], distinct_support[theme_id], group.terms,
            fallback=f"Theme {theme_id}", expansions=expansions,
            quotable=group.may_quote(members),
        )
        label = _unique_label(label, keywords, {t.label for t in themes}, expansions)
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
                subthemes=_subthemes(group, members, theme_id, expansions),
                centroid=tuple(round(float(v), 6) for v in (centre / norm if norm else centre)),
                space=group.space,
                profile=profile_for(weights[theme_id], group.terms),
            )
        )
    return themes


def non_answer_theme(
    texts: Sequence[str], n_total: int, quotable: Sequence[bool] | np.ndarray | None = None
) -> Theme:
    """The group of non-answers; its quotes are the most frequent forms of the
    comments that may be quoted (``quotable``, one bool per text; default all)."""
    allowed = [True] * len(texts) if quotable is None else list(quotable)
    forms = Counter(" ".join(t.split()) for t, ok in zip(texts, allowed, strict=True) if ok)
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
