"""The catalogue: every chunk of a generation with text and metadata, read by a full scan.
For evals and tools (e.g. the naive baseline needs whole documents); the query path never
loads it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from app.index.store import Index


@dataclass(frozen=True)
class Catalogue:
    """Text and metadata of every chunk of the index's generation, by chunk id, read once.

    ``hidden`` counts the other rows in the collection (an ingest's next generation, or
    rows retired and not yet purged); readers never see them.
    """

    meta: dict[str, dict[str, Any]]
    text: dict[str, str]
    hidden: int = 0

    @classmethod
    def load(cls, index: Index) -> Catalogue:
        """Every chunk the index's generation sees, read in one scan, and how many other rows the collection holds."""
        stored = index.chunks.get(where=index.visible(), include=["documents", "metadatas"])
        rows = list(zip(stored["ids"], stored["documents"] or [], stored["metadatas"] or []))
        return cls(
            meta={cid: dict(meta) for cid, _, meta in rows},
            text={cid: str(text) for cid, text, _ in rows},
            hidden=index.chunks.count() - len(rows),
        )

    def __len__(self) -> int:
        return len(self.meta)

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self.meta

    def __iter__(self) -> Iterator[str]:
        return iter(self.meta)

    def doc_id(self, chunk_id: str) -> str:
        """The document the chunk belongs to."""
        return str(self.meta[chunk_id]["doc_id"])

    def position(self, chunk_id: str) -> int:
        """The chunk's place in its document."""
        return int(self.meta[chunk_id].get("position", 0))

    def titled_texts(self) -> list[str]:
        """Each chunk as "title\\ntext", the form the lexical index searches."""
        return [f"{self.meta[cid].get('title', '')}\n{self.text[cid]}" for cid in self.meta]

    def documents(self) -> dict[str, str]:
        """Each document's text, rebuilt from its chunks in order."""
        parts: dict[str, list[tuple[int, str]]] = {}
        for cid in self.meta:
            parts.setdefault(self.doc_id(cid), []).append((self.position(cid), self.text[cid]))
        return {doc_id: "\n".join(t for _, t in sorted(chunks)) for doc_id, chunks in parts.items()}
