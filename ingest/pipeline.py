"""Bring the index in line with the corpus folder, streaming documents in small batches.

Documents flow load -> clean -> chunk -> embed -> write one batch at a time, so memory does
not grow with the corpus. Every row a run writes belongs to the next generation and stays
invisible until the pointer is committed at the end (see ``app.index.store``): a run killed at
any moment leaves the old state, and the next run reuses every row it finds instead of
embedding it again. Unchanged files are recognised by their fingerprint and not even parsed;
a changed document gets new rows, and sentences whose text did not change keep their vectors.
"""

from __future__ import annotations

import fcntl
import hashlib
import re
import secrets
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.api.types import Where
from tqdm import tqdm

from app.conversation import Glossary, places_digest
from app.core import STATEWIDE, IngestBusy, Settings, addresses_an_ai
from app.index import (
    LIVE,
    Index,
    LexicalIndex,
    LexicalRow,
    LotseEmbeddings,
    Pointer,
    StoredSentence,
    drop_build,
    forget_lexical,
    is_visible,
    lexical_folder,
    open_build,
    recovered_pointer,
    sentences_file,
    store_errors,
    sync_lexical,
    this_process,
)
from ingest.chunking import Chunk, chunk_paragraphs
from ingest.clean import clean_page
from ingest.loaders import SKIPPED, CorpusFile, LoadError, SourceDocument, discover, load
from ingest.vectors import VectorReuse, titled
from ingest.web_sync import PAGES, SyncReport, WebSync

PIPELINE_VERSION = "8"
LEAD_CHARS = 300
"""How much of a document's first paragraph (its lead) says what place it is about."""
BATCH_DOCS = 16
EMBED_BATCH = 64
WRITE_BATCH = 1000
PAGE = 500
"""Chunks read from Chroma per call when the whole generation is read (the BM25 build, retiring
removed documents). Chroma's memory grows with the page, not the offset: reading 12,138 chunks
took +210 MB at 5,000 per page, +65 MB at 500 and +48 MB at 100 (the last 1.5x slower), measured."""


@dataclass
class IngestReport:
    """What one run did; ``summary()`` is the line printed at the end."""

    documents: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: int = 0
    texts_embedded: int = 0
    vectors_reused: int = 0
    rows_written: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    """Files left out, documents that failed, and notes on ingested ones (dropped metadata, hidden text)."""
    skipped: int = 0
    """Files left out before parsing (type, size, links, unreadable); not those ingested with a note."""
    web: SyncReport | None = None
    """What fetching the web sources did (None: not fetched this run)."""

    def summary(self) -> str:
        """The German summary printed at the end: the web sources' line (if fetched), then documents, chunks,
        changes, vectors and time."""
        web = f"{self.web.summary()}\n" if self.web is not None else ""
        return web + (
            f"{self.documents} Dokumente, {self.chunks} Abschnitte | neu {self.added}, geändert {self.updated}, "
            f"unverändert {self.unchanged}, entfernt {self.removed}, fehlgeschlagen {self.failed}, "
            f"übersprungen {self.skipped} | Texte eingebettet {self.texts_embedded}, "
            f"Vektoren wiederverwendet {self.vectors_reused} | {self.seconds:.1f} s"
        )


_Record = tuple[str, list[float], str, dict[str, Any]]
"""id, vector, text, metadata: one row to write."""


@dataclass(frozen=True)
class Row:
    """A stored chunk row as the planner needs it."""

    id: str
    meta: dict[str, Any]


@dataclass
class _Target:
    """The build a run writes into, the generation it writes, and the pointer that commits it."""

    index: Index
    next: int
    commit: Pointer
    readers: Pointer
    """The pointer readers use while the run lasts."""
    recovered: bool = False
    """The pointer was lost and found again from the build still in the store."""


def _context_digest(glossary_bytes: bytes) -> str:
    """Part of every fingerprint: a new glossary or pipeline version re-tags all chunks."""
    return hashlib.sha256(PIPELINE_VERSION.encode() + glossary_bytes).hexdigest()[:16]


def row_id(chunk: Chunk, fingerprint: str) -> str:
    """A chunk row is one version of a chunk: same text in a new file version is a new row."""
    return hashlib.sha256(f"{chunk.id}\n{fingerprint}".encode()).hexdigest()[:24]


