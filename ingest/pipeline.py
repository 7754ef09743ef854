"""Bring the Chroma index in line with the corpus folder, embedding only what is new.

Unchanged files are recognised by their fingerprint and not even parsed; a changed file
replaces its chunks (chunks whose text is unchanged keep their embedding); chunks of
deleted files disappear. New rows are written before stale rows are deleted.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from chromadb.api import ClientAPI
from tqdm import tqdm

from app.embeddings import LotseEmbeddings
from app.glossary import Glossary
from app.settings import Settings
from app.store import Index, open_index
from ingest.chunking import Chunk, chunk_paragraphs
from ingest.clean import clean_page
from ingest.loaders import LoadError, SourceDocument, discover, load

PIPELINE_VERSION = "1"
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
    new: list[Chunk]
    kept: list[Chunk]
    stale: list[str]


def _context_digest(glossary_bytes: bytes) -> str:
    """Part of every fingerprint: a new glossary or pipeline version re-tags all chunks."""
    return hashlib.sha256(PIPELINE_VERSION.encode() + glossary_bytes).hexdigest()[:16]


def _stored_documents(index: Index) -> dict[str, tuple[str, set[str]]]:
    """doc_id -> (fingerprint, chunk ids) as the index holds them."""
    stored: dict[str, tuple[str, set[str]]] = {}
    result = index.chunks.get(include=["metadatas"])
    for chunk_id, meta in zip(result["ids"], result["metadatas"] or []):
        fingerprint, ids = stored.setdefault(str(meta["doc_id"]), (str(meta.get("fingerprint", "")), set()))
        ids.add(chunk_id)
    return stored


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


def run_ingest(
    settings: Settings,
    client: ClientAPI,
    embeddings: LotseEmbeddings,
    glossary: Glossary,
    *,
    progress: bool = True,
) -> IngestReport:
    """Synchronise the index with ``settings.corpus_dir``; returns what was done."""
    started = time.perf_counter()
    report = IngestReport()
    index = open_index(client, settings.collection, embeddings, create=True)
    glossary_path = settings.glossary_path
    context = _context_digest(glossary_path.read_bytes() if glossary_path.is_file() else b"")
    stored = _stored_documents(index)
    files, report.warnings = discover(settings.corpus_dir)

    plans: list[_Plan] = []
    failed = 0
    for file in files:
        fingerprint = f"{file.fingerprint}-{context}"
        old_fingerprint, old_ids = stored.get(file.doc_id, ("", set()))
        if old_fingerprint == fingerprint:
            report.chunks += len(old_ids)
            continue
        try:
            doc = load(file)
        except (LoadError, OSError) as error:
            report.warnings.append(f"{file.doc_id}: übersprungen ({error})")
            failed += 1
            continue
        chunks = list({c.id: c for c in chunk_paragraphs(doc.doc_id, clean_page(doc.text))}.values())
        if not chunks:
            report.warnings.append(f"{file.doc_id}: übersprungen (kein Text nach der Bereinigung)")
            failed += 1
            continue
        plans.append(
            _Plan(
                doc=doc,
                fingerprint=fingerprint,
                new=[c for c in chunks if c.id not in old_ids],
                kept=[c for c in chunks if c.id in old_ids],
                stale=sorted(old_ids - {c.id for c in chunks}),
            )
        )
        report.chunks += len(chunks)
        if file.doc_id in stored:
            report.updated += 1
        else:
            report.added += 1
    _write(index, plans, embeddings, glossary, progress, report)
    present = {f.doc_id for f in files}
    for doc_id, (_, ids) in stored.items():
        if doc_id not in present:
            _delete_chunks(index, sorted(ids))
            report.removed += 1
            report.chunks_deleted += len(ids)
    report.documents = len(files) - failed
    report.seconds = time.perf_counter() - started
    return report


def _write(
    index: Index,
    plans: list[_Plan],
    embeddings: LotseEmbeddings,
    glossary: Glossary,
    progress: bool,
    report: IngestReport,
) -> None:
    """Embed and add new chunks and their sentences, refresh kept ones, drop stale ones."""
    new = [(plan, chunk) for plan in plans for chunk in plan.new]
    sentences = [(chunk, i, s) for _, chunk in new for i, s in enumerate(chunk.sentences)]
    texts = [f"{plan.doc.title}\n{chunk.text}" for plan, chunk in new] + [s for _, _, s in sentences]
    vectors = _embed_all(embeddings, texts, progress)
    chunk_vectors, sentence_vectors = vectors[: len(new)], vectors[len(new) :]

    rows = [
        (chunk.id, vector, chunk.text, chunk_metadata(plan.doc, chunk, glossary, plan.fingerprint))
        for (plan, chunk), vector in zip(new, chunk_vectors)
    ]
    for batch in _batches(rows, WRITE_BATCH):
        ids, vecs, docs, metas = zip(*batch)
        index.chunks.upsert(ids=list(ids), embeddings=list(vecs), documents=list(docs), metadatas=list(metas))
    sentence_rows = [
        (f"{chunk.id}-{i}", vector, text, {"chunk_id": chunk.id, "doc_id": chunk.doc_id, "position": i})
        for (chunk, i, text), vector in zip(sentences, sentence_vectors)
    ]
    for batch in _batches(sentence_rows, WRITE_BATCH):
        ids, vecs, docs, metas = zip(*batch)
        index.sentences.upsert(ids=list(ids), embeddings=list(vecs), documents=list(docs), metadatas=list(metas))
    report.chunks_embedded += len(new)

    kept = [(c.id, chunk_metadata(p.doc, c, glossary, p.fingerprint)) for p in plans for c in p.kept]
    for batch in _batches(kept, WRITE_BATCH):
        ids, metas = zip(*batch)
        index.chunks.update(ids=list(ids), metadatas=list(metas))
    stale = [chunk_id for plan in plans for chunk_id in plan.stale]
    _delete_chunks(index, stale)
    report.chunks_deleted += len(stale)


def _delete_chunks(index: Index, chunk_ids: list[str]) -> None:
    for batch in _batches(chunk_ids, WRITE_BATCH):
        index.chunks.delete(ids=list(batch))
        index.sentences.delete(where={"chunk_id": {"$in": list(batch)}})
