"""Chroma access: the client (embedded or server), Lotse's two collections, and the
check that an index is queried with the embedder that built it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TypedDict
from urllib.parse import urlparse

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.collection_configuration import CreateCollectionConfiguration
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from app.core import ConfigurationError, EmbedderMismatch, IndexMissing, Settings

EMBEDDER_KEY = "lotse_embedder"
MANIFEST_KEY = "lotse_manifest"


class ManifestEntry(TypedDict):
    """One committed document: the fingerprint it was ingested with and its chunks."""

    fingerprint: str
    chunks: list[str]


Manifest = dict[str, ManifestEntry]
"""doc_id -> entry: the committed state of the index."""
_COSINE: CreateCollectionConfiguration = {"hnsw": {"space": "cosine"}}


def manifest_chunk_ids(manifest: Manifest) -> set[str]:
    """Every chunk a manifest lists."""
    return {str(c) for entry in manifest.values() for c in entry["chunks"]}


def open_client(settings: Settings) -> ClientAPI:
    """An embedded ``PersistentClient``, or an ``HttpClient`` when ``chroma_url`` is set.

    Telemetry is off either way; Chroma's own embedding function is never used.
    """
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if not url.hostname:
            raise ConfigurationError(f"LOTSE_CHROMA_URL ist keine gültige Adresse: '{settings.chroma_url}'.")
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


@dataclass(frozen=True)
class Index:
    """Lotse's collections: chunks (retrieval) and their sentences (evidence selection),
    plus the LangChain vector store over the chunks that dense search goes through."""

    client: ClientAPI
    chunks: Collection
    sentences: Collection
    vectorstore: Chroma

    @property
    def embedder_id(self) -> str:
        return str((self.chunks.metadata or {}).get(EMBEDDER_KEY, ""))

    def _stored_manifest(self) -> Manifest | None:
        """The manifest as Chroma holds it now (re-read every call), None if there is none."""
        raw = (self.client.get_collection(self.chunks.name).metadata or {}).get(MANIFEST_KEY)
        return None if raw is None else dict(json.loads(str(raw)))

    def manifest(self) -> Manifest:
        """The committed documents and their chunks."""
        return self._stored_manifest() or {}

    def active_chunk_ids(self) -> set[str] | None:
        """Chunks of the committed state (anything else is a leftover of an interrupted
        ingest); None for an index written before manifests existed: all chunks count."""
        manifest = self._stored_manifest()
        return None if manifest is None else manifest_chunk_ids(manifest)

    def commit(self, manifest: Manifest) -> None:
        """Make ``manifest`` the committed state in one metadata write (the ingest's commit point)."""
        self.chunks.modify(metadata={EMBEDDER_KEY: self.embedder_id, MANIFEST_KEY: json.dumps(manifest, sort_keys=True)})


def _names(collection: str) -> tuple[str, str]:
    if len(collection) < 3:
        raise ConfigurationError("Der Name der Sammlung (LOTSE_COLLECTION) braucht mindestens 3 Zeichen.")
    return collection, f"{collection}-sentences"


def open_index(client: ClientAPI, collection: str, embeddings: Embeddings, *, create: bool = False) -> Index:
    """Open (or with ``create``, make) the index; refuse one built by another embedder."""
    embedder_id = str(getattr(embeddings, "id", type(embeddings).__name__))
    chunk_name, sentence_name = _names(collection)
    existing = {c.name for c in client.list_collections()}
    if not create and chunk_name not in existing:
        raise IndexMissing("Es gibt noch keinen Index. Bitte zuerst 'lotse ingest' ausführen.")
    metadata = {EMBEDDER_KEY: embedder_id}
    chunks = client.get_or_create_collection(chunk_name, embedding_function=None, metadata=metadata, configuration=_COSINE)
    index = Index(
        client=client,
        chunks=chunks,
        sentences=client.get_or_create_collection(
            sentence_name, embedding_function=None, metadata=metadata, configuration=_COSINE
        ),
        vectorstore=Chroma(client=client, collection_name=chunk_name, embedding_function=embeddings,
                           create_collection_if_not_exists=False),
    )
    if index.embedder_id != embedder_id:
        raise EmbedderMismatch(
            f"Der Index wurde mit '{index.embedder_id}' gebaut, eingestellt ist '{embedder_id}'. "
            "Bitte den Index neu aufbauen: 'lotse ingest --rebuild'."
        )
    return index


def drop_index(client: ClientAPI, collection: str) -> None:
    """Delete both collections, if they exist (for a rebuild with another embedder)."""
    existing = {c.name for c in client.list_collections()}
    for name in _names(collection):
        if name in existing:
            client.delete_collection(name)


def index_exists(client: ClientAPI, collection: str) -> bool:
    """Whether the chunk collection exists and holds anything."""
    chunk_name, _ = _names(collection)
    if chunk_name not in {c.name for c in client.list_collections()}:
        return False
    return client.get_collection(chunk_name).count() > 0
