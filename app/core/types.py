"""The answer and its parts, serialised exactly as the ``lotse ask --json`` contract."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from app.core.text import STATEWIDE, names_place


@dataclass(frozen=True)
class RetrievedChunk:
    """A chunk the retriever returned, with the metadata the composer and UI need."""

    doc_id: str
    chunk_id: str
    score: float
    text: str
    title: str = ""
    date: str | None = None
    kind: str = ""
    places: tuple[str, ...] = ()
    url: str | None = None
    """The web page the document was fetched from (None for local files)."""

    @classmethod
    def from_metadata(cls, chunk_id: str, text: str, meta: dict[str, Any], score: float = 0.0) -> RetrievedChunk:
        """A chunk as stored in Chroma (metadata written by ingest; an empty date is None)."""
        return cls(
            doc_id=str(meta["doc_id"]),
            chunk_id=chunk_id,
            score=score,
            text=text,
            title=str(meta.get("title", "")),
            date=str(meta.get("date") or "") or None,
            kind=str(meta.get("kind", "")),
            places=tuple(str(p) for p in meta.get("places") or ()),
            url=str(meta.get("url") or "") or None,
        )

    def to_dict(self) -> dict[str, Any]:
        """The chunk as the ``lotse ask --json`` contract lists it: ids, score and text."""
        return {"doc_id": self.doc_id, "chunk_id": self.chunk_id, "score": self.score, "text": self.text}


@dataclass(frozen=True)
class Citation:
    """``[n]`` in the answer: the chunk and the verbatim passage it rests on."""

    n: int
    doc_id: str
    chunk_id: str
    title: str
    date: str | None
    quote: str
    url: str | None = None
    """The web page the quote is from, when the document came from the web."""
    place: str | None = None
    """The Kreis or kreisfreie Stadt a local document is about (None: statewide or several places)."""

    @property
    def place_to_show(self) -> str | None:
        """The document's place, unless its title names it already ("GriffbereitMini (Dortmund)")."""
        return self.place if self.place and not names_place(self.title, self.place) else None

    @property
    def undated(self) -> bool:
        """A press release or web page that states no date (shown as such, so its facts never look
        current). Programme descriptions are Lotse's own: each sentence's source note dates it."""
        return not self.date and not self.doc_id.startswith("programmes/")

    @classmethod
    def of(cls, n: int, chunk: RetrievedChunk, quote: str) -> Citation:
        """Citation ``[n]`` of ``quote`` in ``chunk``, with the chunk's title, date, URL and place."""
        local = [p for p in chunk.places if p != STATEWIDE]
        place = local[0] if len(local) == 1 and STATEWIDE not in chunk.places else None
        return cls(n, chunk.doc_id, chunk.chunk_id, chunk.title, chunk.date, quote, chunk.url, place)


@dataclass(frozen=True)
class Answer:
    """An answer with citations (German, or the asker's language from an LLM), what was retrieved, and how long it took."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    retrieved: list[RetrievedChunk] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    composer: str = "extractive"
    language: str = "de"
    """The answer's language: German, or the asker's when an LLM wrote it and its checks passed."""
    pieces: tuple[str, ...] = ()
    """The answer as it streams: lines, each with the separator before it; joined, the answer
    (empty for an answer of one piece)."""
    standalone: str = ""
    """The question as Lotse understood it: a follow-up ("Und in Bochum?") completed with the
    conversation before it; empty when it is the question as typed."""

    def to_dict(self) -> dict[str, Any]:
        """The answer as the ``lotse ask --json`` contract serialises it."""
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [asdict(c) for c in self.citations],
            "retrieved": [r.to_dict() for r in self.retrieved],
            "timings_ms": dict(self.timings_ms),
            "composer": self.composer,
            "language": self.language,
        }
