"""The default composer: extractive, offline, no LLM.

Each retrieved document is one page: all its sentences in document order (their vectors were
stored at ingest). The sentence selector (``app.selector``) scores each page's lines and says
whether the page has an answer. The best-scored sentences of the retrieved chunks on such pages
that pass the evidence gates become a short German answer with one [n] per sentence. When no
page has an answer it abstains and points to the local Kommunales Integrationszentrum, citing
the passage that says every Kreis and kreisfreie Stadt has one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple, Protocol

import numpy as np

from app.answer import Citation, RetrievedChunk
from app.embeddings import LotseEmbeddings
from app.gates import evidence_fits, expected_answer_type, is_german, unknown_terms
from app.glossary import Glossary
from app.retrieval import STATEWIDE
from app.selector import SentenceSelector
from app.store import Index
from app.text import stems

ABSTAIN_TEXT = "Dazu finde ich in meinen Dokumenten keine verlässliche Antwort."
REFERRAL_TEXT = "Fragen Sie bitte beim Kommunalen Integrationszentrum Ihres Kreises oder Ihrer kreisfreien Stadt nach:"
REFERRAL_PASSAGES = (
    "Heute verfügen alle Kreise und kreisfreien Städte in Nordrhein-Westfalen über ein Kommunales Integrationszentrum.",
    "Kommunale Integrationszentren gibt es flächendeckend in allen 54 kreisfreien Städten und Kreisen.",
)
_SOURCE_NOTE = re.compile(r"\s*\(Quelle:[^()]*\)\s*$")
_SENTENCE_END = re.compile(r"[.!?:;][\"“”«»‘’')]*$")
MIN_SENTENCE_CHARS = 30
DUPLICATE_OVERLAP = 0.6


def is_answer_sentence(text: str) -> bool:
    """A full sentence, not a heading, date line or label: long enough and ending in
    sentence punctuation (a trailing source note does not count)."""
    core = _SOURCE_NOTE.sub("", text)
    return len(core) >= MIN_SENTENCE_CHARS and bool(_SENTENCE_END.search(core))


def _overlap(a: set[str], b: set[str]) -> float:
    """Share of the smaller stem set found in the other (1.0 = one says the other)."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


@dataclass(frozen=True)
class Draft:
    """What a composer returns; ``extra`` are chunks it cited beyond the retrieved ones."""

    answer: str
    citations: list[Citation]
    abstained: bool
    extra: list[RetrievedChunk] = field(default_factory=list)
    composer: str = "extractive"


class Composer(Protocol):
    """Anything that turns retrieved chunks into a cited answer."""

    def compose(self, question: str, query_text: str, retrieved: list[RetrievedChunk],
                on_sentence: Callable[[str], None] | None = None) -> Draft:
        """``on_sentence`` receives each answer sentence as soon as it is final (streaming)."""
        ...

    def abstain(self) -> Draft: ...


@dataclass(frozen=True)
class Thresholds:
    """The retrieval gate (see ``Settings``) and the answer length."""

    min_chunk_score: float
    max_sentences: int = 3


class _Line(NamedTuple):
    vector: np.ndarray
    text: str
    chunk_id: str
    doc_id: str
    order: tuple[int, int]  # (chunk position in the document, sentence position in the chunk)


@dataclass(frozen=True)
class _Scored:
    score: float
    text: str
    chunk: RetrievedChunk
    answered: bool  # the selector found an answer on this sentence's page


