"""What a reader of one generation has read, kept: chunk rows here, pages in
``app.retrieval.pages``, both through ``Kept``.

A row's text, vector and visibility at a fixed generation never change (an ingest adds new rows
and only moves a retired row's ``died`` past that generation), so a reader keeps the rows it has
read in a bounded least-recently-used cache: a question reads from Chroma only the rows no earlier
question fetched. Fetching a row's document and metadata costs Chroma about as much as the search
that found it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np
from cachetools import LRUCache
from chromadb.api.models.Collection import Collection

V = TypeVar("V")
ROWS_KEPT = 4096
"""Rows a reader keeps (about 4 KB each: text, metadata and a 384-dimensional vector)."""


@dataclass(frozen=True)
class ChunkRow:
    """One chunk as stored: its text, metadata and embedding."""

    text: str
    meta: dict[str, Any]
    vector: np.ndarray


class Kept(Generic[V]):
    """Values read by key in batches and kept in a bounded least-recently-used cache
    (thread-safe: the web chat answers in several threads)."""

    def __init__(self, read: Callable[[list[str]], dict[str, V]], size: int) -> None:
        self.read = read
        self._kept: LRUCache[str, V] = LRUCache(maxsize=size)
        self._lock = threading.Lock()

    def get(self, keys: Sequence[str]) -> dict[str, V]:
        """The values of these keys: kept ones, the others read in one batch (keys ``read``
        finds nothing for are left out)."""
        with self._lock:
            found = {key: value for key in keys if (value := self._kept.get(key)) is not None}
        missing = [key for key in dict.fromkeys(keys) if key not in found]
        if missing:
            fresh = self.read(missing)
            with self._lock:
                self._kept.update(fresh)
            found.update(fresh)
        return found


class ChunkRows:
    """The rows of one collection, fetched by id and kept."""

    def __init__(self, chunks: Collection, kept: int = ROWS_KEPT) -> None:
        self.chunks = chunks
        self._rows = Kept(self._read, kept)

    def get(self, ids: Sequence[str]) -> dict[str, ChunkRow]:
        """The stored rows of these ids (ids the collection does not hold are left out)."""
        return self._rows.get(ids)

    def _read(self, ids: list[str]) -> dict[str, ChunkRow]:
        got = self.chunks.get(ids=ids, include=["documents", "metadatas", "embeddings"])
        vectors = got["embeddings"] if got["embeddings"] is not None else []
        return {
            cid: ChunkRow(str(text), dict(meta), np.asarray(vector, dtype=np.float32))
            for cid, text, meta, vector in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], vectors)
        }
