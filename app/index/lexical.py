"""German BM25 over the chunks, in a Tantivy index per build: ingest adds each generation's
new rows and deletes purged ones (no full rebuild; the writer's memory is bounded, not the
corpus's), readers open the memory-mapped segments (the same cost at any size) and a search
reads only its terms' postings (``python -m benchmarks.lexical``). Chosen over the hand-held
numpy index it replaces, whose build held every posting in memory, and over Chroma's sparse
index, which is not enabled in local mode.

Each row carries the generation it was born in; a reader searches only rows born at or
before its generation. Rows that died later are dropped by the caller's visibility filter,
as in Chroma. Terms are ours (words of two or more characters, German stop words removed,
Snowball stems), indexed as given; scoring is Tantivy's BM25 (k1 1.2, b 0.75).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import tantivy
from bm25s.stopwords import STOPWORDS_GERMAN

from app.core import german_stemmer, write_atomically

MAX_TERM_BYTES = 64
WRITER_HEAP_BYTES = 32_000_000
"""Tantivy flushes a segment when its one writer thread holds this much: ingest memory is
bounded by it, not by the corpus."""
MARKER = "lotse.json"
"""The generation the index was last synced to, written after Tantivy's commit."""
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_STOPWORDS = frozenset(STOPWORDS_GERMAN)


def terms(text: str) -> list[str]:
    """BM25 terms of a text: lower-cased words of 2+ characters, no stop words, stemmed."""
    tokens = [t for t in _TOKEN.findall(text.lower()) if t not in _STOPWORDS]
    return [s for s in german_stemmer().stemWords(tokens) if len(s.encode()) <= MAX_TERM_BYTES]


def stop_word_stems() -> frozenset[str]:
    """Stems of the stop words, which the index leaves out but the language has."""
    return frozenset(german_stemmer().stemWords(sorted(_STOPWORDS)))


def lexical_folder(root: Path, build: str) -> Path:
    """Where the BM25 index of one build lives."""
    return root / f"{build}-bm25"


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("terms", tokenizer_name="whitespace", index_option="freq")
    builder.add_text_field("land", tokenizer_name="raw")
    builder.add_unsigned_field("born", indexed=True, fast=True)
    return builder.build()


SCHEMA = _schema()


def _filter(query: tantivy.Query) -> tantivy.Query:
    """``query`` as a condition that adds nothing to the score."""
    return tantivy.Query.const_score_query(query, 0.0)


def _born(first: int | None, last: int | None) -> tantivy.Query:
    """Rows born from generation ``first`` to ``last`` (None: no bound)."""
    return tantivy.Query.range_query(SCHEMA, "born", tantivy.FieldType.Unsigned, first, last)


def synced_generation(folder: Path) -> int:
    """The generation ``folder``'s index was last synced to (-1: none, or not readable)."""
    try:
        return int(json.loads((folder / MARKER).read_text(encoding="utf-8"))["generation"])
    except (OSError, ValueError, KeyError, TypeError):
        return -1


