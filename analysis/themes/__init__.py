"""Theme analysis of free-text comments.

The entry point is :class:`ThemeClusterer`, a scikit-learn style estimator::

    model = ThemeClusterer(random_state=0).fit(comments)
    model.labels_      # theme id of each comment (-1: non-answer)
    model.themes_      # list of Theme records: label, keywords, quotes, sub-themes
    model.predict(later_comments)

When a codebook is refitted, :func:`match_themes` and :func:`carry_over` keep
the ids and names of themes that are still there. See ``docs/themes.md``.
"""

from analysis.embeddings import (
    EmbeddingCache,
    FileEmbeddingCache,
    InMemoryEmbeddingCache,
    minilm_available,
)

from .backends import BACKENDS
from .estimator import ThemeClusterer
from .matching import carry_over, match_themes, similarity_matrix, stability_score
from .records import NON_ANSWER_ID, SubTheme, Theme, ThemeMatch

__all__ = [
    "BACKENDS",
    "NON_ANSWER_ID",
    "EmbeddingCache",
    "FileEmbeddingCache",
    "InMemoryEmbeddingCache",
    "SubTheme",
    "Theme",
    "ThemeClusterer",
    "ThemeMatch",
    "carry_over",
    "match_themes",
    "minilm_available",
    "similarity_matrix",
    "stability_score",
]
