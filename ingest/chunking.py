"""Sentence-aware chunks with stable, content-derived ids."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from app.core import split_sentences

MAX_CHARS = 700
MIN_CHARS = 300


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences from one document."""

    doc_id: str
    position: int
    paragraphs: tuple[tuple[str, ...], ...]

    @property
    def sentences(self) -> list[str]:
        """The chunk's sentences in order, across its paragraphs."""
        return [s for paragraph in self.paragraphs for s in paragraph]

    @property
    def text(self) -> str:
        """The chunk's text: each paragraph's sentences joined by spaces, one paragraph a line."""
        return "\n".join(" ".join(paragraph) for paragraph in self.paragraphs)

    @property
    def id(self) -> str:
        """Derived from the document and the chunk's text: unchanged text keeps its id."""
        return hashlib.sha256(f"{self.doc_id}\n{self.text}".encode()).hexdigest()[:24]


def chunk_paragraphs(
    doc_id: str, paragraphs: list[str], *, max_chars: int = MAX_CHARS, min_chars: int = MIN_CHARS
) -> list[Chunk]:
    """Pack sentences into chunks of at most ``max_chars`` (a longer single sentence
    stays whole). A chunk ends at a paragraph break once it has ``min_chars``, so short
    headings stay with the text that follows them."""
    chunks: list[Chunk] = []
    current: list[list[str]] = []
    size = 0

    def flush() -> None:
        nonlocal current, size
        kept = tuple(tuple(p) for p in current if p)
        if kept:
            chunks.append(Chunk(doc_id=doc_id, position=len(chunks), paragraphs=kept))
        current, size = [], 0

    for paragraph in paragraphs:
        if size >= min_chars:
            flush()
        current.append([])
        for sentence in split_sentences(paragraph):
            if size and size + len(sentence) > max_chars:
                flush()
                current.append([])
            current[-1].append(sentence)
            size += len(sentence) + 1
    flush()
    return chunks
