"""A build's sentences with their vectors, in one SQLite file beside the BM25 indexes.

The sentence selector reads a retrieved document's sentences by chunk; nothing searches them
by similarity. In Chroma every collection carries an HNSW graph held in memory (Chroma 1.5
refuses to delete a collection's vector index), so at 300x the sentence graph was most of
ingest's and the server's memory. Here a page is one indexed read, and the writer holds
nothing but the batch it writes.

Rows are keyed by (chunk row id, position). Chunk row ids change with a document's content
and glossary, so no version column is needed: a sentence is visible when its chunk is. Each row
also keeps what ingest found in the sentence (the programmes and places it and its document's
title name, and the places it names itself, the Land among them), so that no question re-tags
candidate sentences.

A second table counts how the documents spell each word (the first word of a sentence, capitalised
by position, is left out), keyed by the word as people may type it (``spelling_keys``). Question
time restores a turn's umlauts, case and typing slips from it (``conversation.spelling``). Counts
only grow: a word of a retired document keeps its spelling, which still spells it right.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.core import IndexMissing, spelling_counts

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sentences (
    chunk_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    doc_id TEXT NOT NULL,
    text TEXT NOT NULL,
    vector BLOB NOT NULL,
    entities TEXT NOT NULL,
    places TEXT NOT NULL,
    PRIMARY KEY (chunk_id, position)
);
CREATE INDEX IF NOT EXISTS sentences_by_doc ON sentences (doc_id);
CREATE TABLE IF NOT EXISTS spellings (
    typed TEXT NOT NULL,
    form TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (typed, form)
) WITHOUT ROWID;
"""
"""A table with rowids: each row holds a 1.5 KB vector, and SQLite stores such rows in less than
half the space of a ``WITHOUT ROWID`` table (106 vs 237 MB for 50,000 sentences, measured)."""
FORMAT = 5
"""2: the entities column; 3: the spellings table; 4: the places column; 5: a sentence's places
read in context (a district as the city its document's title names, where 4 stored "Mülheim" in
a Köln document as Mülheim an der Ruhr; not the place of its source note; not the Land in a
programme's name, "KOMM-AN NRW"). A build whose file has another format is rebuilt by the next ingest."""
_COLUMNS = "chunk_id, position, doc_id, text, vector, entities, places"
_VARIABLES = 500
"""Ids per ``IN (…)`` list, well below SQLite's limit on bound variables."""
_MISSING = "Die Sätze zum Index fehlen ({path}). Bitte 'lotse ingest --rebuild' ausführen."
_SPELLING_VARIABLES = 5000
"""Keys per spelling lookup: a typing slip is looked for among a thousand variants of a word."""


@dataclass(frozen=True)
class StoredSentence:
    """One sentence of a chunk, with the vector ingest computed for it."""

    chunk_id: str
    position: int
    doc_id: str
    text: str
    vector: np.ndarray
    entities: frozenset[str] = frozenset()
    """Programmes and places the sentence and its document's title name (ingest's tagging)."""
    places: frozenset[str] = frozenset()
    """The places the sentence itself names, the whole Land included ("Nordrhein-Westfalen")."""


def sentences_file(folder: Path, build: str) -> Path:
    """Where the sentences of ``build`` live (in this format)."""
    return folder / f"{build}.sentences.v{FORMAT}.sqlite"


def sentence_files(folder: Path, build: str) -> list[Path]:
    """The sentence files of ``build`` in any format."""
    return sorted(folder.glob(f"{build}.sentences*.sqlite"))


