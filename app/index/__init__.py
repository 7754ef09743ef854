"""The index: the embedder, Lotse's two Chroma collections (chunks for retrieval, their
sentences for evidence) with the manifest that is the ingest's commit point, the catalogue
of committed chunks, and the German BM25 side. Ingest writes it; retrieval reads it."""

from app.index.catalogue import Catalogue
from app.index.embeddings import DEFAULT_EMBEDDER, LotseEmbeddings, load_embeddings
from app.index.lexical import LexicalIndex
from app.index.store import (
    Index,
    Manifest,
    ManifestEntry,
    drop_index,
    index_exists,
    manifest_chunk_ids,
    open_client,
    open_index,
)

__all__ = [
    "DEFAULT_EMBEDDER",
    "Catalogue",
    "Index",
    "LexicalIndex",
    "LotseEmbeddings",
    "Manifest",
    "ManifestEntry",
    "drop_index",
    "index_exists",
    "load_embeddings",
    "manifest_chunk_ids",
    "open_client",
    "open_index",
]
