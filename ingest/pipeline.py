"""Bring the Chroma index in line with the corpus folder, embedding only what is new.

Unchanged files are recognised by their fingerprint and not even parsed; a changed file
replaces its chunks (chunks whose text is unchanged keep their embedding); chunks of
deleted files disappear. New rows are written before stale rows are deleted.
"""

from __future__ import annotations

import fcntl
import hashlib
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from chromadb.api import ClientAPI
from tqdm import tqdm

from app.conversation import Glossary
from app.core import IngestBusy, Settings
from app.index import Index, LotseEmbeddings, Manifest, manifest_chunk_ids, open_index
from ingest.chunking import Chunk, chunk_paragraphs
from ingest.clean import clean_page
from ingest.loaders import LoadError, SourceDocument, discover, load

PIPELINE_VERSION = "3"
EMBED_BATCH = 32
WRITE_BATCH = 1000


@dataclass
class IngestReport:
    """What one run did; ``summary()`` is the line printed at the end."""

    documents: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    chunks_embedded: int = 0
    chunks_deleted: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.documents} Dokumente, {self.chunks} Abschnitte | "
            f"Dokumente neu {self.added}, geändert {self.updated}, entfernt {self.removed}, "
            f"übersprungen {len(self.warnings)} | Abschnitte eingebettet {self.chunks_embedded}, "
            f"gelöscht {self.chunks_deleted} | {self.seconds:.1f} s"
        )


@dataclass(frozen=True)
class _Plan:
    """The writes one changed document needs."""

    doc: SourceDocument
    fingerprint: str
    chunks: list[Chunk]
    new: list[Chunk]


def _context_digest(glossary_bytes: bytes) -> str:
    """Part of every fingerprint: a new glossary or pipeline version re-tags all chunks."""
    return hashlib.sha256(PIPELINE_VERSION.encode() + glossary_bytes).hexdigest()[:16]


def chunk_metadata(doc: SourceDocument, chunk: Chunk, glossary: Glossary, fingerprint: str) -> dict[str, Any]:
    """Chroma metadata of a chunk (no None values; list fields only when non-empty)."""
    declared_places = [str(p) for p in doc.meta.get("places") or []]
    fields: dict[str, Any] = {
        "doc_id": doc.doc_id,
        "title": doc.title,
        "date": doc.date or "",
        "kind": doc.kind,
        "position": chunk.position,
        "fingerprint": fingerprint,
        "sentences": len(chunk.sentences),
        "places": list(dict.fromkeys(declared_places + glossary.places_in(chunk.text))),
        "programmes": glossary.programmes_in(chunk.text),
        "sources": [str(s) for s in doc.meta.get("sources") or []],
    }
    return {key: value for key, value in fields.items() if value != []}


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _embed_all(embeddings: LotseEmbeddings, texts: list[str], progress: bool) -> list[list[float]]:
    vectors: list[list[float]] = []
    with tqdm(total=len(texts), desc="Einbetten", unit="Text", disable=not progress or not texts) as bar:
        for batch in _batches(texts, EMBED_BATCH):
            vectors.extend(embeddings.embed_documents(list(batch)))
            bar.update(len(batch))
    return vectors


