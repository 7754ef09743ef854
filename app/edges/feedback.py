"""Feedback and unanswered questions in a SQLite file (WAL, so a killed server loses
nothing that was committed). Stores question, answer, cited chunk ids, verdict, time;
never an IP address or a user id."""

from __future__ import annotations

import csv
import json
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from app.core import Answer

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
COLUMNS = ("id", "created_at", "question", "answer", "cited_chunk_ids", "verdict")


class FeedbackStore:
    """One SQLite file; safe to use from the web server's worker threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)
        self._db.commit()

    def record(self, answer: Answer, verdict: str) -> int:
        """Store one verdict on an answer; returns the row id."""
        if verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {verdict!r}")
        cited = json.dumps([c.chunk_id for c in answer.citations])
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._lock, self._db:
            cursor = self._db.execute(
                "INSERT INTO feedback (created_at, question, answer, cited_chunk_ids, verdict) VALUES (?, ?, ?, ?, ?)",
                (now, answer.question, answer.answer, cited, verdict),
            )
        return int(cursor.lastrowid or 0)

    def rows(self) -> list[tuple]:
        with self._lock:
            return self._db.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id").fetchall()

    def export_csv(self, out: TextIO) -> int:
        """Write all rows as CSV with a header; returns the number of rows."""
        rows = self.rows()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        return len(rows)

    def close(self) -> None:
        with self._lock:
            self._db.close()
