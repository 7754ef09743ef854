"""Lotse: answers German questions about integration services in NRW, with citations.

The public names are imported lazily (PEP 562), so ``import app.cli`` or a command that only
needs part of the library does not pay for the rest at start-up.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Answer": "app.answer",
    "Citation": "app.answer",
    "RetrievedChunk": "app.answer",
    "build_chain": "app.chain",
    "ExtractiveComposer": "app.composer",
    "Thresholds": "app.composer",
    "EmbedderMismatch": "app.errors",
    "IndexMissing": "app.errors",
    "InvalidQuestion": "app.errors",
    "LotseError": "app.errors",
    "HybridRetriever": "app.retrieval",
    "Lotse": "app.service",
    "Settings": "app.settings",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'app' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
