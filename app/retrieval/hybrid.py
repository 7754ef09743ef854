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
from app.index import Index, LexicalIndex, LotseEmbeddings, matcher

OFFER_CANDIDATES = 8
"""Programme descriptions retrieved for a question that asks for offers."""
STATEWIDE_OFFER_CANDIDATES = 3
"""Statewide programme descriptions retrieved beside the local ones for offers in a place."""
DESCRIPTION_CANDIDATES = 3
"""Chunks of a programme's own description ranked in for "Was ist …"."""
DESCRIPTION_POOL = 12
"""How many of the programme's chunks are read to find its own description's."""
DENSE_SLACK = 10
"""Extra dense results fetched to cover rows of other generations (an ingest under way)."""
DENSE_OVERFETCH = 4
"""A dense search with a place or kind filter first fetches this many times the results it needs,
unfiltered, and filters them itself: Chroma evaluates a metadata filter on every row (at 12,000 chunks a search with a
place filter took 30-35 ms, one without 2 ms; ``make bench-scale``)."""
SCORED_BY_HAND = 256
"""When that leaves too few, a filter that at most this many rows pass is searched by hand:
Chroma's metadata filter finds their ids and their kept vectors are scored exactly (at 12,000
chunks 4-8 ms, where Chroma's filtered vector search took 13-18 ms); a filter more rows pass is
left to Chroma's search."""
Mode = Literal["dense", "lexical", "hybrid"]
Expansion = Literal["none", "lexical", "all"]


def _all_of(*clauses: dict[str, Any] | None) -> dict[str, Any] | None:
    """A Chroma filter that every given clause must pass (None for none)."""
    present = [c for c in clauses if c]
    return None if not present else present[0] if len(present) == 1 else {"$and": present}


