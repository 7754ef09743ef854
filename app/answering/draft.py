"""What composers read and return, and the ``Composer`` seam."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol

from app.conversation import Query
from app.core import Citation, RetrievedChunk
from app.retrieval import Page, Referral, Retrieval


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
        German course there. All of it when the turn seeks nothing in particular; no chunks
        and pages (so the composer declines) when no retrieved document speaks of the need.
        A broad need (help for a family) only narrows a list of offers, and only when some fit."""
        needs = self.query.needs
        broad = all(need.broad for need in needs)
        if not needs or (broad and not self.query.wants_offers):
            return self
        titles: dict[str, set[str]] = {}
        for chunk in self.retrieval.chunks:
            titles.setdefault(chunk.doc_id, set()).add(chunk.title)
        speaking = {page.doc_id for page in self.pages
                    if any(need.met_in(" ".join([*titles.get(page.doc_id, ()), *page.texts])) for need in needs)}
        if broad and not speaking:
            return self
        chunks = [c for c in self.retrieval.chunks if c.doc_id in speaking]
        return replace(self, retrieval=replace(self.retrieval, chunks=chunks), pages=[p for p in self.pages if p.doc_id in speaking])


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