class ExtractiveComposer:
    """Selects evidence sentences; see the module docstring."""

    def __init__(
        self,
        index: Index,
        chunks: dict[str, dict[str, Any]],
        embeddings: LotseEmbeddings,
        glossary: Glossary,
        vocabulary: set[str],
        thresholds: Thresholds,
        selector: SentenceSelector,
    ) -> None:
        """``chunks``: the committed chunks' metadata by id, as the retriever loaded them (only
        their sentences count); ``vocabulary``: the stems the corpus (and glossary) uses, for
        the unknown-term gate."""
        self.index = index
        self.chunks = chunks
        self.embeddings = embeddings
        self.glossary = glossary
        self.vocabulary = vocabulary
        self.thresholds = thresholds
        self.selector = selector

    @cached_property
    def referral(self) -> tuple[RetrievedChunk, str] | None:
        """The chunk and passage saying every Kreis/Stadt has a KI, if the index has one."""
        for passage in REFERRAL_PASSAGES:
            got = self.index.chunks.get(where_document={"$contains": passage}, include=["documents", "metadatas"])
            for chunk_id, text, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or []):
                if chunk_id in self.chunks:
                    return RetrievedChunk.from_metadata(chunk_id, str(text), dict(meta)), passage
        return None

    def abstain(self) -> Draft:
        """The German "no answer" with the cited referral to the local KI."""
        found = self.referral
        if found is None:
            return Draft(answer=f"{ABSTAIN_TEXT} Bitte wenden Sie sich an das Kommunale Integrationszentrum vor Ort.", citations=[], abstained=True)
        chunk, passage = found
        citation = Citation(n=1, doc_id=chunk.doc_id, chunk_id=chunk.chunk_id, title=chunk.title, date=chunk.date, quote=passage)
        return Draft(answer=f"{ABSTAIN_TEXT} {REFERRAL_TEXT} {passage} [1]", citations=[citation], abstained=True, extra=[chunk])

    def named_entities(self, text: str) -> set[str]:
        """Programmes and places (other than the whole Land) a text names."""
        return {*self.glossary.programmes_in(text), *self.glossary.places_in(text)} - {STATEWIDE}

    def _document_lines(self, doc_ids: list[str]) -> list[_Line]:
        """All committed sentences of these documents, in document order."""
        got = self.index.sentences.get(where={"doc_id": {"$in": doc_ids}}, include=["embeddings", "documents", "metadatas"])
        vectors = got["embeddings"] if got["embeddings"] is not None else []
        lines = [
            _Line(np.asarray(v, dtype=np.float32), str(text), str(m["chunk_id"]), str(m["doc_id"]),
                  (int(self.chunks[str(m["chunk_id"])].get("position", 0)), int(m["position"])))
            for v, text, m in zip(vectors, got["documents"] or [], got["metadatas"] or [])
            if str(m["chunk_id"]) in self.chunks
        ]
        return sorted(lines, key=lambda line: line.order)

    def score_sentences(self, query_text: str, retrieved: list[RetrievedChunk]) -> list[_Scored]:
        """The sentences of the retrieved chunks with their selector scores, best first. The
        selector reads each retrieved document whole (one page, in document order), as in
        training; only sentences of retrieved chunks can become evidence."""
        if not retrieved:
            return []
        by_id = {r.chunk_id: r for r in retrieved}
        lines = self._document_lines(list(dict.fromkeys(r.doc_id for r in retrieved)))
        if not lines:
            return []
        query = np.asarray(self.embeddings.embed_query(query_text), dtype=np.float32)
        scored: list[_Scored] = []
        for doc_id in dict.fromkeys(line.doc_id for line in lines):
            page = [line for line in lines if line.doc_id == doc_id]
            scores = self.selector.scores(query_text, query, np.stack([line.vector for line in page]), [line.text for line in page])
            answered = bool(self.selector.choose(scores))
            scored += [_Scored(float(score), line.text, by_id[line.chunk_id], answered)
                       for score, line in zip(scores, page) if line.chunk_id in by_id]
        return sorted(scored, key=lambda s: -s.score)

    def _select(self, scored: list[_Scored]) -> list[_Scored]:
        """The best ``max_sentences``, leaving out sentences another one already says."""
        chosen: list[_Scored] = []
        seen: list[set[str]] = []
        for s in scored:
            if len(chosen) == self.thresholds.max_sentences:
                break
            terms = set(stems(_SOURCE_NOTE.sub("", s.text)))
            if any(_overlap(terms, other) >= DUPLICATE_OVERLAP for other in seen):
                continue
            seen.append(terms)
            chosen.append(s)
        return chosen

    def compose(self, question: str, query_text: str, retrieved: list[RetrievedChunk],
                on_sentence: Callable[[str], None] | None = None) -> Draft:
        """A cited extractive answer, or the abstention when the evidence is weak."""
        t = self.thresholds
        if not retrieved or max(r.score for r in retrieved) < t.min_chunk_score:
            return self.abstain()
        if unknown_terms(question, self.vocabulary):
            return self.abstain()
        answer_type = expected_answer_type(question)
        entities = self.named_entities(question)
        # The selector's no-answer decision was learned from German questions only; other
        # languages rely on the retrieval gate and the evidence gates, as measured in the NRW suite.
        german = is_german(question)
        scored = [
            s
            for s in self.score_sentences(query_text, retrieved)
            if (s.answered or not german) and is_answer_sentence(s.text)
            and entities <= self.named_entities(f"{s.text} {s.chunk.title}")
            and evidence_fits(question, _SOURCE_NOTE.sub("", s.text), answer_type)
        ]
        if not scored:
            return self.abstain()
        parts: list[str] = []
        citations: list[Citation] = []
        for n, s in enumerate(self._select(scored), start=1):
            parts.append(f"{_SOURCE_NOTE.sub('', s.text)} [{n}]")
            if on_sentence is not None:
                on_sentence(parts[-1])
            c = s.chunk
            citations.append(Citation(n=n, doc_id=c.doc_id, chunk_id=c.chunk_id, title=c.title, date=c.date, quote=s.text))
        return Draft(answer=" ".join(parts), citations=citations, abstained=False)