def document_places(doc: SourceDocument, glossary: Glossary) -> list[str]:
    """The places a document is about: its sidecar's, else its web host's (kreis-coesfeld.de),
    else those its title names, else those of its lead, else the whole Land. A place named
    further down (the ministry's address in a footer, a venue, a visitor's home town) is not
    what it is about."""
    stated = [glossary.canonical_place(p) or p for p in doc.places]
    paragraphs = [p.strip() for p in doc.text.split("\n\n") if p.strip() and p.strip() != doc.title.strip()]
    lead = paragraphs[0][:LEAD_CHARS] if paragraphs else ""
    host = host_place(doc.url, glossary)
    return list(
        dict.fromkeys(
            stated or ([host] if host else []) or glossary.places_in(doc.title) or glossary.places_in(lead) or [STATEWIDE]
        )
    )


def host_place(url: str | None, glossary: Glossary) -> str | None:
    """The Kreis or kreisfreie Stadt whose own site a page is on: the name under the top-level
    domain ("www.kreis-coesfeld.de", "integration.stadt-koeln.de", "www.essen.de"). A Land's site
    (".nrw.de") names no single place."""
    host = urlsplit(url).hostname if url else None
    labels = host.split(".") if host else []
    if len(labels) < 2:
        return None
    name = labels[-2].replace("-", " ")
    place = glossary.places.canonical_place(name)
    return place if place != STATEWIDE else None


def chunk_places(doc: SourceDocument, chunk: Chunk, glossary: Glossary) -> list[str]:
    """A chunk's places: its document's; a statewide or several-place document's chunk also
    the places it names itself (the part of an overview about Köln is found for Köln)."""
    about = document_places(doc, glossary)
    local = [p for p in about if p != STATEWIDE]
    return list(dict.fromkeys([*about, *(glossary.places_in(chunk.text) if len(local) != 1 else [])]))


def chunk_metadata(doc: SourceDocument, chunk: Chunk, glossary: Glossary, fingerprint: str, born: int) -> dict[str, Any]:
    """Chroma metadata of a chunk row (no None values; list fields only when non-empty)."""
    fields: dict[str, Any] = {
        "doc_id": doc.doc_id,
        "title": doc.title,
        "date": doc.date or "",
        "kind": doc.kind,
        "position": chunk.position,
        "fingerprint": fingerprint,
        "born": born,
        "died": LIVE,
        "places": chunk_places(doc, chunk, glossary),
        "land": glossary.canonical_land(doc.land) if doc.land else glossary.land_in(" ".join(doc.places)),
        "programmes": glossary.programmes_in(chunk.text),
        "sources": list(doc.sources),
        **({"url": doc.url} if doc.url else {}),
    }
    return {key: value for key, value in fields.items() if value != []}


