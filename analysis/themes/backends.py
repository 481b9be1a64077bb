"""Turning comments into vectors: TF-IDF features, and the choice of backend.

:class:`TextFeatures` is always fitted: it gives the ``tfidf`` backend its
vectors, gives keywords their counts, and adds a little lexical signal to the
``minilm`` backend, whose sentence embeddings come from
:class:`analysis.embeddings.MiniLMEmbedder` (shared with the safeguarding screen).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import (
    CountVectorizer,
    TfidfTransformer,
    TfidfVectorizer,
)
from sklearn.preprocessing import normalize

from analysis.embeddings import minilm_available
from analysis.text import STOP_WORDS, tfidf_preprocess

__all__ = [
    "BACKENDS",
    "TextFeatures",
    "lead_clause",
    "words_and_phrases",
    "resolve_backend",
]

#: The backends a :class:`~analysis.themes.ThemeClusterer` accepts.
BACKENDS = ("auto", "tfidf", "minilm")

# Words of two or more characters, keeping inner apostrophes ("didn't").
TOKEN_PATTERN = r"(?u)\b\w[\w']*\w\b"
_TOKEN = re.compile(TOKEN_PATTERN)
# Where a two-word phrase may not cross: sentence and clause punctuation, brackets,
# and a dash standing between words (not the hyphen of "drop-in").
_PHRASE_BREAK = re.compile(r"[.,;:!?()\[\]{}\"]+|\s[-–—]+\s|[–—]")


# A clause ends at sentence punctuation, or at a comma, colon or dash after a word.
_CLAUSE_END = re.compile(r"(?<=[^\W\d_])\s*[,:;.!?\-–—]+\s+|\s*[.;!?]+\s*")
_LETTER = re.compile(r"[^\W\d_]")
# Openers that are not the point: "Honestly, ...", "For me, ...", "Overall, ...".
_OPENERS = frozenset(
    ["honestly", "really", "personally", "overall", "generally", "basically", "for", "me",
     "i", "think", "to", "be", "honest", "tbh", "well", "so", "yes", "yeah", "ok", "okay",
     "thanks", "thank", "you", "hi", "hello", "also", "just", "and", "but", "um", "erm",
     "firstly", "first", "of", "all"]
)


def words_and_phrases(text: str) -> list[str]:
    """The terms of ``text`` the TF-IDF vectors count: its words that are not
    stop words, and each pair of such words that follow each other within a
    clause.

    It is the analyser scikit-learn builds from ``token_pattern``,
    ``stop_words`` and ``ngram_range=(1, 2)``, except that no phrase crosses
    punctuation: "The coffee machine, when it isn't broken. Joking aside, my
    colleagues" has no "broken joking" (which had become a theme's label).

    Examples
    --------
    >>> words_and_phrases("Kind staff. Food cold")
    ['kind', 'staff', 'kind staff', 'food', 'cold', 'food cold']
    """
    terms: list[str] = []
    for clause in _PHRASE_BREAK.split(tfidf_preprocess(text)):
        words = [w for w in _TOKEN.findall(clause) if w not in STOP_WORDS]
        terms += words
        terms += [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    return terms


def lead_clause(text: str) -> str | None:
    """The first clause of ``text`` when more follows, else None.

    Respondents put their main point first: "Nothing, the staff were lovely"
    answers "what could be better?" with "nothing", and "Very kind. The food
    was cold" is mostly about kindness. The minilm backend adds the embedding
    of this clause to the comment's own. An opener that is not a point
    ("Honestly,", "For me,") is skipped: the clause after it is the point.

    Examples
    --------
    >>> lead_clause("Nothing, the staff were lovely.")
    'Nothing'
    >>> lead_clause("No. Everything was fine"), lead_clause("Honestly, it was fine")
    ('No', 'it was fine')
    >>> lead_clause("Nothing to add") is None
    True
    """
    parts = [part.strip() for part in _CLAUSE_END.split(text) if _LETTER.search(part)]
    if len(parts) < 2:
        return None
    if set(parts[0].lower().split()) <= _OPENERS:
        return parts[1]
    return parts[0]


def resolve_backend(backend: str) -> str:
    """Return the backend to use for ``backend`` ("auto" picks minilm when installed).

    Raises
    ------
    ValueError
        If ``backend`` is not one of :data:`BACKENDS`.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
    if backend == "auto":
        return "minilm" if minilm_available() else "tfidf"
    return backend


