"""A LangChain retriever: dense (Chroma), German BM25, reciprocal rank fusion,
glossary expansion and place/kind filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from app.conversation import Glossary, Intent, Query
from app.core import STATEWIDE, RetrievedChunk
from app.index import Catalogue, Index, LexicalIndex, LotseEmbeddings

OFFER_CANDIDATES = 8
"""Programme descriptions retrieved for a question that asks for offers."""
STATEWIDE_OFFER_CANDIDATES = 3
"""Statewide programme descriptions retrieved beside the local ones for offers in a place."""
DESCRIPTION_CANDIDATES = 3
"""Chunks of a programme's own description ranked in for "Was ist …"."""
Mode = Literal["dense", "lexical", "hybrid"]
Expansion = Literal["none", "lexical", "all"]


def reciprocal_rank_fusion(rankings: list[list[str]], k: int = 60) -> dict[str, float]:
    """RRF score per id over several best-first rankings."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank + 1)
    return scores


@dataclass(frozen=True)
class Retrieval:
    """What retrieval found for a query: the chunks, best first, and the text and vector it
    searched with (the composer scores sentences against the same vector)."""

    text: str
    vector: np.ndarray
    chunks: list[RetrievedChunk]


class HybridRetriever(BaseRetriever):
    """Returns chunks as ``Document``s; ``metadata["score"]`` is the cosine similarity of
    the chunk to the question, ``metadata["chunk_id"]`` its id.

    ``place`` keeps chunks about that place and statewide ones; ``kind`` keeps one kind
    (``press`` or ``programme``). Use ``with_filters`` for a filtered copy.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Index
    embeddings: LotseEmbeddings
    lexical: LexicalIndex
    glossary: Glossary
    catalogue: Catalogue
    k: int = 5
    mode: Mode = "hybrid"
    expand: Expansion = "lexical"
    candidates: int = 20
    place: str | None = None
    with_statewide: bool = True
    """With a place filter: also return chunks about the whole Land."""
    kind: str | None = None
    describes: str | None = None
    """A programme whose own description is searched as a third ranking (for "Was ist …")."""

    @classmethod
    def from_index(cls, index: Index, embeddings: LotseEmbeddings, glossary: Glossary, catalogue: Catalogue,
                   **options: Any) -> HybridRetriever:
        """Build the BM25 index over the catalogue's chunks."""
        lexical = LexicalIndex.build(list(catalogue), catalogue.titled_texts())
        return cls(index=index, embeddings=embeddings, glossary=glossary, catalogue=catalogue, lexical=lexical, **options)

    def with_filters(self, place: str | None = None, kind: str | None = None) -> HybridRetriever:
        """A copy that only returns chunks about ``place`` (or statewide) and of ``kind``."""
        return self.model_copy(update={"place": place, "kind": kind})

    def query_text(self, question: str) -> str:
        """The text the dense search embeds (and the composer scores sentences against)."""
        return self.glossary.expand(question) if self.expand == "all" else question

    def lexical_text(self, question: str) -> str:
        """The text BM25 searches: with glossary expansions unless expansion is off."""
        return question if self.expand == "none" else self.glossary.expand(question)

    def _allowed(self, chunk_id: str) -> bool:
        meta = self.catalogue.meta.get(chunk_id, {})
        if self.kind and meta.get("kind") != self.kind:
            return False
        if self.place:
            places = meta.get("places") or []
            return self.place in places or (self.with_statewide and STATEWIDE in places)
        return True

    def _where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.place and self.with_statewide:
            clauses.append({"$or": [{"places": {"$contains": self.place}}, {"places": {"$contains": STATEWIDE}}]})
        elif self.place:
            clauses.append({"places": {"$contains": self.place}})
        if self.kind:
            clauses.append({"kind": self.kind})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def _dense(self, vector: list[float], n: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """Nearest chunks through langchain-chroma (filtered by ``where``, else by the place
        and kind filters); cosine distance -> similarity."""
        hits = self.index.vectorstore.similarity_search_by_vector_with_relevance_scores(
            vector, k=max(1, min(n, len(self.catalogue)) + self.catalogue.hidden), filter=where or self._where()
        )
        return [(str(doc.id), 1.0 - float(distance)) for doc, distance in hits if doc.id in self.catalogue][:n]

    def _similarities(self, vector: list[float], chunk_ids: list[str]) -> dict[str, float]:
        if not chunk_ids:
            return {}
        got = self.index.chunks.get(ids=chunk_ids, include=["embeddings"])
        matrix = np.asarray(got["embeddings"], dtype=np.float32)
        return dict(zip(got["ids"], (matrix @ np.asarray(vector, dtype=np.float32)).tolist()))

    def _ranked(self, question: str, vector: list[float]) -> list[tuple[str, float]]:
        """Best-first (chunk id, cosine similarity) pairs, at most ``k``."""
        if not len(self.catalogue):
            return []
        dense = self._dense(vector, self.candidates) if self.mode != "lexical" else []
        lexical = (
            [(cid, s) for cid, s in self.lexical.search(self.lexical_text(question), self.candidates * 3) if self._allowed(cid)][
                : self.candidates
            ]
            if self.mode != "dense"
            else []
        )
        similarity = dict(dense)
        similarity.update(self._similarities(vector, [cid for cid, _ in lexical if cid not in similarity]))
        if self.mode == "dense":
            order = [cid for cid, _ in dense]
        elif self.mode == "lexical":
            order = [cid for cid, _ in lexical]
        else:
            description = self._description(vector)
            similarity.update({cid: s for cid, s in description if cid not in similarity})
            fused = reciprocal_rank_fusion([[cid for cid, _ in dense], [cid for cid, _ in lexical], [cid for cid, _ in description]])
            order = sorted(fused, key=lambda cid: (-fused[cid], -similarity.get(cid, 0.0)))
        return [(cid, similarity.get(cid, 0.0)) for cid in order[: self.k]]

    def _description(self, vector: list[float]) -> list[tuple[str, float]]:
        """The chunks of the programme description of ``describes`` nearest the question."""
        if self.describes is None:
            return []
        where = {"$and": [{"kind": "programme"}, {"programmes": {"$contains": self.describes}}]}
        return self._dense(vector, DESCRIPTION_CANDIDATES, where)

    def search(self, question: str) -> list[tuple[str, float]]:
        """Best-first (chunk id, cosine similarity) pairs, at most ``k``."""
        return self._ranked(question, self.embeddings.embed_query(self.query_text(question)))

    def _chunk(self, chunk_id: str, score: float) -> RetrievedChunk:
        return RetrievedChunk.from_metadata(chunk_id, self.catalogue.text[chunk_id], self.catalogue.meta[chunk_id], round(score, 4))

    def retrieve(self, query: Query) -> Retrieval:
        """The chunks for an understood query (its place filter applied), with the query vector.
        A question asking for offers searches the programme descriptions, more of them; one asking
        what a programme is ranks in that programme's own description."""
        text = self.query_text(query.text)
        vector = self.embeddings.embed_query(text)
        ranked: dict[str, float] = {}
        for searcher in self._searchers(query):
            for cid, score in searcher._ranked(query.text, vector):
                ranked.setdefault(cid, score)  # each chunk once, at its first place
        chunks = [self._chunk(cid, score) for cid, score in ranked.items()]
        return Retrieval(text=text, vector=np.asarray(vector, dtype=np.float32), chunks=chunks)

    def _searchers(self, query: Query) -> list[HybridRetriever]:
        """The searches a query needs: one, or for offers in a place the local programme
        descriptions (so a weak cross-lingual match cannot crowd them out) and the statewide ones."""
        searcher = self.with_filters(place=query.place_filter, kind=self.kind)
        if query.wants_offers:
            offers = searcher.model_copy(update={"kind": "programme", "k": max(self.k, OFFER_CANDIDATES)})
            if query.place_filter is None:
                return [offers]
            statewide = offers.model_copy(update={"place": STATEWIDE, "k": STATEWIDE_OFFER_CANDIDATES})
            return [offers.model_copy(update={"with_statewide": False}), statewide]
        if query.intent is Intent.DEFINITION and len(query.programmes) == 1:
            return [searcher.model_copy(update={"describes": query.programmes[0]})]
        return [searcher]

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [
            Document(
                id=cid,
                page_content=self.catalogue.text[cid],
                metadata={**self.catalogue.meta[cid], "chunk_id": cid, "score": score},
            )
            for cid, score in self.search(query)
        ]
