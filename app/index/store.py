"""Chroma access: the client (embedded or server), the pointer to the live build, a build's
collection and sentence file, row visibility by generation, and the check that an index is queried with
the embedder that built it.

Every chunk row carries ``born`` (the generation that added it) and ``died`` (the one that
retired it, ``LIVE`` until then). Readers of generation G see rows with born <= G < died, so
an ingest writes generation G+1 beside G and switches all readers by writing the pointer.
"""

from __future__ import annotations

import os
import shutil
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import httpx
from chromadb.api import ClientAPI
from chromadb.api.collection_configuration import CreateCollectionConfiguration
from chromadb.api.models.Collection import Collection
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError
from langchain_core.embeddings import Embeddings

from app.core import ConfigurationError, DamagedIndex, EmbedderMismatch, IndexMissing, Settings, StoreUnavailable
from app.index.lexical import lexical_folder
from app.index.rows import ChunkRows
from app.index.sentences import SentenceStore, sentence_files, sentences_file

EMBEDDER_KEY = "lotse_embedder"
LIVE = 2**31 - 1
"""The ``died`` of a row that no generation has retired yet."""
_COSINE: CreateCollectionConfiguration = {"hnsw": {"space": "cosine"}}
Where = dict[str, Any]


def visible_at(generation: int) -> Where:
    """Chroma filter for the rows a reader of ``generation`` sees: born by then, not yet retired."""
    return {"$and": [{"born": {"$lte": generation}}, {"died": {"$gt": generation}}]}


def is_visible(meta: Mapping[str, Any], generation: int) -> bool:
    """The Python twin of ``visible_at`` for rows already fetched."""
    return int(meta.get("born", 0)) <= generation < int(meta.get("died", LIVE))


Test = Callable[[Mapping[str, Any]], bool]


def matcher(where: Where | None) -> Test:
    """The test whether a fetched row's metadata passes a Chroma filter, as Chroma would decide it,
    for the operators Lotse writes (``$and``, ``$or``, equality, ``$contains`` on a list, ``$lte``,
    ``$gt``; another one is refused here): the filter is read once, the test runs on each of many rows."""
    tests = [_clause(key, condition) for key, condition in (where or {}).items()]
    return lambda meta: all(test(meta) for test in tests)


def _clause(key: str, condition: Any) -> Test:
    if key in ("$and", "$or"):
        parts = [matcher(clause) for clause in condition]
        join = all if key == "$and" else any
        return lambda meta: join(part(meta) for part in parts)
    if isinstance(condition, dict):
        comparisons = [_comparison(op, value) for op, value in condition.items()]
        return lambda meta: all(compares(meta.get(key)) for compares in comparisons)
    return lambda meta: bool(meta.get(key) == condition)


def _comparison(op: str, value: Any) -> Callable[[Any], bool]:
    if op == "$contains":
        return lambda field: isinstance(field, (list, tuple)) and value in field
    if op == "$eq":
        return lambda field: bool(field == value)
    if op == "$lte":
        return lambda field: field is not None and bool(field <= value)
    if op == "$gt":
        return lambda field: field is not None and bool(field > value)
    raise ValueError(f"Filter-Operator {op} wird hier nicht ausgewertet.")


@dataclass(frozen=True)
class Pointer:
    """Which build readers use and up to which generation (the ingest's commit point: one
    metadata write switches every reader from the old state to the new one).

    ``pending`` is a build being written beside the live one (first ingest or ``--rebuild``);
    ``previous`` the build it replaced, kept until the next ingest for readers still on it.
    """

    live: str = ""
    generation: int = 0
    embedder: str = ""
    pending: str = ""
    previous: str = ""
    pipeline: str = ""
    """The ingest pipeline version that wrote the live build (an older one needs an ingest)."""
    writer: str = ""
    """The process that committed it (``this_process()``): readers elsewhere reload their segments."""

    @classmethod
    def read(cls, client: ClientAPI, collection: str) -> Pointer | None:
        """The stored pointer (one metadata read), None if no ingest ever started."""
        try:
            meta = client.get_collection(pointer_name(collection)).metadata or {}
        except NotFoundError:
            return None
        return cls(
            **{f: meta[f] for f in ("live", "generation", "embedder", "pending", "previous", "pipeline", "writer") if f in meta}
        )

    def write(self, client: ClientAPI, collection: str) -> None:
        """Store the pointer in one metadata write."""
        fields = {k: v for k, v in asdict(self).items() if v != ""}
        client.get_or_create_collection(pointer_name(collection), embedding_function=None).modify(metadata=fields)


