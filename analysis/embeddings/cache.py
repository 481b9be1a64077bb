"""Where sentence embeddings are kept between runs.

Embedding is the slow step of a theme run, so vectors are stored under the
sha256 of the normalised, redacted text (:func:`analysis.text.text_key`), and
a re-run embeds only comments it has not seen. The application backs the
protocol with a database table; :class:`InMemoryEmbeddingCache` is the
default. One cache holds the vectors of one model.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

__all__ = ["EmbeddingCache", "FileEmbeddingCache", "InMemoryEmbeddingCache"]


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


class FileEmbeddingCache(InMemoryEmbeddingCache):
    """An :class:`EmbeddingCache` kept in one ``.npz`` file, for benchmarks and
    scripts that re-fit the same comments across processes.

    The file is read when the cache is created and rewritten (atomically) by
    every :meth:`put_many`; it holds two arrays, ``keys`` and ``vectors``.

    Parameters
    ----------
    path : str or Path
        The file; created (with its directory) on the first write.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self.path = Path(path)
        if self.path.exists():
            with np.load(self.path, allow_pickle=False) as stored:
                super().put_many(dict(zip(stored["keys"].tolist(), stored["vectors"],
                                          strict=True)))

    def put_many(self, mapping: Mapping[str, np.ndarray]) -> None:
        """Store vectors and rewrite the file."""
        super().put_many(mapping)
        if not mapping:
            return
        keys = sorted(self._vectors)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".npz")
        with os.fdopen(handle, "wb") as out:
            np.savez(out, keys=np.array(keys), vectors=np.vstack([self._vectors[k] for k in keys]))
        os.replace(temporary, self.path)
