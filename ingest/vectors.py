"""Vectors for one ingest batch: reuse what the index already holds for the batch's
documents (an earlier version, or rows an interrupted run wrote) and embed each new text once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from chromadb.api.types import Where

from app.index import Index


def titled(title: str, text: str) -> str:
    """The text a chunk vector embeds: the document title, then the chunk."""
    return f"{title}\n{text}"


class VectorReuse:
    """Vectors by the exact text they embed."""

    def __init__(self, known: dict[str, list[float]]) -> None:
        self._by_text = known

    @classmethod
    def stored(cls, index: Index, doc_ids: list[str]) -> VectorReuse:
        """The chunk and sentence vectors the index holds for ``doc_ids``."""
        where = cast(Where, {"doc_id": {"$in": doc_ids}})
        known: dict[str, list[float]] = {}
        chunks = index.chunks.get(where=where, include=["documents", "metadatas", "embeddings"])
        for text, meta, vector in zip(chunks["documents"] or [], chunks["metadatas"] or [], _vectors(chunks)):
            known[titled(str(meta.get("title", "")), str(text))] = [float(x) for x in vector]
        for sentence in index.sentences.of_documents(doc_ids):
            known[sentence.text] = [float(x) for x in sentence.vector]
        return cls(known)

    def missing(self, texts: Sequence[str]) -> list[str]:
        """Texts without a vector yet, each once."""
        return [t for t in dict.fromkeys(texts) if t not in self._by_text]

    def add(self, texts: Sequence[str], vectors: Sequence[Sequence[float]]) -> None:
        """Remember ``vectors`` as those of ``texts``, pair by pair."""
        self._by_text.update({t: list(v) for t, v in zip(texts, vectors)})

    def vector(self, text: str) -> list[float]:
        """The vector of exactly this text (a ``KeyError`` if it has none)."""
        return self._by_text[text]


def _vectors(got: object) -> list[Sequence[float]]:
    embeddings = got["embeddings"] if isinstance(got, dict) else None
    return list(embeddings) if embeddings is not None else []
