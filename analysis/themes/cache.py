"""Where sentence embeddings are kept between runs.

Embedding is the slow step of a theme run, so vectors are stored under the
sha256 of the normalised, redacted text (:func:`analysis.text.text_key`), and
a re-run embeds only comments it has not seen. The application backs the
protocol with a database table; :class:`InMemoryEmbeddingCache` is the
default. One cache holds the vectors of one model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

__all__ = ["EmbeddingCache", "InMemoryEmbeddingCache"]


@runtime_checkable
class EmbeddingCache(Protocol):
    """Storage for embeddings keyed by text hash."""

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Return the stored vectors of those ``keys`` that are present."""
        ...

    def put_many(self, mapping: Mapping[str, np.ndarray]) -> None:
        """Store vectors, replacing any already stored under the same keys."""
        ...


class InMemoryEmbeddingCache:
    """An :class:`EmbeddingCache` in a dictionary, for one process.

    Copying a cache (as :func:`sklearn.base.clone` does with estimator
    parameters) returns the same object: a cache is shared, not owned.
    """

    def __init__(self) -> None:
        self._vectors: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._vectors)

    def __contains__(self, key: object) -> bool:
        return key in self._vectors

    def __copy__(self) -> InMemoryEmbeddingCache:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> InMemoryEmbeddingCache:
        return self

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Return the stored vectors of those ``keys`` that are present."""
        return {key: self._vectors[key] for key in keys if key in self._vectors}

    def put_many(self, mapping: Mapping[str, np.ndarray]) -> None:
        """Store vectors (as read-only float32 copies)."""
        for key, vector in mapping.items():
            stored = np.array(vector, dtype=np.float32)
            stored.flags.writeable = False
            self._vectors[key] = stored
