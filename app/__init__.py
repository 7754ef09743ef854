"""Lotse: answers German questions about integration services in NRW, with citations.

The packages follow the flow of a question, each importing only the ones before it:
``core`` (settings, errors, answer types, German text) -> ``index`` (embedder, Chroma,
pointer and generations, memory-mapped BM25) -> ``conversation`` (question cleaning, follow-ups, glossary,
understanding) -> ``retrieval`` (hybrid search, page reader) -> ``answering`` (selector,
gates, composers, citation check) -> ``pipeline`` (chain, ``Lotse``) -> ``edges`` (CLI,
web chat, feedback, programme directory). ``make test`` checks the order (import-linter).

The public names are imported lazily (PEP 562), so ``import app.edges.cli`` or a command that only
needs part of the library does not pay for the rest at start-up.
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import Any

# Nothing reports home and nothing is downloaded at run time, whatever the environment holds.
# Set here, before gradio, chromadb or huggingface_hub are imported: they read these at import.
os.environ.update(GRADIO_ANALYTICS_ENABLED="False", ANONYMIZED_TELEMETRY="False", HF_HUB_OFFLINE="1",
                  HF_HUB_DISABLE_TELEMETRY="1", DO_NOT_TRACK="1")

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
