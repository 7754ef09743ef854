"""Chunk rows as a reader of one generation sees them, each read from Chroma once.

A row's text, vector and visibility at a fixed generation never change (an ingest adds new rows
and only moves a retired row's ``died`` past that generation), so a reader keeps the rows it has
read in a bounded least-recently-used cache: a question reads from Chroma only the rows no earlier
question fetched. Fetching a row's document and metadata costs Chroma about as much as the search
that found it."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from cachetools import LRUCache
from chromadb.api.models.Collection import Collection

ROWS_KEPT = 4096
"""Rows a reader keeps (about 4 KB each: text, metadata and a 384-dimensional vector)."""


@dataclass(frozen=True)
class ChunkRow:
    """One chunk as stored: its text, metadata and embedding."""

    text: str
    meta: dict[str, Any]
    vector: np.ndarray


class ChunkRows:
    """The rows of one collection, fetched by id and kept (thread-safe: the web chat answers in
    several threads)."""

    def __init__(self, chunks: Collection, kept: int = ROWS_KEPT) -> None:
        self.chunks = chunks
        self._kept: LRUCache[str, ChunkRow] = LRUCache(maxsize=kept)
        self._lock = threading.Lock()

    def get(self, ids: Sequence[str]) -> dict[str, ChunkRow]:
        """The stored rows of these ids (ids the collection does not hold are left out)."""
        with self._lock:
            found = {cid: row for cid in ids if (row := self._kept.get(cid)) is not None}
        missing = [cid for cid in dict.fromkeys(ids) if cid not in found]
        if missing:
            got = self.chunks.get(ids=missing, include=["documents", "metadatas", "embeddings"])
            vectors = got["embeddings"] if got["embeddings"] is not None else []
            fetched = {
                cid: ChunkRow(str(text), dict(meta), np.asarray(vector, dtype=np.float32))
                for cid, text, meta, vector in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], vectors)
            }
            with self._lock:
                self._kept.update(fetched)
            found.update(fetched)
        return found
