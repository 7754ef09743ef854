"""A disk cache of embeddings, so evaluation runs embed each OMoS line once per embedder."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from app.index import LotseEmbeddings

BATCH = 64
OMOS_CACHE_DIR = Path("var/cache/omosqa")


class VectorCache:
    """``query``/``passages`` like the embedder, remembered in ``<folder>/<embedder>.npz``."""

    def __init__(self, embeddings: LotseEmbeddings, folder: Path) -> None:
        self.embeddings = embeddings
        self.path = folder / f"{hashlib.sha1(embeddings.id.encode()).hexdigest()[:12]}.npz"
        self._vectors: dict[str, np.ndarray] = {}
        if self.path.is_file():
            with np.load(self.path) as stored:
                self._vectors = {key: stored[key] for key in stored.files}
        self._dirty = False

    @staticmethod
    def _key(text: str, is_query: bool) -> str:
        return hashlib.sha1(f"{'q' if is_query else 'p'}\n{text}".encode()).hexdigest()

    def passages(self, texts: list[str]) -> np.ndarray:
        """The passage vectors of ``texts``, one row each; those not cached yet are embedded in batches."""
        missing = list(dict.fromkeys(t for t in texts if self._key(t, False) not in self._vectors))
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            for text, vector in zip(batch, self.embeddings.embed_documents(batch)):
                self._vectors[self._key(text, False)] = np.asarray(vector, dtype=np.float32)
            self._dirty = True
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([self._vectors[self._key(t, False)] for t in texts])

    def query(self, text: str) -> np.ndarray:
        """The query vector of ``text``, embedded once."""
        key = self._key(text, True)
        if key not in self._vectors:
            self._vectors[key] = np.asarray(self.embeddings.embed_query(text), dtype=np.float32)
            self._dirty = True
        return self._vectors[key]

    def save(self) -> None:
        """Write the cache to its file if anything was added since it was read."""
        if self._dirty:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(self.path, allow_pickle=False, **self._vectors)
            self._dirty = False