class TextFeatures:
    """Word counts, TF-IDF and its reduction by truncated SVD, fitted together.

    Parameters
    ----------
    n_components : int
        Dimensions kept by the SVD (fewer when the vocabulary is small).
    random_state : int
        Seed of the randomised SVD.
    char_ngrams : bool
        Also weight character 3-5-grams within words (TF-IDF, sublinear)
        and reduce them with the words. "nurse" and "nurses", "helpful" and
        "helped", "recieve" and "receive" then share features, which short
        comments need: on the development set the tfidf backend's NMI rose
        from 0.164 to 0.181 (mean of six seeds). Keywords still come from
        the words only (:meth:`counts`, :attr:`terms`). The minilm backend
        does not use them: its embeddings already know that "nurses" are
        "nurse".
    """

    def __init__(
        self, n_components: int = 200, random_state: int = 0, char_ngrams: bool = False
    ) -> None:
        self.n_components = n_components
        self.random_state = random_state
        self.char_ngrams = char_ngrams

    def fit(self, texts: Sequence[str]) -> TextFeatures:
        """Learn the vocabulary, the IDF weights and the SVD basis from ``texts``."""
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts: Sequence[str]) -> tuple[np.ndarray, sp.csr_matrix]:
        """Fit on ``texts`` and return their vectors (as :meth:`transform`) and
        binary counts (as :meth:`counts`), without reading the texts again."""
        min_df = 2 if len(texts) >= 50 else 1
        self.chars_: TfidfVectorizer | None = None
        self.counter_: CountVectorizer | None = CountVectorizer(
            analyzer=words_and_phrases,
            min_df=min_df,
            dtype=np.float32,
        )
        try:
            counts = self.counter_.fit_transform(texts)
        except ValueError:  # no word at all: emoji, punctuation, an unknown script
            self.counter_ = None
            self.svd_ = None
            return self.transform(texts), self.counts(texts)
        self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(counts)
        weighted = self.tfidf_.transform(counts)
        if self.char_ngrams:
            self.chars_ = TfidfVectorizer(
                preprocessor=tfidf_preprocess,
                analyzer="char_wb",
                ngram_range=(3, 5),
                min_df=min_df,
                sublinear_tf=True,
                dtype=np.float32,
            )
            try:
                weighted = sp.hstack([weighted, self.chars_.fit_transform(texts)]).tocsr()
            except ValueError:  # words but no 3-character n-gram seen twice
                self.chars_ = None
        n_terms = weighted.shape[1]
        n_components = min(self.n_components, n_terms - 1, counts.shape[0] - 1)
        self.svd_ = None
        if n_components >= 2 and n_terms > self.n_components:
            self.svd_ = TruncatedSVD(n_components, random_state=self.random_state)
            self.svd_.fit(weighted)
        binary = sp.csr_matrix(counts)
        binary.data[:] = 1.0
        return self._reduce(weighted), binary

    @property
    def terms(self) -> np.ndarray:
        """The fitted vocabulary, in column order."""
        if self.counter_ is None:
            return np.array([], dtype=object)
        return self.counter_.get_feature_names_out()

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Binary document-term matrix (one row per text)."""
        if self.counter_ is None:
            return sp.csr_matrix((len(texts), 0), dtype=np.float32)
        matrix = sp.csr_matrix(self.counter_.transform(texts))
        matrix.data[:] = 1.0
        return matrix

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length dense vectors (zero rows for texts with no known word)."""
        if self.counter_ is None:
            return np.zeros((len(texts), 1), dtype=np.float32)
        weighted = self.tfidf_.transform(self.counter_.transform(texts))
        chars = getattr(self, "chars_", None)  # models pickled before it existed have none
        if chars is not None:
            weighted = sp.hstack([weighted, chars.transform(texts)]).tocsr()
        return self._reduce(weighted)

    def _reduce(self, weighted: sp.csr_matrix) -> np.ndarray:
        reduced = weighted.toarray() if self.svd_ is None else self.svd_.transform(weighted)
        return normalize(np.asarray(reduced, dtype=np.float32))
