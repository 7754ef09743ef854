"""The default composer: extractive, offline, no LLM, and pure (all reads happened before).

The best-scored admissible sentences (``app.answering.evidence``) become a short German
answer with one [n] per sentence. When no page has an answer it abstains and points to the
local Kommunales Integrationszentrum, citing the passage that says every Kreis and kreisfreie
Stadt has one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.answering.draft import Draft, Evidence
from app.answering.evidence import Scored, admissible, score_pages
from app.answering.selector import SentenceSelector
from app.conversation import Glossary
from app.core import Citation, stems, without_source_note
from app.retrieval import Referral

ABSTAIN_TEXT = "Dazu finde ich in meinen Dokumenten keine verlässliche Antwort."
REFERRAL_TEXT = "Fragen Sie bitte beim Kommunalen Integrationszentrum Ihres Kreises oder Ihrer kreisfreien Stadt nach:"
DUPLICATE_OVERLAP = 0.6


def _overlap(a: set[str], b: set[str]) -> float:
    """Share of the smaller stem set found in the other (1.0 = one says the other)."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


@dataclass(frozen=True)
class Thresholds:
    """The retrieval gate (see ``Settings``) and the answer length."""

    min_chunk_score: float
    max_sentences: int = 3


def select_sentences(scored: list[Scored], max_sentences: int) -> list[Scored]:
    """The best ``max_sentences``, leaving out sentences another one already says."""
    chosen: list[Scored] = []
    seen: list[set[str]] = []
    for s in scored:
        if len(chosen) == max_sentences:
            break
        terms = set(stems(without_source_note(s.text)))
        if any(_overlap(terms, other) >= DUPLICATE_OVERLAP for other in seen):
            continue
        seen.append(terms)
        chosen.append(s)
    return chosen


@dataclass(frozen=True)
class ExtractiveComposer:
    """Selects evidence sentences; see the module docstring."""

    thresholds: Thresholds
    selector: SentenceSelector
    glossary: Glossary

    def abstain(self, referral: Referral | None) -> Draft:
        """The German "no answer" with the cited referral to the local KI."""
        if referral is None:
            return Draft(answer=f"{ABSTAIN_TEXT} Bitte wenden Sie sich an das Kommunale Integrationszentrum vor Ort.", citations=[], abstained=True)
        chunk, passage = referral.chunk, referral.passage
        citation = Citation(n=1, doc_id=chunk.doc_id, chunk_id=chunk.chunk_id, title=chunk.title, date=chunk.date, quote=passage)
        return Draft(answer=f"{ABSTAIN_TEXT} {REFERRAL_TEXT} {passage} [1]", citations=[citation], abstained=True, extra=[chunk])

    def compose(self, evidence: Evidence, on_sentence: Callable[[str], None] | None = None) -> Draft:
        """A cited extractive answer, or the abstention when the evidence is weak."""
        query, retrieved = evidence.query, evidence.retrieval.chunks
        if not retrieved or max(r.score for r in retrieved) < self.thresholds.min_chunk_score or query.unknown_terms:
            return self.abstain(evidence.referral)
        scored = [
            s
            for s in score_pages(evidence.retrieval.text, evidence.retrieval.vector, evidence.pages, retrieved, self.selector)
            if admissible(s, query, self.glossary)
        ]
        if not scored:
            return self.abstain(evidence.referral)
        parts: list[str] = []
        citations: list[Citation] = []
        for n, s in enumerate(select_sentences(scored, self.thresholds.max_sentences), start=1):
            parts.append(f"{without_source_note(s.text)} [{n}]")
            if on_sentence is not None:
                on_sentence(parts[-1])
            c = s.chunk
            citations.append(Citation(n=n, doc_id=c.doc_id, chunk_id=c.chunk_id, title=c.title, date=c.date, quote=s.text))
        return Draft(answer=" ".join(parts), citations=citations, abstained=False)
