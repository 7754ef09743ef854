"""Open what readers use: the live build at its committed generation and that generation's
BM25 index, as the pointer names them."""

from __future__ import annotations

from chromadb.api import ClientAPI

from app.core import IndexMissing, Settings
from app.index.embeddings import LotseEmbeddings
from app.index.lexical import LexicalIndex, lexical_folder
from app.index.store import Index, Pointer, live_pointer, open_build


def open_generation(
    client: ClientAPI, settings: Settings, embeddings: LotseEmbeddings, pointer: Pointer | None = None
) -> tuple[Index, LexicalIndex]:
    """The build and BM25 index of ``pointer`` (default: the committed one)."""
    pointer = pointer or live_pointer(client, settings.collection)
    index = open_build(client, pointer.live, embeddings, settings.lexical_path, pointer.generation)
    folder = lexical_folder(settings.lexical_path, pointer.live)
    lexical = LexicalIndex.open(folder, pointer.generation)
    if lexical is None:
        raise IndexMissing(
            f"Der Stichwortindex zum aktuellen Stand ({folder}) fehlt oder ist beschädigt. "
            "Bitte 'lotse ingest' ausführen: es baut ihn neu."
        )
    return index, lexical
