"""The feedback store and the maintainers' dashboard by table size, on SQLite and PostgreSQL.

    python -m benchmarks.feedback [--rows 10000 100000] [--writers 4]

For each backend (a SQLite file; Debian's PostgreSQL started on a loopback port): the time of
one ``record`` (median, one writer, then ``--writers`` threads at once), then the table is
filled to each size with entries spread over 90 days (one in three unanswered or 👎, vectors
around 60 topics) and the dashboard's read is timed: the bounded problem query, the per-day
counts and the topic grouping of at most ``MAX_GROUPED`` (2,000) entries, with the Python heap's peak
during it (tracemalloc). Prints one Markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
from sqlalchemy import func, select, table, text

from app.core import Answer, Citation
from app.edges import MAX_GROUPED, FeedbackStore, group_gaps, topic_labels
from benchmarks.postgres import postgres_server

DIM, TOPICS, BATCH = 384, 60, 5000
INSERT = text(
    "INSERT INTO feedback (created_at, question, answer, cited_chunk_ids, cited_sources, verdict, question_vector) "
    "VALUES (:created_at, :question, :answer, :cited_chunk_ids, :cited_sources, :verdict, :question_vector)"
)
rng = np.random.default_rng(7)
CENTRES = rng.standard_normal((TOPICS, DIM)).astype(np.float32)


def vector(topic: int) -> np.ndarray:
    """A unit vector near the centre of ``topic``: a stand-in question embedding."""
    v = CENTRES[topic] + 0.35 * rng.standard_normal(DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def answer(i: int) -> Answer:
    """The ``i``-th stand-in answer, citing one chunk."""
    cite = Citation(n=1, doc_id="programmes/ki-koeln", chunk_id=f"c{i}", title="KI Köln", date=None, quote="…")
    return Answer(f"Frage {i % TOPICS}: Wo finde ich Hilfe?", "Antwort [1]", False, citations=[cite])


def record_ms(store: FeedbackStore, writers: int, count: int = 200) -> float:
    """Median milliseconds of one record with ``writers`` threads writing at once."""

    def one(i: int) -> float:
        start = time.perf_counter()
        store.record(answer(i), "down", answer_id=f"w{writers}-{i}")
        return (time.perf_counter() - start) * 1000

    with ThreadPoolExecutor(writers) as pool:
        return statistics.median(pool.map(one, range(count)))


def fill(store: FeedbackStore, total: int) -> None:
    """Bulk rows up to ``total``, spread over 90 days."""
    now = datetime.now(timezone.utc)
    with store.engine.begin() as db:
        present = int(db.execute(select(func.count()).select_from(table("feedback"))).scalar_one())
    for start in range(present, total, BATCH):
        rows = [
            {
                "created_at": (now - timedelta(minutes=int(rng.integers(0, 90 * 24 * 60)))).isoformat(timespec="seconds"),
                "question": f"Frage {i}",
                "answer": "Antwort [1]",
                "cited_chunk_ids": "[]",
                "cited_sources": "[]",
                "verdict": ("abstained", "down", "up")[i % 3],
                "question_vector": vector(i % TOPICS).tobytes(),
            }
            for i in range(start, min(start + BATCH, total))
        ]
        with store.engine.begin() as db:
            db.execute(INSERT, rows)


def dashboard_read(store: FeedbackStore) -> tuple[float, float, int, int]:
    """(seconds, heap peak MB, entries grouped, topics) of what a dashboard refresh over 30
    days reads and computes: the per-day counts, the bounded problem query and the grouping."""
    tracemalloc.start()
    start = time.perf_counter()
    store.counts_by_day(30)
    gaps = group_gaps(store.problems(30, MAX_GROUPED), lambda text: vector(0))
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, sum(len(g.entries) for g in gaps), len(gaps)


def main() -> None:
    """Time recording and the dashboard's read per backend and table size; print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--writers", type=int, default=4)
    args = parser.parse_args()
    topic_labels(np.eye(2, dtype=np.float32))  # scikit-learn's import outside every timing
    print(
        "| backend | rows | record, 1 writer (ms, median) | record, "
        f"{args.writers} writers (ms, median) | dashboard read (s) | heap peak (MB) | grouped | topics |"
    )
    print("|---|---|---|---|---|---|---|---|")
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        backends = {"SQLite": folder / "fb.sqlite3", "PostgreSQL": stack.enter_context(postgres_server())}
        for name, where in backends.items():
            store = FeedbackStore(where, embed=lambda text: vector(0))
            one, many = record_ms(store, 1), record_ms(store, args.writers)
            for rows in args.rows:
                fill(store, rows)
                seconds, peak, grouped, topics = dashboard_read(store)
                print(f"| {name} | {rows:,} | {one:.2f} | {many:.2f} | {seconds:.2f} | {peak:.0f} | {grouped:,} | {topics} |")
            store.close()


if __name__ == "__main__":
    main()
