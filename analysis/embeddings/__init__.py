"""Sentence embeddings shared by themes and the safeguarding screen.

:class:`MiniLMEmbedder` turns texts into all-MiniLM-L6-v2 vectors; an
:class:`EmbeddingCache` keeps them by text hash so a text is embedded once.
"""

from .cache import EmbeddingCache, FileEmbeddingCache, InMemoryEmbeddingCache
from .minilm import (
    DIMENSIONS,
    MiniLMEmbedder,
    int8_available,
    load_minilm,
    minilm_available,
    use_threads,
)

__all__ = [
    "DIMENSIONS",
    "EmbeddingCache",
    "FileEmbeddingCache",
    "InMemoryEmbeddingCache",
    "MiniLMEmbedder",
    "int8_available",
    "load_minilm",
    "minilm_available",
    "use_threads",
]
