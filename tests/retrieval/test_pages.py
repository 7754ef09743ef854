"""Pages for the sentence selector: a document's visible sentences in order, read once per reader."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from app.core import RetrievedChunk, Settings
from app.index import Index, open_client, open_generation
from app.retrieval.pages import PageReader
from app.testing import HashEmbeddings
from tests.conftest import ingest
from tests.index.test_rows import CountingChunks


@pytest.fixture
def index(tmp_settings: Settings) -> Index:
    ingest(tmp_settings)
    return open_generation(open_client(tmp_settings), tmp_settings, HashEmbeddings())[0]


def first_chunks(index: Index, documents: int) -> list[RetrievedChunk]:
    """One chunk of each of the first ``documents`` documents."""
    got = index.chunks.get(include=["documents", "metadatas"])
    chunks: dict[str, RetrievedChunk] = {}
    for cid, text, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or []):
        chunk = RetrievedChunk.from_metadata(cid, str(text), dict(meta))
        chunks.setdefault(chunk.doc_id, chunk)
    return list(chunks.values())[:documents]


def lines(pages: list[Any]) -> list[tuple[str, list[str]]]:
    return [(page.doc_id, page.texts) for page in pages]


def test_pages_are_read_once_and_kept_in_the_asked_order(index: Index) -> None:
    a, b, c = first_chunks(index, 3)
    counting = CountingChunks(index.chunks)
    reader = PageReader(dataclasses.replace(index, chunks=counting))  # type: ignore[arg-type]

    first = reader.pages([a, b])
    assert [p.doc_id for p in first] == [a.doc_id, b.doc_id]
    assert all(p.lines and [line.order for line in p.lines] == sorted(line.order for line in p.lines) for p in first)
    assert len(counting.asked) == 1

    later = reader.pages([c, b, a])
    assert lines(later) == lines(PageReader(index).pages([c, b, a]))  # what a reader without kept pages reads
    assert [p.doc_id for p in later] == [c.doc_id, b.doc_id, a.doc_id]
    assert len(counting.asked) == 2  # only c's document was read


def test_the_referral_quotes_the_asked_places_own_ki_once_looked_up(index: Index) -> None:
    counting = CountingChunks(index.chunks)
    reader = PageReader(dataclasses.replace(index, chunks=counting))  # type: ignore[arg-type]
    general = reader.referral_for(None)
    assert general is not None and general.local is None and "alle Kreise" in general.passage
    bonn = reader.referral_for("Bonn")
    assert bonn is not None and bonn.local is not None
    assert bonn.local.chunk.doc_id == "programmes/ki-bonn-und-kreis-minden-luebbecke"
    assert "der Stadt Bonn" in bonn.local.passage  # not the page's Minden-Lübbecke sentence, nor its title
    asked = len(counting.asked)
    assert reader.referral_for("Bonn") == bonn and len(counting.asked) == asked  # looked up once per place
    essen = reader.referral_for("Essen")
    assert essen is not None and essen.local is None  # the documents describe no KI of Essen
