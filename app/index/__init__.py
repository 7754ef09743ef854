"""The index: the embedder, Lotse's Chroma collection of chunks (retrieval) and the file of
their sentences (evidence), with the pointer and generations that are the ingest's commit point,
the catalogue of committed chunks, and the German BM25 side. Ingest writes it; retrieval reads it."""

from app.index.catalogue import Catalogue
from app.index.current import open_generation
from app.index.embeddings import DEFAULT_EMBEDDER, LotseEmbeddings, load_embeddings
from app.index.lexical import LexicalIndex, LexicalRow, forget_lexical, lexical_folder, stop_word_stems, sync_lexical
from app.index.rows import Kept
from app.index.sentences import SentenceStore, StoredSentence, sentences_file
from app.index.store import (
    LIVE,
    Index,
    Pointer,
    drop_build,
    index_exists,
    is_visible,
    live_pointer,
    matcher,
    open_build,
    open_client,
    recovered_pointer,
    reopen_client,
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
    "Kept",
    "LexicalIndex",
    "LexicalRow",
    "LotseEmbeddings",
    "Pointer",
    "SentenceStore",
    "StoredSentence",
    "drop_build",
    "forget_lexical",
    "index_exists",
    "is_visible",
    "lexical_folder",
    "live_pointer",
    "load_embeddings",
    "matcher",
    "open_build",
    "open_client",
    "recovered_pointer",
    "reopen_client",
    "sentences_file",
    "set_aside",
    "open_generation",
    "store_errors",
    "this_process",
    "stop_word_stems",
    "sync_lexical",
    "visible_at",
]