def pointer_name(collection: str) -> str:
    """The name of the collection holding ``collection``'s pointer; a German error if the name is too short."""
    if len(collection) < 3:
        raise ConfigurationError("Der Name der Sammlung (LOTSE_COLLECTION) braucht mindestens 3 Zeichen.")
    return f"{collection}-pointer"


def legacy_sentences_name(build: str) -> str:
    """The Chroma collection that held a build's sentences before pipeline version 9."""
    return f"{build}-sentences"


def _lost_connection(error: BaseException | None) -> bool:
    """Whether ``error`` comes from the network under Chroma's client (it wraps httpx's errors
    in its own, e.g. ``ValueError("Could not connect to a Chroma server")``)."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, (httpx.TransportError, ConnectionError)):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


@contextmanager
def store_errors(settings: Settings) -> Iterator[None]:
    """Turn a lost connection to the Chroma server into ``StoreUnavailable`` (one German
    message at every edge); usable as a decorator too."""
    try:
        yield
    except StoreUnavailable:
        raise
    except Exception as error:
        if _lost_connection(error):
            raise StoreUnavailable(f"Chroma-Server {settings.chroma_url}: {type(error).__name__}: {error}") from error
        raise


def _limit_wait(client: ClientAPI, seconds: float) -> None:
    """Give the server client's HTTP session a timeout (Chroma creates it with none and has no
    setting for it; ``tests/test_store_faults.py`` pins that this takes effect)."""
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(seconds)


def open_client(settings: Settings) -> ClientAPI:
    """An embedded ``PersistentClient``, or an ``HttpClient`` when ``chroma_url`` is set.

    Telemetry is off either way; Chroma's own embedding function is never used.
    """
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if not url.hostname:
            raise ConfigurationError(f"LOTSE_CHROMA_URL ist keine gültige Adresse: '{settings.chroma_url}'.")
        with store_errors(settings):
            client = chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        _limit_wait(client, settings.chroma_timeout_s)
        return client
    folder = settings.chroma_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigurationError(
            f"Der Ordner für den Suchindex ({folder}) lässt sich nicht anlegen: {error.strerror}."
        ) from error
    if not os.access(folder, os.W_OK):  # read-only (mount or rights): Chroma writes even to answer
        raise ConfigurationError(
            f"Der Suchindex in {folder} ist schreibgeschützt. Chroma schreibt auch beim Lesen in diesen "
            "Ordner: bitte Schreibrechte geben, oder LOTSE_CHROMA_URL auf einen Chroma-Server setzen."
        )
    try:
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except Exception as error:  # Chroma's InternalError ("file is not a database"), an OSError, …
        _forget_system(settings)
        raise DamagedIndex(
            f"Der Suchindex in {settings.chroma_dir} lässt sich nicht öffnen. Reparatur: lotse ingest --rebuild "
            "(legt den beschädigten Ordner beiseite und baut neu).",
            detail=f"{type(error).__name__}: {error}",
        ) from error


def _forget_system(settings: Settings) -> None:
    """Stop and drop the embedded Chroma system this process keeps for the index's path, so the
    next client loads the files afresh (Chroma has no public call for this)."""
    identifier = str(settings.chroma_dir)
    with SharedSystemClient._refcount_lock:
        stale = SharedSystemClient._identifier_to_system.pop(identifier, None)
        SharedSystemClient._identifier_to_refcount.pop(identifier, None)
    if stale is not None:
        with suppress(Exception):  # a system that failed to start (damaged files) has nothing to stop
            stale.stop()


def set_aside(settings: Settings) -> Path:
    """Move a damaged embedded index folder out of the way (beside it, with the time) and return where."""
    aside = settings.chroma_dir.with_name(f"{settings.chroma_dir.name}.beschaedigt-{time.strftime('%Y%m%d-%H%M%S')}")
    settings.chroma_dir.rename(aside)
    return aside


def this_process() -> str:
    """Who commits an ingest: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def reopen_client(client: ClientAPI, settings: Settings) -> ClientAPI:
    """A client that sees what other processes committed since ``client`` was opened.

    An embedded Chroma keeps its vector segments in memory, one copy per path and process
    shared by every client there: rows another process (a cron ``lotse ingest``) wrote after
    they were loaded are unknown to it ("Error finding id"). That copy is stopped and a new
    client loads the files afresh. Chroma has no public call for this; the test that runs
    ``lotse serve`` beside a ``lotse ingest`` (tests/test_campaign_two.py) pins that it works.
    A server's client always sees the server's state and is kept."""
    if settings.chroma_url:
        return client
    _forget_system(settings)
    return open_client(settings)


