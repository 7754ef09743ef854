"""Feedback and unanswered questions in a SQLite file (WAL, so a killed server loses
nothing that was committed). Stores question, answer, cited chunk ids, verdict, time;
never an IP address or a user id, and question and answer only with personal data replaced
(``app.edges.privacy``). Entries older than the retention period are purged. The file is
readable by its owner only, each shown answer keeps one verdict (the last), and the CSV
export is safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TextIO

from app.core import Answer
from app.edges.privacy import scrub

VERDICTS = ("up", "down", "abstained")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    cited_chunk_ids TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('up', 'down', 'abstained'))
)
"""
_ANSWER_ID = "ALTER TABLE feedback ADD COLUMN answer_id TEXT"
_ONE_VERDICT = "CREATE UNIQUE INDEX IF NOT EXISTS feedback_answer ON feedback (answer_id)"
COLUMNS = ("id", "created_at", "question", "answer", "cited_chunk_ids", "verdict")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Cell starts a spreadsheet runs as a formula (OWASP, CSV injection)."""


def spreadsheet_safe(value: object) -> object:
    """A cell that a spreadsheet shows as text: a leading formula character gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _private_file(path: Path) -> None:
    """Create ``path`` readable and writable by its owner only (an older file is tightened)."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)


class FeedbackStore:
    """One SQLite file; safe to use from the web server's worker threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        _private_file(path)  # SQLite gives its -wal and -shm files the same mode
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self._db:
            self._db.execute(_SCHEMA)
            if "answer_id" not in {row[1] for row in self._db.execute("PRAGMA table_info(feedback)")}:
                self._db.execute(_ANSWER_ID)  # a file from before keeps its rows
            self._db.execute(_ONE_VERDICT)

    def record(self, answer: Answer, verdict: str, answer_id: str | None = None) -> int:
        """Store one verdict on an answer; returns the row id. With ``answer_id`` (the shown
        answer's id) a second verdict on the same answer replaces the first: replaying a
        👍 or changing it to 👎 leaves one row."""
        if verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {verdict!r}")
        cited = json.dumps([c.chunk_id for c in answer.citations])
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._lock, self._db:
            cursor = self._db.execute(
                "INSERT INTO feedback (created_at, question, answer, cited_chunk_ids, verdict, answer_id) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (answer_id) DO UPDATE SET "
                "verdict = excluded.verdict, created_at = excluded.created_at RETURNING id",
                (now, scrub(answer.question), scrub(answer.answer), cited, verdict, answer_id),
            )
            return int(cursor.fetchone()[0])

    def purge(self, older_than_days: int) -> int:
        """Delete entries older than ``older_than_days`` days; returns how many."""
        cutoff = (datetime.now(timezone.utc) - timedelta(days=older_than_days)).isoformat(timespec="seconds")
        with self._lock, self._db:
            return self._db.execute("DELETE FROM feedback WHERE created_at < ?", (cutoff,)).rowcount

    def rows(self) -> list[tuple]:
        with self._lock:
            return self._db.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id").fetchall()

    def export_csv(self, out: TextIO) -> int:
        """Write all rows as CSV with a header; returns the number of rows."""
        rows = self.rows()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)
        return len(rows)

    def close(self) -> None:
        with self._lock:
            self._db.close()
