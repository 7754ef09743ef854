"""The chunk rows a reader keeps: what Chroma stores, read from it once, and bounded."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from app.core import Settings
from app.index import Index, open_client, open_generation
from app.index.rows import ChunkRows
from app.testing import HashEmbeddings
from tests.conftest import ingest


class CountingChunks:
    """A chunk collection that records the ids each ``get`` asked for."""

    def __init__(self, chunks: Any) -> None:
        self.chunks, self.asked = chunks, []

    def get(self, **options: Any) -> Any:
        self.asked.append(list(options.get("ids") or []))
        return self.chunks.get(**options)


@pytest.fixture
def index(tmp_settings: Settings) -> Index:
    ingest(tmp_settings)
    return open_generation(open_client(tmp_settings), tmp_settings, HashEmbeddings())[0]


def test_rows_are_what_chroma_stores_and_are_read_once(index: Index) -> None:
    ids = index.chunks.get(limit=5, include=[])["ids"]
    stored = index.chunks.get(ids=ids, include=["documents", "metadatas", "embeddings"])
    counting = CountingChunks(index.chunks)
    rows = ChunkRows(counting)  # type: ignore[arg-type]

    first = rows.get(ids)
    for cid, text, meta, vector in zip(stored["ids"], stored["documents"], stored["metadatas"], stored["embeddings"]):
        assert (first[cid].text, first[cid].meta) == (text, meta)
        assert np.allclose(first[cid].vector, vector)
    assert rows.get(list(reversed(ids[:3]))).keys() == set(ids[:3])
    again = rows.get([*ids, "no-such-chunk"])
    assert again.keys() == set(ids)
    assert counting.asked == [ids, ["no-such-chunk"]]  # kept rows are not read again; unknown ids are asked for


def test_rows_kept_are_bounded(index: Index) -> None:
    ids = index.chunks.get(limit=3, include=[])["ids"]
    counting = CountingChunks(index.chunks)
    rows = ChunkRows(counting, kept=2)  # type: ignore[arg-type]
    assert rows.get(ids).keys() == set(ids)  # all returned, although only two are kept
    rows.get(ids[2:])
    rows.get(ids[:1])
    assert counting.asked == [ids, ids[:1]]  # the least recently used row was let go and is read again