@dataclass(frozen=True)
class Index:
    """One build as a reader of ``generation`` sees it: the chunk collection (retrieval), the
    chunks' sentences (evidence selection, in a file beside the BM25 indexes), and the chunk
    rows this reader has read."""

    client: ClientAPI
    chunks: Collection
    sentences: SentenceStore
    generation: int = 0
    rows: ChunkRows = field(init=False, repr=False, compare=False)
    """Made with the index, so a copy for another generation or collection never shares it."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", ChunkRows(self.chunks))

    @property
    def embedder_id(self) -> str:
        """The id of the embedder the chunks were embedded with (empty if the collection does not say)."""
        return str((self.chunks.metadata or {}).get(EMBEDDER_KEY, ""))

    def visible(self) -> Where:
        """Filter for the chunks of this generation."""
        return visible_at(self.generation)


def open_build(
    client: ClientAPI, build: str, embeddings: Embeddings, folder: Path, generation: int = 0, *, create: bool = False
) -> Index:
    """Open (or with ``create``, make) one build: its collection in Chroma, its sentences in
    ``folder``; refuse one made by another embedder."""
    embedder_id = str(getattr(embeddings, "id", type(embeddings).__name__))
    if create:
        chunks = client.get_or_create_collection(
            build, embedding_function=None, metadata={EMBEDDER_KEY: embedder_id}, configuration=_COSINE
        )
    else:
        chunks = client.get_collection(build, embedding_function=None)
    index = Index(
        client=client,
        chunks=chunks,
        sentences=SentenceStore(sentences_file(folder, build), create=create),
        generation=generation,
    )
    if index.embedder_id != embedder_id:
        raise EmbedderMismatch(
            f"Der Index wurde mit '{index.embedder_id}' gebaut, eingestellt ist '{embedder_id}'. "
            "Bitte den Index neu aufbauen: 'lotse ingest --rebuild'."
        )
    return index


def live_pointer(client: ClientAPI, collection: str) -> Pointer:
    """The committed pointer, or a German ``IndexMissing`` if nothing was ever committed (or
    the pointer was lost while a build is still there: the next ingest finds it again)."""
    pointer = Pointer.read(client, collection)
    if pointer is None and orphan_build(client, collection):
        raise IndexMissing(
            "Der Verweis auf den aktuellen Index fehlt; 'lotse ingest' stellt ihn aus dem vorhandenen Index wieder her."
        )
    if pointer is None or not pointer.live:
        raise IndexMissing("Es gibt noch keinen Index. Bitte zuerst 'lotse ingest' ausführen.")
    return pointer


def orphan_build(client: ClientAPI, collection: str) -> str | None:
    """The newest build of ``collection`` still in the store (build names start with the time)."""
    prefix = f"{collection}-b"
    builds = [c.name for c in client.list_collections() if c.name.startswith(prefix) and not c.name.endswith("-sentences")]
    return max(builds, default=None)


def recovered_pointer(client: ClientAPI, collection: str, embeddings: Embeddings, folder: Path) -> Pointer | None:
    """A pointer to the newest build left without one (its pointer collection was lost), at the
    last generation its rows record; None if there is no such build. One read of the build's
    row metadata: a repair, never on the question path."""
    build = orphan_build(client, collection)
    if build is None:
        return None
    index = open_build(client, build, embeddings, folder)
    rows = index.chunks.get(include=["metadatas"])
    generations = [
        int(str(meta.get(key)))
        for meta in rows["metadatas"] or []
        for key in ("born", "died")
        if meta.get(key) is not None and int(str(meta.get(key))) < LIVE
    ]
    return Pointer(live=build, generation=max(generations, default=1), embedder=index.embedder_id)


def drop_build(client: ClientAPI, build: str, folder: Path) -> None:
    """Delete one build: its collection (and the sentence collection of older versions), if
    they exist, its sentence file and its BM25 index."""
    existing = {c.name for c in client.list_collections()}
    for name in (build, legacy_sentences_name(build)):
        if name in existing:
            client.delete_collection(name)
    for path in sentence_files(folder, build):
        path.unlink(missing_ok=True)
    shutil.rmtree(lexical_folder(folder, build), ignore_errors=True)


def index_exists(client: ClientAPI, collection: str) -> bool:
    """Whether a committed build exists."""
    pointer = Pointer.read(client, collection)
    return pointer is not None and bool(pointer.live)
