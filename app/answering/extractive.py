"""The default composer: extractive, offline, no LLM, and pure (all reads happened before).

The best-scored admissible sentences (``app.answering.evidence``) become a short German
answer with one [n] per sentence: full sentences that stand alone come first (no fragments
ever; sentences pointing back at an unseen one, or about a minister's visit, only when
nothing else answers); a definitional question gets the defining sentence first. A question
asking for offers gets one line per offer (``app.answering.offers``). When no page has an
answer it abstains and points to the local Kommunales Integrationszentrum, citing the
passage that says every Kreis and kreisfreie Stadt has one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from app.answering.draft import Draft, Evidence
from app.answering.evidence import Scored, admissible, score_pages
from app.answering.gates import is_fragment, stands_alone
from app.answering.offers import offer_line, offers
from app.answering.selector import SentenceSelector
from app.conversation import Glossary, Intent, Query
from app.core import Citation, RetrievedChunk, stems, without_source_note
from app.retrieval import Referral

ABSTAIN_TEXT = "Dazu finde ich in meinen Dokumenten keine verlässliche Antwort."
REFERRAL_TEXT = "Fragen Sie bitte beim Kommunalen Integrationszentrum Ihres Kreises oder Ihrer kreisfreien Stadt nach:"
DUPLICATE_OVERLAP = 0.6
_DEFINING_VERB = re.compile(r"^.{0,80}?\b(ist|sind|heißt|bezeichnet|versteht sich)\b")
_OPENING_QUOTES_AND_ARTICLES = re.compile(r"^[„\"'‚]?(?:(?:Das|Die|Der|Ein|Eine)\s+)?")


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


def defines(sentence: str, query: Query, glossary: Glossary, title: str) -> bool:
    """Whether a sentence defines what the query names: it opens with the programme's name
    (or its document's title) and says what it "ist" / "sind" / "heißt"."""
    text = _OPENING_QUOTES_AND_ARTICLES.sub("", without_source_note(sentence))
    if not _DEFINING_VERB.search(text):
        return False
    names = [p for name in query.programmes for p in glossary.programmes.patterns.get(name, [])]
    short_title = title.split(" (")[0].strip()
    return any(p.match(text) for p in names) or bool(short_title and text.startswith(short_title))


def best_first(scored: list[Scored], query: Query, glossary: Glossary) -> list[Scored]:
    """No fragments; sentences that stand alone before the rest; a defining sentence first."""
    whole = [s for s in scored if not is_fragment(s.text)]
    ordered = [s for s in whole if stands_alone(s.text)] or whole
    if query.intent is Intent.DEFINITION:
        ordered = sorted(ordered, key=lambda s: not defines(s.text, query, glossary, s.chunk.title))
    return ordered


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
        # Offers in a known place are listed even if the question also uses words the documents
        # lack ("Jobsuche", "Syrien"); anything else with such a word cannot be answered from them.
        unknown_matters = bool(query.unknown_terms) and not (query.wants_offers and query.place_filter)
        if not retrieved or max(r.score for r in retrieved) < self.thresholds.min_chunk_score or unknown_matters:
            return self.abstain(evidence.referral)
        if query.wants_offers:
            listed = offers(query, retrieved, evidence.pages)
            lines = [(chunk, offer_line(chunk.title, sentence), sentence) for chunk, sentence in listed]
        else:
            scored = [
                s
                for s in score_pages(evidence.retrieval.text, evidence.retrieval.vector, evidence.pages, retrieved, self.selector)
                if admissible(s, query, self.glossary)
            ]
            chosen = select_sentences(best_first(scored, query, self.glossary), self.thresholds.max_sentences)
            lines = [(s.chunk, without_source_note(s.text), s.text) for s in chosen]
        if not lines:
            return self.abstain(evidence.referral)
        return _cited(lines, on_sentence)


def _cited(lines: list[tuple[RetrievedChunk, str, str]], on_sentence: Callable[[str], None] | None) -> Draft:
    """(chunk, shown text, verbatim quote) -> the answer with one [n] per line."""
    parts: list[str] = []
    citations: list[Citation] = []
    for n, (chunk, shown, quote) in enumerate(lines, start=1):
        parts.append(f"{shown} [{n}]")
        if on_sentence is not None:
            on_sentence(parts[-1])
        citations.append(Citation(n=n, doc_id=chunk.doc_id, chunk_id=chunk.chunk_id, title=chunk.title, date=chunk.date, quote=quote))
    return Draft(answer=" ".join(parts), citations=citations, abstained=False)
