"""Fakes shipped for tests and benchmarks, as haystack ships its mock embedder: nothing in the
application imports this module. ``HashEmbeddings`` embeds without a model, so a test of the
index's bookkeeping, or a benchmark of its costs, needs neither the model nor its time."""

from __future__ import annotations

import hashlib

import numpy as np

from app.index import LotseEmbeddings

__all__ = ["HashEmbeddings"]


class HashEmbeddings(LotseEmbeddings):
    """A deterministic fake embedder: fast, for tests of bookkeeping, not of meaning.

    A text's vector is drawn from a generator seeded with its hash (the first 4 bytes of its
    SHA-256, little endian), L2-normalised float32 of ``dim`` dimensions. ``id`` is what the
    index records, so an index built with it opens only with an embedder of the same id.
    ``calls`` counts the texts embedded.
    """

    def __init__(self, dim: int = 16, id: str = "fake:hash") -> None:
        super().__init__()
        self.dim, self.id = dim, id
        self.calls = 0

    def _embed(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        self.calls += len(texts)
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")
            v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
            rows.append(v / np.linalg.norm(v))
        return np.stack(rows)
