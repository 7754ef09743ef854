"""What composers read and return, and the ``Composer`` seam."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol

from app.conversation import Query, speaks_of
from app.core import STATEWIDE, Citation, RetrievedChunk
from app.retrieval import Line, Page, Referral, Retrieval


@dataclass(frozen=True)
class Evidence:
    """Everything a composer may use: the understood query, what retrieval found, the
    retrieved documents as pages, and the referral passage for an abstention."""

    query: Query
    retrieval: Retrieval
    pages: list[Page]
    referral: Referral | None

    def on_the_need(self) -> Evidence:
        """The evidence from the documents that speak of what the turn seeks (``Query.needs``):
        Dortmund's offers for parents of babies are no evidence for where to find a flat or a
        German course there. A document speaks of it in a retrieved sentence about the asked
        place (one naming it, or in a part of the document about no other place): a press release's
        sentence on the Kleve Ausländerbehörde does not make it evidence for one in Düsseldorf.
        All of it when the turn seeks nothing in particular; no chunks and pages (so the composer
        declines) when no document speaks of the need. A broad need (help for a family) only
        narrows a list of offers, and only when some fit."""
        needs, place = self.query.needs, self.query.place_filter
        broad = all(need.broad for need in needs)
        if not needs or (broad and not self.query.wants_offers):
            return self
        places = {c.chunk_id: set(c.places) for c in self.retrieval.chunks}

        def about_the_place(line: Line) -> bool:
            return place is None or place in line.entities or places[line.chunk_id] <= {place, STATEWIDE}

        speaking = {
            page.doc_id
            for page in self.pages
            for line in page.lines
            if line.chunk_id in places and about_the_place(line) and speaks_of(needs, line.text)
        }
        if broad and not speaking:
            return self
        chunks = [c for c in self.retrieval.chunks if c.doc_id in speaking]
        pages = [p for p in self.pages if p.doc_id in speaking]
        return replace(self, retrieval=replace(self.retrieval, chunks=chunks), pages=pages)


@dataclass(frozen=True)
class Draft:
    """What a composer returns; ``extra`` are chunks it cited beyond the retrieved ones."""

    answer: str
    citations: list[Citation]
    abstained: bool
    extra: list[RetrievedChunk] = field(default_factory=list)
    composer: str = "extractive"
    language: str = "de"
    pieces: tuple[str, ...] = ()
    """The answer line by line, each with the separator before it (none for the first);
    empty for an answer of one piece."""


class Composer(Protocol):
    """Anything that turns evidence into a cited answer."""

    def compose(self, evidence: Evidence) -> Draft:
        """The cited answer, or an abstention when the evidence does not carry one."""
        ...

    def abstain(self, referral: Referral | None, place: str | None = None) -> Draft:
        """The German "no answer", citing the referral passage when there is one (sending the
        asker to the KI of ``place`` when it is known)."""
        ...
