"""Feedback and unanswered questions in a database: a SQLite file by default (WAL, so a
killed server loses nothing that was committed), or a PostgreSQL server shared by several
machines (``LOTSE_FEEDBACK_URL``); one SQLAlchemy Core table serves both. Stores question,
answer, cited chunk ids, verdict, time and the question's embedding (for the maintainers'
topic groups); never an IP address or a user id, and question and answer only with personal
data replaced (``app.edges.privacy``), before anything is embedded. Entries older than the
retention period are purged. A SQLite file is readable by its owner only, each shown answer
keeps one verdict (the last), and the CSV export is safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TextIO

import numpy as np
from sqlalchemy import (
    CheckConstraint,
    Column,
    Engine,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from app.core import Answer, LotseError
from app.edges.privacy import scrub

VERDICTS = ("up", "down", "abstained")
PROBLEMS = ("down", "abstained")
"""Verdicts that show a gap: a 👎 or a question Lotse could not answer."""
COLUMNS = ("id", "created_at", "question", "answer", "cited_chunk_ids", "verdict")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Cell starts a spreadsheet runs as a formula (OWASP, CSV injection)."""

_metadata = MetaData()
FEEDBACK = Table(
    "feedback",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", Text, nullable=False),  # ISO 8601 in UTC: sorts and compares as text on every database
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("cited_chunk_ids", Text, nullable=False),
    Column("verdict", Text, CheckConstraint("verdict IN ('up', 'down', 'abstained')"), nullable=False),
    Column("answer_id", Text),
    Column("question_vector", LargeBinary),
    Column("cited_sources", Text),  # "[n] title (document)" per citation: readable after a re-ingest renames the chunks
    Column("turn", Text),  # what was typed, when ``question`` is a follow-up completed with the conversation
    Index("feedback_answer", "answer_id", unique=True),
    Index("feedback_created", "created_at"),
)
_ADDED_LATER = ("answer_id", "question_vector", "cited_sources", "turn")
"""Columns a table from an older Lotse lacks; they are added, its rows are kept."""


@dataclass(frozen=True)
class Entry:
    """One stored verdict, as the maintainers' dashboard reads it."""

    id: int
    created_at: str
    question: str
    answer: str
    cited: list[str]
    """``[n] title (document id)`` per citation; chunk ids for rows from before titles were kept."""
    verdict: str
    vector: np.ndarray | None
    turn: str = ""
    """What was typed, when ``question`` is a follow-up completed with the conversation ("Und in Bochum?")."""


def spreadsheet_safe(value: object) -> object:
    """A cell that a spreadsheet shows as text: a leading formula character gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def private_file(path: Path) -> None:
    """Create ``path`` readable and writable by its owner only (an older file is tightened)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)


