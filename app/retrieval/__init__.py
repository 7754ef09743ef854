"""Retrieval: from a ``Query`` to evidence. Hybrid search (dense through langchain-chroma,
German BM25, reciprocal rank fusion, glossary expansion, place and kind filters) returns the
ranked chunks with the query vector; the page reader then reads the retrieved documents'
sentences and the referral passage. Every index read at question time happens here."""

from app.retrieval.hybrid import HybridRetriever, Retrieval, reciprocal_rank_fusion
from app.retrieval.pages import REFERRAL_PROGRAMME, Line, Page, PageReader, Quoted, Referral

__all__ = [
    "REFERRAL_PROGRAMME",
    "HybridRetriever",
    "Line",
    "Page",
    "PageReader",
    "Quoted",
    "Referral",
    "Retrieval",
    "reciprocal_rank_fusion",
]