def reciprocal_rank_fusion(rankings: list[list[str]], k: int = 60) -> dict[str, float]:
    """RRF score per id over several best-first rankings."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank + 1)
    return scores


@dataclass(frozen=True)
class Retrieval:
    """What retrieval found for a query: the chunks, best first, the text and vector it
    searched with, and the query's ask with its vector (the composer scores sentences against
    the ask; for a plain question both are the same)."""

    text: str
    vector: np.ndarray
    chunks: list[RetrievedChunk]
    ask: str
    ask_vector: np.ndarray


@dataclass(frozen=True)
class Hit:
    """A chunk a search found: its id, cosine similarity to the question, text and metadata."""

    chunk_id: str
    score: float
    text: str
    meta: dict[str, Any]


class HybridRetriever(BaseRetriever):
    """Returns chunks as ``Document``s; ``metadata["score"]`` is the cosine similarity of
    the chunk to the question, ``metadata["chunk_id"]`` its id.

    Reads only the index's generation: the lexical index is that generation's, and rows of
    other generations are dropped from dense results (or filtered in Chroma when many are).
    ``place`` keeps chunks about that place and statewide ones; ``kind`` keeps one kind
    (``press`` or ``programme``); ``land`` keeps one Land's documents (a query brings its
    own). Use ``with_filters`` for a filtered copy.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Index
    embeddings: LotseEmbeddings
    lexical: LexicalIndex
    glossary: Glossary
    k: int = 5
    mode: Mode = "hybrid"
    expand: Expansion = "lexical"
    candidates: int = 20
    place: str | None = None
    with_statewide: bool = True
    """With a place filter: also return chunks about the whole Land."""
    kind: str | None = None
    land: str | None = None
    """Only chunks of documents about this Land (a question is answered from its Land's documents)."""
    describes: str | None = None
    """A programme whose own description is searched as a third ranking (for "Was ist …")."""

    def with_filters(self, place: str | None = None, kind: str | None = None, land: str | None = None) -> HybridRetriever:
        """A copy that only returns chunks about ``place`` (or statewide), of ``kind`` and ``land``."""
        return self.model_copy(update={"place": place, "kind": kind, "land": land})

    def query_text(self, question: str) -> str:
        """The text the dense search embeds (and the composer scores sentences against)."""
        return self.glossary.expand(question) if self.expand == "all" else question

    def selector_text(self, ask: str) -> str:
        """The text the sentence selector scores against: the ask with the abbreviations everyday
        language reads otherwise spelled out (multilingual-e5 reads "KI" as artificial
        intelligence; the selector then preferred a sentence that writes "KI Dortmund" to the
        one that says when the Kommunales Integrationszentrum Dortmund began), or, with full
        expansion, as dense search reads it."""
        return self.query_text(ask) if self.expand == "all" else self.glossary.spelled_out(ask)

    def lexical_text(self, question: str) -> str:
        """The text BM25 searches: with glossary expansions unless expansion is off."""
        return question if self.expand == "none" else self.glossary.expand(question)

    def _where(self, *, land: bool = True) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.place and self.with_statewide:
            clauses.append({"$or": [{"places": {"$contains": self.place}}, {"places": {"$contains": STATEWIDE}}]})
        elif self.place:
            clauses.append({"places": {"$contains": self.place}})
        if self.kind:
            clauses.append({"kind": self.kind})
        if self.land and land:
            clauses.append({"land": self.land})
        return _all_of(*clauses)

    def _dense(self, vector: list[float], n: int, where: dict[str, Any] | None = None) -> list[Hit]:
        """Nearest chunks of this generation and Land that pass ``where`` (else the place and kind
        filters); cosine distance -> similarity. Chroma evaluates a filter on every row, so the
        filters are first checked here on an unfiltered search of ``DENSE_OVERFETCH`` times ``n``;
        if that leaves too few, the rows that pass the place and kind filters are scored by hand
        (``SCORED_BY_HAND``), or else Chroma filters by place and kind (generation and Land are
        checked on a few extra results: they match most rows), and if even that leaves too few, by
        all. (The first step can differ from the others where the index's nearest-neighbour search
        is approximate or vectors tie.)"""
        scope = where or self._where(land=False)
        wanted = _all_of(scope, {"land": self.land} if self.land else None, self.index.visible())
        passes = matcher(wanted)

        def settled(filtered: dict[str, Any] | None, fetched: int) -> list[Hit] | None:
            """The first ``n`` hits of a search that pass, if that many pass or the search saw
            every row that could pass; else None."""
            hits, returned = self._nearest(vector, fetched, filtered)
            kept = [h for h in hits if passes(h.meta)]
            return kept[:n] if len(kept) >= n or returned < fetched else None

        first = n + DENSE_SLACK if scope is None else max(n * DENSE_OVERFETCH, n + DENSE_SLACK)
        if (kept := settled(None, first)) is not None:
            return kept
        if scope is not None:
            if (by_hand := self._scored_by_hand(vector, scope)) is not None:
                return [h for h in by_hand if passes(h.meta)][:n]
            if (kept := settled(scope, n + DENSE_SLACK)) is not None:
                return kept
        return self._nearest(vector, n, wanted)[0]

    def _scored_by_hand(self, vector: list[float], scope: dict[str, Any]) -> list[Hit] | None:
        """Every row that passes ``scope``, best first, scored on its kept vector; None if more
        than ``SCORED_BY_HAND`` rows pass."""
        ids = self.index.chunks.get(where=scope, include=[])["ids"]
        if len(ids) > SCORED_BY_HAND:
            return None
        query = np.asarray(vector, dtype=np.float32)
        rows = self.index.rows.get(ids)
        hits = [Hit(cid, float(row.vector @ query), row.text, dict(row.meta)) for cid, row in rows.items()]
        return sorted(hits, key=lambda h: -h.score)

    def _nearest(self, vector: list[float], n: int, where: dict[str, Any] | None) -> tuple[list[Hit], int]:
        """Chroma's nearest rows and how many ids it returned: only ids and distances come from the
        search, the rows from the reader's kept rows (reading documents and metadata doubles a
        search's cost; a row retired meanwhile is left out)."""
        found = self.index.chunks.query(query_embeddings=vector, n_results=n, where=where, include=["distances"])
        ids, distances = found["ids"][0], (found["distances"] or [[]])[0]
        rows = self.index.rows.get(ids)
        hits = [Hit(cid, 1.0 - float(d), rows[cid].text, dict(rows[cid].meta)) for cid, d in zip(ids, distances) if cid in rows]
        return hits, len(ids)

    def _lexical(self, question: str, vector: list[float]) -> list[Hit]:
        """BM25 candidates that pass the filters, with their cosine similarity to the question."""
        ranked = [cid for cid, _ in self.lexical.search(self.lexical_text(question), self.candidates * 3, self.land)]
        if not ranked:
            return []
        query, passes = np.asarray(vector, dtype=np.float32), matcher(self._where())
        found = {
            cid: Hit(cid, float(row.vector @ query), row.text, dict(row.meta))
            for cid, row in self.index.rows.get(ranked).items()
            if passes(row.meta)
        }
        return [found[cid] for cid in ranked if cid in found][: self.candidates]

    def _ranked(self, question: str, vector: list[float]) -> list[Hit]:
        """Best-first hits, at most ``k``."""
        if not len(self.lexical):
            return []
        dense = self._dense(vector, self.candidates) if self.mode != "lexical" else []
        lexical = self._lexical(question, vector) if self.mode != "dense" else []
        if self.mode == "dense":
            return dense[: self.k]
        if self.mode == "lexical":
            return lexical[: self.k]
        description = self._description(vector)
        hits = {h.chunk_id: h for h in [*description, *lexical, *dense]}  # dense similarity wins
        fused = reciprocal_rank_fusion([[h.chunk_id for h in ranking] for ranking in (dense, lexical, description)])
        order = sorted(fused, key=lambda cid: (-fused[cid], -hits[cid].score))
        return [hits[cid] for cid in order[: self.k]]

    def _description(self, vector: list[float]) -> list[Hit]:
        """The chunks of the programme description of ``describes`` nearest the question, about
        the asked place or the whole Land: first those of a page whose title names the programme
        and no other place ("What is ein KI?" is answered from the KI page, not the KI Dortmund's)."""
        if self.describes is None:
            return []
        clauses: list[dict[str, Any]] = [{"kind": "programme"}, {"programmes": {"$contains": self.describes}}]
        scope = self._where(land=False)  # the asked place or the whole Land (none without a place)
        found = self._dense(vector, DESCRIPTION_POOL, {"$and": [*clauses, scope] if scope else clauses})
        return sorted(found, key=self._not_the_programmes_own)[:DESCRIPTION_CANDIDATES]

    def _not_the_programmes_own(self, hit: Hit) -> tuple[bool, bool]:
        """Sort key: whether the hit's title does not name the programme, and whether it names
        another place than the asked one."""
        title = str(hit.meta.get("title", ""))
        other_places = set(self.glossary.places_in(title)) - {self.place, STATEWIDE}
        return self.describes not in self.glossary.programmes_in(title), bool(other_places)

    def hits(self, question: str) -> list[Hit]:
        """Best-first hits for a question, at most ``k``."""
        return self._ranked(question, self.embeddings.embed_query(self.query_text(question)))

    def search(self, question: str) -> list[tuple[str, float]]:
        """Best-first (chunk id, cosine similarity) pairs, at most ``k``."""
        return [(h.chunk_id, h.score) for h in self.hits(question)]

    def retrieve(self, query: Query) -> Retrieval:
        """The chunks for an understood query (its place filter applied), with the query vector.
        The dense search reads the whole message (the situation matters), the lexical one the ask
        with the places and programmes the situation names: the words of a preamble ("wohne in einer
        Unterkunft") matched press releases that happen to use them. A question asking for offers
        searches the programme descriptions, more of them; one asking what a programme is ranks in
        that programme's own description."""
        text = self.query_text(query.text)
        reuse = text == query.text and query.vector is not None  # understanding embedded it already
        vector = query.vector.tolist() if reuse and query.vector is not None else self.embeddings.embed_query(text)
        ranked: dict[str, Hit] = {}
        for searcher in self._searchers(query):
            for hit in searcher._ranked(query.ask, vector):
                ranked.setdefault(hit.chunk_id, hit)  # each chunk once, at its first place
        chunks = [RetrievedChunk.from_metadata(h.chunk_id, h.text, h.meta, round(h.score, 4)) for h in ranked.values()]
        ask = self.selector_text(query.ask)
        if ask == text:
            ask_vector: list[float] | np.ndarray = vector
        elif ask == query.ask and query.ask_vector is not None:
            ask_vector = query.ask_vector
        else:
            ask_vector = self.embeddings.embed_query(ask)
        return Retrieval(
            text=text,
            vector=np.asarray(vector, dtype=np.float32),
            chunks=chunks,
            ask=ask,
            ask_vector=np.asarray(ask_vector, dtype=np.float32),
        )

    def _searchers(self, query: Query) -> list[HybridRetriever]:
        """The searches a query needs: one, or for offers in a place the local programme
        descriptions (so a weak cross-lingual match cannot crowd them out) and the statewide ones."""
        searcher = self.with_filters(place=query.place_filter, kind=self.kind, land=query.land)
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
        hits = self.hits(query)
        return [
            Document(id=h.chunk_id, page_content=h.text, metadata={**h.meta, "chunk_id": h.chunk_id, "score": h.score})
            for h in hits
        ]