def _engine(where: Path | str) -> Engine:
    """A SQLite file (a path) or any SQLAlchemy URL (``postgresql+psycopg://…``)."""
    if isinstance(where, Path):
        private_file(where)  # SQLite gives its -wal and -shm files the same mode
        engine = create_engine(f"sqlite:///{where}", connect_args={"check_same_thread": False, "timeout": 10})

        @event.listens_for(engine, "connect")
        def _wal(connection: Any, _record: Any) -> None:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")

        return engine
    return create_engine(where, pool_pre_ping=True)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class FeedbackStore:
    """One feedback table; safe to use from the web server's worker threads (a connection pool)."""

    stores = True
    """Whether verdicts are kept (the chat says so when they are not)."""

    def __init__(self, where: Path | str, embed: Callable[[str], Sequence[float]] | None = None) -> None:
        """``where``: a SQLite file or a database URL. ``embed`` turns a (scrubbed) question into
        the vector the dashboard groups by; without it the dashboard embeds when it reads."""
        self.embed = embed
        try:
            self.engine = _engine(where)
            with self.engine.begin() as db:
                _metadata.create_all(db)
                present = {c["name"] for c in inspect(db).get_columns("feedback")}
                for name in _ADDED_LATER:
                    if name not in present:  # a table from before keeps its rows
                        kind = FEEDBACK.c[name].type.compile(db.dialect)
                        db.execute(text(f"ALTER TABLE feedback ADD COLUMN {name} {kind}"))
                for index in FEEDBACK.indexes:
                    index.create(db, checkfirst=True)
        except (SQLAlchemyError, OSError) as error:  # server away, file corrupt, folder read-only
            raise LotseError(
                "Die Datenbank für Rückmeldungen ist nicht erreichbar.",
                detail=(str(error).splitlines() or [type(error).__name__])[0],
            ) from error

    def _insert(self) -> Any:
        """The dialect's INSERT, which knows ``ON CONFLICT … DO UPDATE``."""
        return (postgresql if self.engine.dialect.name == "postgresql" else sqlite).insert(FEEDBACK)

    def record(self, answer: Answer, verdict: str, answer_id: str | None = None) -> int:
        """Store one verdict on an answer; returns the row id. With ``answer_id`` (the shown
        answer's id) a second verdict on the same answer replaces the first: replaying a
        👍 or changing it to 👎 leaves one row."""
        if verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {verdict!r}")
        question = scrub(answer.standalone or answer.question)  # a follow-up is stored, grouped and kept as cases whole
        vector = np.asarray(self.embed(question), dtype=np.float32).tobytes() if self.embed else None
        insert = self._insert().values(
            created_at=_now(),
            question=question,
            turn=scrub(answer.question) if answer.standalone else None,
            answer=scrub(answer.answer),
            cited_chunk_ids=json.dumps([c.chunk_id for c in answer.citations]),
            verdict=verdict,
            cited_sources=json.dumps([f"[{c.n}] {c.title} ({c.doc_id})" for c in answer.citations], ensure_ascii=False),
            answer_id=answer_id,
            question_vector=vector,
        )
        upsert = insert.on_conflict_do_update(
            index_elements=["answer_id"], set_={"verdict": insert.excluded.verdict, "created_at": insert.excluded.created_at}
        )
        try:
            with self.engine.begin() as db:
                return int(db.execute(upsert.returning(FEEDBACK.c.id)).scalar_one())
        except SQLAlchemyError as error:  # e.g. the PostgreSQL server went away after start-up
            raise LotseError("Die Rückmeldung wurde nicht gespeichert.", detail=str(error).splitlines()[0]) from error

    def purge(self, older_than_days: int) -> int:
        """Delete entries older than ``older_than_days`` days; returns how many."""
        cutoff = (datetime.now(timezone.utc) - timedelta(days=older_than_days)).isoformat(timespec="seconds")
        with self.engine.begin() as db:
            return db.execute(delete(FEEDBACK).where(FEEDBACK.c.created_at < cutoff)).rowcount

    def rows(self) -> list[tuple[Any, ...]]:
        """Every entry's ``COLUMNS``, ordered by id."""
        with self.engine.connect() as db:
            return [tuple(row) for row in db.execute(select(*(FEEDBACK.c[name] for name in COLUMNS)).order_by(FEEDBACK.c.id))]

    def problems(self, days: int, limit: int) -> list[Entry]:
        """The newest ``limit`` 👎 and unanswered entries of the last ``days`` days, newest first
        (what the dashboard holds in memory is bounded, however big the table grows)."""
        since = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")
        query = (
            select(FEEDBACK)
            .where(FEEDBACK.c.verdict.in_(PROBLEMS), FEEDBACK.c.created_at >= since)
            .order_by(FEEDBACK.c.created_at.desc(), FEEDBACK.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as db:
            return [
                Entry(
                    row.id,
                    row.created_at,
                    row.question,
                    row.answer,
                    json.loads(row.cited_sources or row.cited_chunk_ids),
                    row.verdict,
                    None if row.question_vector is None else np.frombuffer(row.question_vector, dtype=np.float32),
                    row.turn or "",
                )
                for row in db.execute(query)
            ]

    def counts_by_day(self, days: int) -> list[tuple[str, str, int]]:
        """(day, verdict, entries) of the last ``days`` days, counted by the database."""
        since = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")
        day = func.substr(FEEDBACK.c.created_at, 1, 10)
        query = (
            select(day, FEEDBACK.c.verdict, func.count())
            .where(FEEDBACK.c.created_at >= since)
            .group_by(day, FEEDBACK.c.verdict)
            .order_by(day)
        )
        with self.engine.connect() as db:
            return [(str(d), str(v), int(n)) for d, v, n in db.execute(query)]

    def export_csv(self, out: TextIO) -> int:
        """Write all rows as CSV with a header; returns the number of rows."""
        rows = self.rows()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)
        return len(rows)

    def export_csv_file(self, path: Path) -> int:
        """Write the CSV to ``path``, readable by its owner only like the database; returns
        the number of rows."""
        private_file(path)
        with path.open("w", encoding="utf-8", newline="") as out:
            return self.export_csv(out)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


class NoFeedback(FeedbackStore):
    """What the chat uses when the feedback store cannot be opened at start-up (a read-only
    folder, a corrupt file, a database server that is down): answers go on, verdicts are not
    stored (``record`` says so), the dashboard sees nothing, the purge has nothing to do."""

    stores = False

    def __init__(self, reason: str) -> None:  # no engine: nothing to open
        self.embed = None
        self.reason = reason

    def record(self, answer: Answer, verdict: str, answer_id: str | None = None) -> int:
        """Refuse with a German ``LotseError``: nothing is stored."""
        raise LotseError("Rückmeldungen werden zurzeit nicht gespeichert.", detail=self.reason)

    def purge(self, older_than_days: int) -> int:
        """Nothing to delete: 0."""
        return 0

    def rows(self) -> list[tuple[Any, ...]]:
        """No rows."""
        return []

    def problems(self, days: int, limit: int) -> list[Entry]:
        """No entries."""
        return []

    def counts_by_day(self, days: int) -> list[tuple[str, str, int]]:
        """No counts."""
        return []

    def close(self) -> None:
        """Nothing to close."""
        pass
