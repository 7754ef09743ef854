"""What composers read and return, and the ``Composer`` seam."""

from __future__ import annotations

from dataclasses import dataclass, field
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