class SentenceStore:
    """The sentence rows of one build. Each call opens its own connection (a few microseconds),
    so threads of the web server share a store safely; writes are one transaction per call."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = path
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect(write=True) as db:
                db.executescript(_SCHEMA)
        elif not path.is_file():
            raise IndexMissing(_MISSING.format(path=path))

    @contextmanager
    def _connect(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection (read-write, so a reader rolls back what an interrupted ingest left). A
        reader whose file a rebuild deleted gets ``IndexMissing`` (the caller reopens the live
        build) instead of a new empty file."""
        if not write and not self.path.is_file():
            raise IndexMissing(_MISSING.format(path=self.path))
        with closing(sqlite3.connect(self.path, timeout=30)) as db, db:
            yield db

    def add(self, rows: Sequence[StoredSentence]) -> None:
        """Write rows (a row with the same chunk and position is replaced) and count their
        words' spellings, in one transaction."""
        spelled = spelling_counts(r.text for r in rows)
        with self._connect(write=True) as db:
            db.executemany(
                "INSERT OR REPLACE INTO sentences VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        r.chunk_id,
                        r.position,
                        r.doc_id,
                        r.text,
                        np.asarray(r.vector, dtype=np.float32).tobytes(),
                        "\n".join(sorted(r.entities)),
                        "\n".join(sorted(r.places)),
                    )
                    for r in rows
                ],
            )
            db.executemany(
                "INSERT INTO spellings VALUES (?, ?, ?) ON CONFLICT (typed, form) DO UPDATE SET count = count + excluded.count",
                [(key, form, n) for (key, form), n in spelled.items()],
            )

    def spellings(self, keys: Collection[str]) -> dict[str, str]:
        """For each of ``keys`` (``spelling_key`` of a typed word) the documents use, the form
        they use most ("koln" -> "Köln", "integrationszentren" -> "Integrationszentren")."""
        found: dict[str, str] = {}
        values = list(keys)
        with self._connect() as db:
            for start in range(0, len(values), _SPELLING_VARIABLES):
                part = values[start : start + _SPELLING_VARIABLES]
                query = f"SELECT typed, form FROM spellings WHERE typed IN ({_marks(part)}) ORDER BY count, form"
                found |= dict(db.execute(query, part).fetchall())  # the most frequent form comes last
        return found

    def of_chunks(self, chunk_ids: Sequence[str]) -> list[StoredSentence]:
        """The sentences of these chunks, in no particular order."""
        return self._select("chunk_id", chunk_ids)

    def of_documents(self, doc_ids: Sequence[str]) -> list[StoredSentence]:
        """Every stored sentence of these documents, of any generation."""
        return self._select("doc_id", doc_ids)

    def delete(self, chunk_ids: Sequence[str]) -> None:
        """Remove the sentences of these chunks."""
        with self._connect(write=True) as db:
            for start in range(0, len(chunk_ids), _VARIABLES):
                part = list(chunk_ids[start : start + _VARIABLES])
                db.execute(f"DELETE FROM sentences WHERE chunk_id IN ({_marks(part)})", part)

    def chunk_ids(self) -> set[str]:
        """The chunks that have sentences stored (a check, never on the question path)."""
        with self._connect() as db:
            return {row[0] for row in db.execute("SELECT DISTINCT chunk_id FROM sentences")}

    def count(self) -> int:
        """How many sentences are stored."""
        with self._connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM sentences").fetchone()[0])

    def _select(self, column: str, values: Sequence[str]) -> list[StoredSentence]:
        found: list[StoredSentence] = []
        with self._connect() as db:
            for start in range(0, len(values), _VARIABLES):
                part = list(values[start : start + _VARIABLES])
                query = f"SELECT {_COLUMNS} FROM sentences WHERE {column} IN ({_marks(part)})"
                found += [
                    StoredSentence(
                        chunk_id,
                        position,
                        doc_id,
                        text,
                        np.frombuffer(vector, dtype=np.float32),
                        _names(entities),
                        _names(places),
                    )
                    for chunk_id, position, doc_id, text, vector, entities, places in db.execute(query, part)
                ]
        return found


def _names(column: str) -> frozenset[str]:
    """A names column as stored (one name per line) read back."""
    return frozenset(column.split("\n")) - {""}


def _marks(values: Sequence[str]) -> str:
    return ", ".join("?" * len(values))
