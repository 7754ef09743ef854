"""The index: the embedder, Lotse's two Chroma collections (chunks for retrieval, their
sentences for evidence) with the pointer and generations that are the ingest's commit point,
the catalogue of committed chunks, and the German BM25 side. Ingest writes it; retrieval reads it."""

from app.index.catalogue import Catalogue
from app.index.current import open_generation
from app.index.embeddings import DEFAULT_EMBEDDER, LotseEmbeddings, load_embeddings
from app.index.lexical import LexicalIndex, generation_folder, stop_word_stems
from app.index.store import (
    LIVE,
    Index,
    Pointer,
    Where,
    drop_build,
    index_exists,
    is_visible,
    live_pointer,
    open_build,
    open_client,
    open_index,
    orphan_build,
    recovered_pointer,
    reopen_client,
    sentence_id,
    sentences_name,
    set_aside,
    store_errors,
    this_process,
    visible_at,
)

__all__ = [
    "DEFAULT_EMBEDDER",
    "LIVE",
    "Catalogue",
    "Index",
    "LexicalIndex",
    "LotseEmbeddings",
    "Pointer",
    "Where",
    "drop_build",
    "generation_folder",
    "index_exists",
    "is_visible",
    "live_pointer",
    "load_embeddings",
    "open_build",
    "open_client",
    "recovered_pointer",
    "reopen_client",
    "set_aside",
    "open_generation",
    "open_index",
    "orphan_build",
    "sentence_id",
    "sentences_name",
    "store_errors",
    "this_process",
    "stop_word_stems",
    "visible_at",
]