class LexicalIndex:
    """A reader's view of a build's BM25 index at one generation."""

    def __init__(self, index: tantivy.Index, generation: int) -> None:
        self._searcher = index.searcher()
        self._unborn = _born(generation + 1, None)
        """Rows of later generations, excluded (a must-not that matches nothing costs nothing;
        a must-match range over every row cost 0.8 ms at 200,000 chunks)."""
        self._other_lands: dict[str, bool] = {}

    @classmethod
    def open(cls, folder: Path, generation: int) -> LexicalIndex | None:
        """The index in ``folder`` as of ``generation``; None if it is missing, was not synced
        that far, or is damaged (Tantivy checks each file's footer on opening), so the next
        ``lotse ingest`` builds it again."""
        if synced_generation(folder) < generation:
            return None
        try:
            return cls(tantivy.Index.open(str(folder)), generation)
        except ValueError:
            return None

    def __len__(self) -> int:
        return int(self._searcher.num_docs)

    def __contains__(self, term: object) -> bool:
        """Whether ``term`` (a stem) occurs in any chunk (Tantivy still counts a deleted row's
        terms until its segment is merged: a word of a removed page may count for a while)."""
        if not isinstance(term, str) or not term or len(term.encode()) > MAX_TERM_BYTES:
            return False
        return int(self._searcher.doc_freq("terms", term)) > 0

    def search(self, query: str, k: int, land: str | None = None) -> list[tuple[str, float]]:
        """Up to ``k`` (chunk id, BM25 score) pairs with a positive score, best first; with
        ``land``, only chunks of that Land (filtered before ranking, so other Länder's chunks
        cannot crowd them out). A term the query repeats counts as often as it is repeated."""
        found = terms(query)
        if not found or k <= 0:
            return []
        words = [(tantivy.Occur.Should, tantivy.Query.term_query(SCHEMA, "terms", t, index_option="freq")) for t in found]
        clauses = [(tantivy.Occur.Must, tantivy.Query.boolean_query(words)), (tantivy.Occur.MustNot, self._unborn)]
        if land is not None and self._has_other_lands(land):
            clauses.append((tantivy.Occur.Must, _filter(_land(land))))
        result = self._searcher.search(tantivy.Query.boolean_query(clauses), k)
        return [(str(self._searcher.doc(address)["id"][0]), float(score)) for score, address in result.hits if score > 0]

    def _has_other_lands(self, land: str) -> bool:
        """Whether rows of other Länder exist (counted once per reader): an index of one Land's
        documents needs no Land filter, which would visit every row."""
        if land not in self._other_lands:
            others = [(tantivy.Occur.Must, tantivy.Query.all_query()), (tantivy.Occur.MustNot, _land(land))]
            self._other_lands[land] = bool(self._searcher.search(tantivy.Query.boolean_query(others), 1).hits)
        return self._other_lands[land]


def _land(name: str) -> tantivy.Query:
    return tantivy.Query.term_query(SCHEMA, "land", name)


LexicalRow = tuple[str, str, str, int]
"""(chunk id, text, Land, generation the row was born in)."""


def sync_lexical(folder: Path, rows: Iterable[LexicalRow], generation: int, *, full: bool) -> None:
    """Bring ``folder``'s index to ``generation``: ``rows`` are the rows born in it (rows of a
    run that stopped before its commit are replaced), or with ``full`` every row of the build,
    written beside the folder and moved in place, so a damaged index is never read again."""
    target = folder.with_name(folder.name + ".partial") if full else folder
    if full:
        shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True, exist_ok=True)
    with _committed(tantivy.Index(SCHEMA, path=str(target))) as writer:
        if not full:
            writer.delete_documents_by_query(_born(generation, None))
        for chunk_id, text, land, born in rows:
            document = tantivy.Document(id=chunk_id, terms=" ".join(terms(text)), land=land)
            document.add_unsigned("born", born)
            writer.add_document(document)
    write_atomically(target / MARKER, json.dumps({"generation": generation}).encode())
    if full:
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(target, folder)


def forget_lexical(folder: Path, chunk_ids: Iterable[str]) -> None:
    """Delete rows from ``folder``'s index (before they leave Chroma, so none is left behind)."""
    if synced_generation(folder) < 0:
        return
    try:
        index = tantivy.Index.open(str(folder))
    except ValueError:  # damaged: this run finds it unreadable and builds it again in full
        return
    with _committed(index) as writer:
        for chunk_id in chunk_ids:
            writer.delete_documents_by_term("id", chunk_id)


@contextmanager
def _committed(index: tantivy.Index) -> Iterator[tantivy.IndexWriter]:
    """A writer whose changes are committed at the end, its merges finished and its lock freed."""
    writer = index.writer(WRITER_HEAP_BYTES, 1)
    yield writer
    writer.commit()
    writer.wait_merging_threads()