def batched(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """Consecutive slices of ``items``, each of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


@contextmanager
def ingest_lock(settings: Settings) -> Iterator[None]:
    """One ingest per index at a time; a second one stops with a clear message."""
    index = settings.chroma_dir.resolve()  # one lock per real folder, whatever link leads to it
    path = index.with_name(index.name + ".ingest.lock")
    if settings.chroma_url:
        path = index.with_name(f"{settings.collection}.ingest.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise IngestBusy(f"Für diesen Index läuft schon ein Ingest ({path}). Bitte warten, bis er fertig ist.") from error
        yield


def _new_build_name(collection: str) -> str:
    """A build name that never repeats (time and randomness): a reader holding a deleted
    build can never mistake a new build of the same name for it."""
    return f"{collection}-b{time.strftime('%Y%m%d%H%M%S', time.gmtime())}{secrets.token_hex(3)}"


def _open_target(client: ClientAPI, settings: Settings, embeddings: LotseEmbeddings, rebuild: bool) -> _Target:
    """The live build for an incremental run; a new build beside it for a first run or a
    rebuild (an interrupted one is resumed). The pending build is recorded before any write."""
    pointer = Pointer.read(client, settings.collection)
    folder = settings.lexical_path
    recovered = None if pointer is not None or rebuild else recovered_pointer(client, settings.collection, embeddings, folder)
    if recovered is not None:  # the pointer was lost: the build still there is used again, not re-embedded and orphaned
        recovered.write(client, settings.collection)
    pointer = pointer or recovered or Pointer()
    if pointer.previous:  # kept for readers of the last generation; the next ingest drops it
        drop_build(client, pointer.previous, folder)
        pointer = replace(pointer, previous="")
        pointer.write(client, settings.collection)
    rebuild = (
        rebuild or bool(pointer.live) and not sentences_file(folder, pointer.live).is_file()
    )  # in Chroma, or an older format
    if pointer.live and not rebuild and not pointer.pending:
        index = open_build(client, pointer.live, embeddings, folder, pointer.generation)
        return _Target(
            index, pointer.generation + 1, replace(pointer, generation=pointer.generation + 1), pointer, recovered is not None
        )
    legacy = settings.collection if settings.collection in {c.name for c in client.list_collections()} else ""
    build = pointer.pending
    if build:
        try:
            open_build(client, build, embeddings, folder)
        except Exception:  # an interrupted rebuild with another embedder or without its sentences: start again
            drop_build(client, build, folder)
            build = ""
    build = build or _new_build_name(settings.collection)
    replace(pointer, pending=build).write(client, settings.collection)
    index = open_build(client, build, embeddings, folder, 0, create=True)
    return _Target(
        index, 1, Pointer(live=build, generation=1, embedder=index.embedder_id, previous=pointer.live or legacy), pointer
    )


def index_is_current(client: ClientAPI, settings: Settings) -> bool:
    """Whether a committed build exists, written by this pipeline version, with its BM25 index and
    its sentences in this format (a file of an older format is rebuilt by the next ingest)."""
    pointer = Pointer.read(client, settings.collection)
    if pointer is None or not pointer.live or pointer.pipeline != PIPELINE_VERSION:
        return False
    folder = settings.lexical_path
    current = sentences_file(folder, pointer.live).is_file()
    return current and LexicalIndex.open(lexical_folder(folder, pointer.live), pointer.generation) is not None


def run_ingest(
    settings: Settings,
    client: ClientAPI,
    embeddings: LotseEmbeddings,
    glossary: Glossary,
    *,
    progress: bool = True,
    rebuild: bool = False,
    batch_docs: int = BATCH_DOCS,
    web: WebSync | None = None,
) -> IngestReport:
    """Synchronise the index with ``settings.corpus_dir`` and the fetched web pages (first
    brought up to date by ``web``, if given); returns what was done."""
    started = time.perf_counter()
    with ingest_lock(settings), store_errors(settings):
        report = IngestReport()
        target = _open_target(client, settings, embeddings, rebuild)
        _purge_retired(target.index, settings.lexical_path)
        glossary_path = settings.glossary_path
        context = _context_digest((glossary_path.read_bytes() if glossary_path.is_file() else b"") + places_digest())
        if web is not None:
            report.web = web.run()
        files, report.warnings = discover(settings.corpus_dir)
        if target.recovered:
            report.warnings.insert(
                0,
                f"Der Verweis auf den Index fehlte; der vorhandene Build {target.readers.live} "
                f"(Stand {target.readers.generation}) wird weiterverwendet.",
            )
        if (settings.web_dir / PAGES).is_dir():
            fetched, warnings = discover(settings.web_dir / PAGES, prefix="web")
            files += fetched
            report.warnings += warnings
        report.skipped = sum(f": {SKIPPED} (" in w for w in report.warnings)
        writer = _BatchWriter(target, embeddings, glossary, context, report)
        with tqdm(total=len(files), desc="Ingest", unit="Dok.", disable=not progress or not files) as bar:
            for batch in batched(files, batch_docs):
                writer.write(batch)
                bar.update(len(batch))
        _retire_removed(target, {f.doc_id for f in files}, report)
        lexical = lexical_folder(settings.lexical_path, target.index.chunks.name)
        unreadable = LexicalIndex.open(lexical, target.index.generation) is None  # missing, damaged or an older format
        if writer.changes or report.removed or unreadable or target.readers.pipeline != PIPELINE_VERSION:
            _sync_lexical(target, settings.lexical_path, settings.collection, full=unreadable, progress=progress)
            replace(target.commit, pipeline=PIPELINE_VERSION, writer=this_process()).write(client, settings.collection)
    report.seconds = time.perf_counter() - started
    return report


def _sync_lexical(target: _Target, root: Path, collection: str, *, full: bool, progress: bool) -> None:
    """Add the next generation's rows to the build's BM25 index (with ``full``, build it from
    every row). The BM25 folders of this collection's other builds and of older formats go,
    except the one readers use now."""
    index, generation = target.index, target.next
    where = None if full else cast(Where, {"born": generation})
    rows = tqdm(_row_texts(index, where), desc="Stichwortindex", unit="Abschn.", disable=not progress)
    sync_lexical(lexical_folder(root, index.chunks.name), rows, generation, full=full)
    keep = {lexical_folder(root, index.chunks.name).name, lexical_folder(root, target.readers.live).name}
    ours = own_folders(collection)
    for folder in root.iterdir():
        if folder.name not in keep and ours.fullmatch(folder.name):
            shutil.rmtree(folder, ignore_errors=True)


def own_folders(collection: str) -> re.Pattern[str]:
    """The BM25 folder names of this collection's builds (``<collection>-b<id>-bm25``, and the
    older per-generation ``<collection>[-b<id>]-g<n>``): another collection in the same folder
    is never touched."""
    return re.compile(rf"{re.escape(collection)}(?:-b[0-9a-f]+)?-(?:g\d+|bm25(?:\.partial)?)")


def _row_texts(index: Index, where: Where | None) -> Iterator[LexicalRow]:
    """(chunk id, "title\ntext", Land, born) of the build's rows matching ``where``, page by page."""
    offset = 0
    while got := index.chunks.get(where=where, include=["documents", "metadatas"], limit=PAGE, offset=offset):
        if not got["ids"]:
            return
        for chunk_id, text, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or []):
            title, land = str(meta.get("title", "")), str(meta.get("land", STATEWIDE))
            yield chunk_id, titled(title, str(text)), land, int(str(meta.get("born", 0)))
        offset += len(got["ids"])


