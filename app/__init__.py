"""Lotse: answers German questions about integration services in NRW, with citations."""

from app.answer import Answer, Citation, RetrievedChunk
from app.chain import build_chain
from app.composer import ExtractiveComposer, Thresholds
from app.errors import EmbedderMismatch, IndexMissing, InvalidQuestion, LotseError
from app.retrieval import HybridRetriever
from app.service import Lotse
from app.settings import Settings

__all__ = [
    "Answer",
    "Citation",
    "EmbedderMismatch",
    "ExtractiveComposer",
    "HybridRetriever",
    "IndexMissing",
    "InvalidQuestion",
    "Lotse",
    "LotseError",
    "RetrievedChunk",
    "Settings",
    "Thresholds",
    "build_chain",
]
