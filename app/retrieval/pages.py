"""Every read at question time beyond the ranked chunks: the retrieved documents' sentences
with their stored vectors (a "page" for the sentence selector) and the referral passage."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property
from typing import cast

import numpy as np
from chromadb.api.types import Where

from app.core import STATEWIDE, RetrievedChunk, addresses_an_ai, names_place, without_source_note
from app.index import Index, Kept, is_visible

REFERRAL_PASSAGES = (
    "Heute verfügen alle Kreise und kreisfreien Städte in Nordrhein-Westfalen über ein Kommunales Integrationszentrum.",
    "Kommunale Integrationszentren gibt es flächendeckend in allen 54 kreisfreien Städten und Kreisen.",
)


@dataclass(frozen=True)
class Line:
    """One stored sentence of a document."""

    vector: np.ndarray
    text: str
    chunk_id: str
    order: tuple[int, int]  # (chunk position in the document, sentence position in the chunk)
    entities: frozenset[str] = frozenset()
    """Programmes and places the sentence and its document's title name (tagged at ingest)."""
    places: frozenset[str] = frozenset()
    """The places the sentence itself names, the whole Land included (tagged at ingest)."""


@dataclass(frozen=True)
class Page:
    """A document's committed sentences in document order."""

    doc_id: str
    lines: list[Line]

    @property
    def vectors(self) -> np.ndarray:
        """The lines' stored sentence vectors, one row per line."""
        return np.stack([line.vector for line in self.lines])

    @property
    def texts(self) -> list[str]:
        """The lines' texts, in document order."""
        return [line.text for line in self.lines]


REFERRAL_PROGRAMME = "Kommunale Integrationszentren"
"""The programme (as ingest tags it) whose local descriptions a referral to a place's KI cites."""
_NAMES_THE_KI = re.compile(r"Integrationszentr|\bKI\b")


@dataclass(frozen=True)
class Quoted:
    """A passage and the chunk it is quoted from."""

    chunk: RetrievedChunk
    passage: str


@dataclass(frozen=True)
class Referral(Quoted):
    """The chunk and passage saying every Kreis and kreisfreie Stadt has a KI, and, when the
    documents describe the asked place's KI, a sentence of that description naming both."""

    local: Quoted | None = None


PAGES_KEPT = 256
"""Pages a reader keeps: a page of a generation never changes, and reading one costs a Chroma
lookup, a read of its sentences and a search for planted orders."""


class PageReader:
    """Reads pages and the referral from the index, only rows of the index's generation, and
    keeps the pages it read.

    Rows are looked up by document and by id; the generation is checked on the fetched
    metadata (a range filter in Chroma costs ~20 ms at 12k chunks, the lookups ~7 ms)."""

    def __init__(self, index: Index, kept: int = PAGES_KEPT) -> None:
        self.index = index
        self._pages = Kept(self._read, kept)
        self._local_kis: dict[str, Quoted | None] = {}  # by Kreis or kreisfreie Stadt: 53 at most

    def pages(self, chunks: list[RetrievedChunk]) -> list[Page]:
        """The documents of these chunks as pages, in the order the documents first appear."""
        doc_ids = list(dict.fromkeys(c.doc_id for c in chunks))
        found = self._pages.get(doc_ids)
        return [found[doc_id] for doc_id in doc_ids if found[doc_id].lines]

    def _read(self, doc_ids: list[str]) -> dict[str, Page]:
        """These documents' pages from the index (a page without visible sentences is empty)."""
        rows = self.index.chunks.get(where=cast(Where, {"doc_id": {"$in": doc_ids}}), include=["metadatas"])
        position = {
            cid: int(str(meta.get("position", 0)))
            for cid, meta in zip(rows["ids"], rows["metadatas"] or [])
            if is_visible(meta, self.index.generation)
        }
        stored = self.index.sentences.of_chunks(list(position))
        orders = addresses_an_ai(
            "\n".join(s.text for s in stored)
        )  # one search; sentence by sentence only if the pages hold an order
        lines = [
            (s.doc_id, Line(s.vector, s.text, s.chunk_id, (position[s.chunk_id], s.position), s.entities, s.places))
            for s in stored
            if not (orders and addresses_an_ai(s.text))  # planted orders are data, never evidence
        ]
        lines.sort(key=lambda item: item[1].order)
        pages: dict[str, list[Line]] = {doc_id: [] for doc_id in doc_ids}
        for doc_id, line in lines:
            pages[doc_id].append(line)
        return {doc_id: Page(doc_id, found) for doc_id, found in pages.items()}

    @cached_property
    def referral(self) -> Referral | None:
        """The referral passage, if the index has it (read once)."""
        for passage in REFERRAL_PASSAGES:
            got = self.index.chunks.get(
                where=self.index.visible(), where_document={"$contains": passage}, include=["documents", "metadatas"]
            )
            for chunk_id, text, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or []):
                return Referral(RetrievedChunk.from_metadata(chunk_id, str(text), dict(meta)), passage)
        return None

    def referral_for(self, place: str | None) -> Referral | None:
        """The referral, with a sentence about ``place``'s own KI when the documents describe it
        (looked up once per place and generation; two threads asking at once both look it up and
        store the same)."""
        general = self.referral
        if general is None or place is None or place == STATEWIDE:
            return general
        if place not in self._local_kis:
            self._local_kis[place] = self._local_ki(place)
        return replace(general, local=self._local_kis[place])

    def _local_ki(self, place: str) -> Quoted | None:
        """The first sentence of the description of ``place``'s KI (a programme page whose title
        names the KI) that names the KI and the place (``names_place``). It is the document's
        first such sentence, not the most telling one: for Köln the corpus has only the
        ministers' visit of 2018."""
        about = [{"kind": "programme"}, {"programmes": {"$contains": REFERRAL_PROGRAMME}}, {"places": {"$contains": place}}]
        where = cast(Where, {"$and": [self.index.visible(), *about]})
        got = self.index.chunks.get(where=where, include=["documents", "metadatas"])
        rows = zip(got["ids"], got["documents"] or [], got["metadatas"] or [])
        chunks = {cid: RetrievedChunk.from_metadata(cid, str(text), dict(meta)) for cid, text, meta in rows}
        chunks = {cid: c for cid, c in chunks.items() if _NAMES_THE_KI.search(c.title)}  # the KI's own page, not one naming it
        for page in self.pages(list(chunks.values())):
            for line in page.lines:
                said = without_source_note(line.text).rstrip()
                sentence = said.endswith((".", "!"))  # not the title or a heading
                if sentence and line.chunk_id in chunks and names_place(said, place) and _NAMES_THE_KI.search(said):
                    return Quoted(chunks[line.chunk_id], line.text)
        return None