class _BatchWriter:
    """Plans and writes one batch of files into the target generation."""

    def __init__(
        self, target: _Target, embeddings: LotseEmbeddings, glossary: Glossary, context: str, report: IngestReport
    ) -> None:
        self.target = target
        self.index = target.index
        self.embeddings = embeddings
        self.glossary = glossary
        self.context = context
        self.report = report
        self.changes = 0
        """Rows this run wrote, retired, revived or dropped: zero means nothing to commit."""

    def write(self, files: Sequence[CorpusFile]) -> None:
        rows = _rows_of(self.index, [f.doc_id for f in files])
        retire: list[str] = []
        revive: list[str] = []
        drop: list[str] = []
        plans: list[tuple[SourceDocument, str, list[Chunk]]] = []
        for file in files:
            fingerprint = f"{file.fingerprint}-{self.context}"
            doc_rows = rows.get(file.doc_id, [])
            visible = [r for r in doc_rows if is_visible(r.meta, self.index.generation)]
            pending = [r for r in doc_rows if int(r.meta["born"]) > self.index.generation]
            keep_visible = bool(visible) and all(r.meta["fingerprint"] == fingerprint for r in visible)
            loaded = None if keep_visible else self._load(file)
            if loaded is None:  # unchanged, or unreadable: the committed rows stay as they are
                revive += [r.id for r in visible if int(r.meta["died"]) != LIVE]
                drop += [r.id for r in pending]
                self.report.unchanged += keep_visible
                self.report.documents += bool(visible)
                self.report.chunks += len(visible)
                continue
            doc, chunks = loaded
            wanted = {row_id(c, fingerprint) for c in chunks}
            written = {r.id for r in pending if r.id in wanted}
            drop += [r.id for r in pending if r.id not in wanted]
            retire += [r.id for r in visible]
            plans.append((doc, fingerprint, [c for c in chunks if row_id(c, fingerprint) not in written]))
            self.changes += len(wanted)
            self.report.documents += 1
            self.report.chunks += len(chunks)
            self.report.updated += bool(visible)
            self.report.added += not visible
        self._add(plans)
        _set_died(self.index, revive, LIVE)
        _set_died(self.index, retire, self.target.next)
        _delete_rows(self.index, drop)
        self.changes += len(revive) + len(retire) + len(drop)

    def _load(self, file: CorpusFile) -> tuple[SourceDocument, list[Chunk]] | None:
        """The parsed document and its chunks (each text once), or None with a warning."""
        try:
            doc = load(file)
        except (LoadError, OSError) as error:
            reason = str(error)
        else:
            chunks = list({c.id: c for c in chunk_paragraphs(doc.doc_id, clean_page(doc.text))}.values())
            if chunks:
                self.report.warnings += [f"{file.doc_id}: {w}" for w in doc.warnings]
                orders = sum(addresses_an_ai(s) for c in chunks for s in c.sentences)
                if orders:
                    self.report.warnings.append(
                        f"{file.doc_id}: {orders} {'Satz richtet' if orders == 1 else 'Sätze richten'} Anweisungen an eine KI; "
                        "sie werden nie als Beleg verwendet"
                    )
                return doc, chunks
            reason = "kein Text nach der Bereinigung"
        self.report.warnings.append(f"{file.doc_id}: fehlgeschlagen ({reason}); beim nächsten Lauf neuer Versuch")
        self.report.failed += 1
        return None

    def _add(self, plans: list[tuple[SourceDocument, str, list[Chunk]]]) -> None:
        """Embed what is new and write sentences before their chunks, so a stored chunk
        always has its sentences."""
        if not any(chunks for _, _, chunks in plans):
            return
        reuse = VectorReuse.stored(self.index, [doc.doc_id for doc, _, chunks in plans if chunks])
        texts = [titled(doc.title, c.text) for doc, _, chunks in plans for c in chunks]
        texts += [s for _, _, chunks in plans for c in chunks for s in c.sentences]
        missing = reuse.missing(texts)
        for batch in batched(missing, EMBED_BATCH):
            reuse.add(batch, self.embeddings.embed_documents(list(batch)))
        self.report.texts_embedded += len(missing)
        self.report.vectors_reused += len(texts) - len(missing)
        sentence_rows: list[StoredSentence] = []
        chunk_rows: list[_Record] = []
        for doc, fingerprint, chunks in plans:
            for chunk in chunks:
                rid = row_id(chunk, fingerprint)
                for i, s in enumerate(chunk.sentences):
                    entities, places = self.glossary.sentence_tags(s, doc.title)
                    vector = np.asarray(reuse.vector(s), dtype=np.float32)
                    sentence_rows.append(StoredSentence(rid, i, doc.doc_id, s, vector, frozenset(entities), frozenset(places)))
                meta = chunk_metadata(doc, chunk, self.glossary, fingerprint, self.target.next)
                chunk_rows.append((rid, reuse.vector(titled(doc.title, chunk.text)), chunk.text, meta))
        for batch in batched(sentence_rows, WRITE_BATCH):
            self.index.sentences.add(batch)
        _upsert(self.index.chunks, chunk_rows)
        self.report.rows_written += len(chunk_rows)