@contextmanager
def ingest_lock(settings: Settings) -> Iterator[None]:
    """One ingest per index at a time; a second one stops with a clear message."""
    path = settings.chroma_dir.with_name(settings.chroma_dir.name + ".ingest.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise IngestBusy(f"Für diesen Index läuft schon ein Ingest ({path}). Bitte warten, bis er fertig ist.") from error
        yield


def run_ingest(
    settings: Settings,
    client: ClientAPI,
    embeddings: LotseEmbeddings,
    glossary: Glossary,
    *,
    progress: bool = True,
) -> IngestReport:
    """Synchronise the index with ``settings.corpus_dir``; returns what was done.

    Crash safety: new chunks are written first and stay invisible until the manifest that
    lists them is committed in one metadata write; stale chunks are deleted afterwards. A
    run killed at any point leaves the old or the new state; the next run finishes the job.
    """
    started = time.perf_counter()
    with ingest_lock(settings):
        report = IngestReport()
        index = open_index(client, settings.collection, embeddings, create=True)
        glossary_path = settings.glossary_path
        context = _context_digest(glossary_path.read_bytes() if glossary_path.is_file() else b"")
        committed = index.manifest()
        got = index.chunks.get(include=["metadatas"])
        stored = dict(zip(got["ids"], got["metadatas"] or []))
        files, report.warnings = discover(settings.corpus_dir)
        manifest: Manifest = {}
        plans: list[_Plan] = []
        for file in files:
            fingerprint = f"{file.fingerprint}-{context}"
            entry = committed.get(file.doc_id)
            if entry and entry["fingerprint"] == fingerprint and all(
                stored.get(c, {}).get("fingerprint") == fingerprint for c in entry["chunks"]
            ):
                manifest[file.doc_id] = entry
                report.chunks += len(entry["chunks"])
                continue
            try:
                doc = load(file)
            except (LoadError, OSError) as error:
                report.warnings.append(f"{file.doc_id}: übersprungen ({error})")
                if entry:
                    manifest[file.doc_id] = entry  # keep what was there: nothing is lost
                continue
            chunks = list({c.id: c for c in chunk_paragraphs(doc.doc_id, clean_page(doc.text))}.values())
            if not chunks:
                report.warnings.append(f"{file.doc_id}: übersprungen (kein Text nach der Bereinigung)")
                if entry:
                    manifest[file.doc_id] = entry
                continue
            plans.append(_Plan(doc, fingerprint, chunks, [c for c in chunks if c.id not in stored]))
            manifest[file.doc_id] = {"fingerprint": fingerprint, "chunks": [c.id for c in chunks]}
            report.chunks += len(chunks)
            if entry:
                report.updated += 1
            else:
                report.added += 1
        report.documents = len(manifest)
        report.removed = len(set(committed) - {f.doc_id for f in files})

        _add_new(index, plans, embeddings, glossary, progress, report)
        index.commit(manifest)
        _refresh_kept(index, plans, glossary, stored)
        active = manifest_chunk_ids(manifest)
        leftovers = sorted(set(stored) - active)
        _delete_chunks(index, leftovers)
        report.chunks_deleted = len(leftovers)
        _drop_orphan_sentences(index, active, stored, plans)
    report.seconds = time.perf_counter() - started
    return report


def _add_new(index: Index, plans: list[_Plan], embeddings: LotseEmbeddings, glossary: Glossary,
             progress: bool, report: IngestReport) -> None:
    """Embed and write new chunks (sentences first, so a stored chunk always has them)."""
    new = [(plan, chunk) for plan in plans for chunk in plan.new]
    sentences = [(chunk, i, s) for _, chunk in new for i, s in enumerate(chunk.sentences)]
    texts = [f"{plan.doc.title}\n{chunk.text}" for plan, chunk in new] + [s for _, _, s in sentences]
    vectors = _embed_all(embeddings, texts, progress)
    chunk_vectors, sentence_vectors = vectors[: len(new)], vectors[len(new) :]
    sentence_rows = [
        (f"{chunk.id}-{i}", vector, text, {"chunk_id": chunk.id, "doc_id": chunk.doc_id, "position": i})
        for (chunk, i, text), vector in zip(sentences, sentence_vectors)
    ]
    for batch in _batches(sentence_rows, WRITE_BATCH):
        ids, vecs, docs, metas = zip(*batch)
        index.sentences.upsert(ids=list(ids), embeddings=list(vecs), documents=list(docs), metadatas=list(metas))
    rows = [
        (chunk.id, vector, chunk.text, chunk_metadata(plan.doc, chunk, glossary, plan.fingerprint))
        for (plan, chunk), vector in zip(new, chunk_vectors)
    ]
    for batch in _batches(rows, WRITE_BATCH):
        ids, vecs, docs, metas = zip(*batch)
        index.chunks.upsert(ids=list(ids), embeddings=list(vecs), documents=list(docs), metadatas=list(metas))
    report.chunks_embedded += len(new)


def _refresh_kept(index: Index, plans: list[_Plan], glossary: Glossary, stored: dict[str, Any]) -> None:
    """After the commit: metadata of chunks whose text did not change (position, fingerprint, tags)."""
    kept = [(c.id, chunk_metadata(p.doc, c, glossary, p.fingerprint)) for p in plans for c in p.chunks if c.id in stored]
    for batch in _batches(kept, WRITE_BATCH):
        ids, metas = zip(*batch)
        index.chunks.update(ids=list(ids), metadatas=list(metas))


def _delete_chunks(index: Index, chunk_ids: list[str]) -> None:
    """Chunks first, then their sentences (a sentence without chunk is never read)."""
    for batch in _batches(chunk_ids, WRITE_BATCH):
        index.chunks.delete(ids=list(batch))
        index.sentences.delete(where={"chunk_id": {"$in": list(batch)}})


def _drop_orphan_sentences(index: Index, active: set[str], stored: dict[str, Any], plans: list[_Plan]) -> None:
    """Sentences left behind by an interrupted delete (checked by count, scanned only if off)."""
    counts = {c.id: len(c.sentences) for p in plans for c in p.chunks}
    expected = sum(counts.get(c, int(stored.get(c, {}).get("sentences", 0))) for c in active)
    if index.sentences.count() == expected:
        return
    got = index.sentences.get(include=["metadatas"])
    orphans = [sid for sid, meta in zip(got["ids"], got["metadatas"] or []) if meta["chunk_id"] not in active]
    for batch in _batches(orphans, WRITE_BATCH):
        index.sentences.delete(ids=list(batch))
