"""Plain, frozen records describing a fitted codebook of themes.

They hold only numbers, strings and tuples, so the application can store them
as they are (for example as JSON) and hand them back to
:func:`analysis.themes.match_themes` when a codebook is refitted.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NON_ANSWER_ID", "SubTheme", "Theme", "ThemeMatch"]

#: The theme id (and the value in ``ThemeClusterer.labels_``) of non-answers
#: such as "n/a", "nothing to add" or "-". They are counted, never clustered.
NON_ANSWER_ID = -1


@dataclass(frozen=True)
class SubTheme:
    """A finer group of comments inside one :class:`Theme`.

    Attributes
    ----------
    id : int
        Position of the sub-theme inside its parent, from 0 (the largest).
    label : str
        Short name built from the keywords.
    keywords : tuple of str
        One- and two-word phrases that set this sub-theme apart from its
        siblings (class-based TF-IDF within the parent theme).
    quotes : tuple of str
        Up to five redacted comments, central and varied.
    size : int
        Number of comments.
    share : float
        ``size`` divided by the size of the parent theme.
    """

    id: int
    label: str
    keywords: tuple[str, ...]
    quotes: tuple[str, ...]
    size: int
    share: float


@dataclass(frozen=True)
class Theme:
    """One theme of a codebook.

    Attributes
    ----------
    id : int
        Theme id, as used in ``labels_``. Fitted themes are numbered from 0 in
        decreasing size; :data:`NON_ANSWER_ID` marks the group of
        non-answers. After :func:`~analysis.themes.carry_over`, ids of matched
        themes are those of the older codebook.
    label : str
        Short name, built from the first keywords (people may rename it).
    keywords : tuple of str
        Up to ten one- and two-word phrases, most distinctive first.
    quotes : tuple of str
        Three to five redacted comments (fewer only in a smaller theme),
        chosen central and varied, preferring substantive comments.
    size : int
        Number of comments in the theme.
    share : float
        ``size`` divided by the number of comments fitted, non-answers
        included, so the shares of a codebook add up to 1.
    subthemes : tuple of SubTheme
        Finer groups, largest first; empty for small themes.
    centroid : tuple of float
        Mean of the members' unit vectors in the space named by ``space``.
    space : str
        Names the vector space of ``centroid``. Centroids are only compared
        when their spaces are equal.
    profile : tuple of (str, float)
        The theme's 30 heaviest class-based TF-IDF terms with their weights,
        used to match themes across feature spaces.
    is_non_answer : bool
        True for the group of non-answers.
    is_new : bool
        Set by :func:`~analysis.themes.carry_over` on themes with no match in the
        older codebook.
    """

    id: int
    label: str
    keywords: tuple[str, ...]
    quotes: tuple[str, ...]
    size: int
    share: float
    subthemes: tuple[SubTheme, ...] = ()
    centroid: tuple[float, ...] = ()
    space: str = ""
    profile: tuple[tuple[str, float], ...] = ()
    is_non_answer: bool = False
    is_new: bool = False


@dataclass(frozen=True)
class ThemeMatch:
    """How the themes of a refitted codebook relate to an older one.

    Attributes
    ----------
    pairs : tuple of (int, int, float)
        ``(old_id, new_id, similarity)`` for each matched pair, in decreasing
        similarity.
    new : tuple of int
        Ids (in the new codebook) of themes with no counterpart.
    gone : tuple of int
        Ids (in the old codebook) of themes with no counterpart.
    method : str
        ``"centroid"`` when centroids were compared, ``"profile"`` when the
        keyword profiles were (the two codebooks live in different spaces).
    """

    pairs: tuple[tuple[int, int, float], ...]
    new: tuple[int, ...]
    gone: tuple[int, ...]
    method: str

    @property
    def mapping(self) -> dict[int, int]:
        """New theme id to old theme id, for matched themes."""
        return {new_id: old_id for old_id, new_id, _ in self.pairs}