def _rows_of(index: Index, doc_ids: list[str]) -> dict[str, list[Row]]:
    """Every stored row of these documents, of any generation, by document."""
    got = index.chunks.get(where=cast(Where, {"doc_id": {"$in": doc_ids}}), include=["metadatas"])
    rows: dict[str, list[Row]] = {}
    for rid, meta in zip(got["ids"], got["metadatas"] or []):
        rows.setdefault(str(meta["doc_id"]), []).append(Row(rid, dict(meta)))
    return rows


def _set_died(index: Index, row_ids: list[str], died: int) -> None:
    for batch in batched(row_ids, WRITE_BATCH):
        index.chunks.update(ids=list(batch), metadatas=[{"died": died}] * len(batch))


def _upsert(collection: Collection, rows: list[_Record]) -> None:
    for batch in batched(rows, WRITE_BATCH):
        ids, vectors, documents, metadatas = zip(*batch)
        collection.upsert(ids=list(ids), embeddings=list(vectors), documents=list(documents), metadatas=list(metadatas))


def _delete_rows(index: Index, row_ids: list[str]) -> None:
    """Invisible chunk rows: their sentences first, so an interrupted delete leaves a chunk
    row that the next run finds and deletes again, never orphaned sentences."""
    for batch in batched(row_ids, WRITE_BATCH):
        index.sentences.delete(batch)
        index.chunks.delete(ids=list(batch))


def _purge_retired(index: Index, root: Path) -> None:
    """Delete rows retired at or before the committed generation: no reader of it sees them.
    They leave the BM25 index first, so a stop in between leaves none behind there."""
    while ids := index.chunks.get(where=cast(Where, {"died": {"$lte": index.generation}}), include=[], limit=WRITE_BATCH)["ids"]:
        forget_lexical(lexical_folder(root, index.chunks.name), ids)
        _delete_rows(index, ids)


def _retire_removed(target: _Target, present: set[str], report: IngestReport) -> None:
    """Documents in the build but no longer in the corpus: committed rows retire with the
    next generation, rows an interrupted run wrote for them are deleted."""
    index = target.index
    gone: set[str] = set()
    offset = 0
    while metas := index.chunks.get(where={"position": 0}, include=["metadatas"], limit=PAGE, offset=offset)["metadatas"]:
        gone |= {str(m["doc_id"]) for m in metas} - present
        offset += len(metas)
    for batch in batched(sorted(gone), BATCH_DOCS):
        rows = [row for doc_rows in _rows_of(index, list(batch)).values() for row in doc_rows]
        visible = [r for r in rows if is_visible(r.meta, index.generation)]
        report.removed += len({r.meta["doc_id"] for r in visible})
        _set_died(index, [r.id for r in visible], target.next)
        _delete_rows(index, [r.id for r in rows if int(r.meta["born"]) > index.generation])
