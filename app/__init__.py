"""Lotse: answers German questions about integration services in NRW, with citations.

The packages follow the flow of a question, each importing only the ones before it:
``core`` (settings, errors, answer types, German text) -> ``index`` (embedder, Chroma,
pointer and generations, memory-mapped BM25) -> ``conversation`` (question cleaning, follow-ups, glossary,
understanding) -> ``retrieval`` (hybrid search, page reader) -> ``answering`` (selector,
gates, composers, citation check) -> ``pipeline`` (chain, ``Lotse``) -> ``edges`` (CLI,
web chat, feedback, programme directory). ``make test`` checks the order (import-linter).

The public names are imported lazily (PEP 562), so ``import app.edges.cli`` or a command that only
needs part of the library does not pay for the rest at start-up. Importing ``app`` changes nothing
in the process: the entry points call the offline guard (``app.core.offline``).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Answer": "app.core",
    "Citation": "app.core",
    "RetrievedChunk": "app.core",
    "EmbedderMismatch": "app.core",
    "IndexMissing": "app.core",
    "InvalidQuestion": "app.core",
    "LotseError": "app.core",
    "Settings": "app.core",
    "ExtractiveComposer": "app.answering",
    "Thresholds": "app.answering",
    "HybridRetriever": "app.retrieval",
    "build_chain": "app.pipeline",
    "Lotse": "app.pipeline",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'app' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
