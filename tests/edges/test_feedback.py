"""The feedback store: the same behaviour on a SQLite file and on a real PostgreSQL server
(``feedback_target``), plus what only a SQLite file has (WAL, file mode, a killed writer)."""

import csv
import io
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import update

from app.core import Answer, Citation, LotseError
from app.edges import FeedbackStore
from app.edges.feedback import FEEDBACK


def answer(question: str = "Was ist KOMM-AN NRW?") -> Answer:
    cite = Citation(n=1, doc_id="d", chunk_id="c1", title="T", date=None, quote="Q")
    return Answer(question=question, answer="A [1]", abstained=False, citations=[cite])


def backdate(store: FeedbackStore, row_id: int, created_at: str) -> None:
    with store.engine.begin() as db:
        db.execute(update(FEEDBACK).where(FEEDBACK.c.id == row_id).values(created_at=created_at))


def test_rows_survive_reopening(feedback_target: Path | str) -> None:
    store = FeedbackStore(feedback_target)
    store.record(answer(), "up")
    store.record(answer("Wetter?"), "abstained")
    store.close()
    rows = [(r[2], r[4], r[5]) for r in FeedbackStore(feedback_target).rows()]
    assert rows == [("Was ist KOMM-AN NRW?", '["c1"]', "up"), ("Wetter?", '["c1"]', "abstained")]


def test_one_verdict_per_shown_answer_the_last_one(feedback_target: Path | str) -> None:
    store = FeedbackStore(feedback_target)
    first = store.record(answer(), "down", answer_id="a1")
    again = store.record(answer(), "up", answer_id="a1")
    assert first == again and [r[5] for r in store.rows()] == ["up"]


def test_verdicts_without_an_answer_id_are_rows_of_their_own(feedback_target: Path | str) -> None:
    store = FeedbackStore(feedback_target)
    store.record(answer(), "abstained")
    store.record(answer(), "abstained")
    assert len(store.rows()) == 2


def test_unknown_verdict_is_refused(feedback_target: Path | str) -> None:
    with pytest.raises(ValueError):
        FeedbackStore(feedback_target).record(answer(), "meh")


def test_csv_export_has_header_and_rows(feedback_target: Path | str) -> None:
    store = FeedbackStore(feedback_target)
    store.record(answer('Frage mit "Anführung", Komma'), "down")
    out = io.StringIO()
    assert store.export_csv(out) == 1
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["id", "created_at", "question", "answer", "cited_chunk_ids", "verdict"]
    assert rows[1][2] == 'Frage mit "Anführung", Komma' and rows[1][5] == "down"


def test_csv_export_to_a_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    store.record(answer("Wo ist ein Sprachkurs?"), "down")
    fresh, older = tmp_path / "neu.csv", tmp_path / "alt.csv"
    older.write_text("alt", encoding="utf-8")
    older.chmod(0o644)
    for path in (fresh, older):
        assert store.export_csv_file(path) == 1
        assert path.stat().st_mode & 0o777 == 0o600
        assert "Wo ist ein Sprachkurs?" in path.read_text(encoding="utf-8")


def test_gap_cases_are_kept_beside_the_feedback_database_by_default(tmp_path: Path) -> None:
    from app.core import Settings

    assert Settings(feedback_db=tmp_path / "fb.sqlite3").gap_cases_path == tmp_path / "gaps"
    assert Settings(feedback_db=tmp_path / "fb.sqlite3", gap_cases_dir=tmp_path / "x").gap_cases_path == tmp_path / "x"


@pytest.mark.parametrize("cell", ["=1+1", "+49 211", "-2", "@SUMME(A1)", "\t=1", "\r=1"])
def test_csv_cells_that_a_spreadsheet_would_run_start_with_a_quote(tmp_path: Path, cell: str) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    store.record(answer(cell), "up")
    out = io.StringIO()
    store.export_csv(out)
    assert list(csv.reader(io.StringIO(out.getvalue())))[1][2] == "'" + cell


def test_personal_data_never_reaches_the_table(feedback_target: Path | str) -> None:
    seen: list[str] = []
    store = FeedbackStore(feedback_target, embed=lambda text: seen.append(text) or [1.0, 0.0])
    store.record(
        Answer(
            "Ich heiße Olena Petrenko, Tel. 0176 12345678: Wo gibt es Hilfe in Kleve?",
            "Das Welcome Center im Kreis Kleve hilft. [1]",
            False,
        ),
        "down",
    )
    question = store.rows()[0][2]
    assert question == "Ich heiße [NAME], Tel. [TELEFON]: Wo gibt es Hilfe in Kleve?"
    assert seen == [question]  # only the scrubbed question is embedded


def test_purge_deletes_only_entries_past_the_retention(feedback_target: Path | str) -> None:
    store = FeedbackStore(feedback_target)
    old, new = store.record(Answer("alt", "A", False), "up"), store.record(Answer("neu", "A", False), "up")
    backdate(store, old, "2020-01-01T00:00:00+00:00")
    assert store.purge(90) == 1
    assert [row[0] for row in store.rows()] == [new]
    assert store.purge(90) == 0


def test_problems_are_the_newest_unanswered_and_disliked_with_their_vectors(feedback_target: Path | str) -> None:
    store = FeedbackStore(feedback_target, embed=lambda text: [float(len(text)), 1.0])
    store.record(answer("gut"), "up")
    old = store.record(answer("uralt"), "down")
    backdate(store, old, "2020-01-01T00:00:00+00:00")
    for question in ("eins", "zwei", "drei"):
        store.record(answer(question), "abstained")
    store.record(answer("schlecht"), "down", answer_id="a9")
    entries = store.problems(days=30, limit=3)
    assert [e.question for e in entries] == ["schlecht", "drei", "zwei"]  # newest first, bounded, no 👍, nothing older
    assert entries[0].cited == ["[1] T (d)"] and entries[0].verdict == "down"
    np.testing.assert_array_equal(entries[0].vector, np.array([8.0, 1.0], dtype=np.float32))


def test_counts_by_day_are_counted_by_the_database(feedback_target: Path | str) -> None:
    store = FeedbackStore(feedback_target)
    ids = [store.record(answer(), verdict) for verdict in ("up", "up", "down", "abstained")]
    backdate(store, ids[0], "2026-01-02T09:00:00+00:00")
    today = store.rows()[-1][1][:10]
    assert sorted(store.counts_by_day(days=100_000)) == sorted(
        [("2026-01-02", "up", 1), (today, "abstained", 1), (today, "down", 1), (today, "up", 1)]
    )


def test_an_unreachable_database_is_a_clear_error(postgres_url: str) -> None:
    from benchmarks.loopback import free_port

    with pytest.raises(LotseError, match="Rückmeldungen ist nicht erreichbar"):
        FeedbackStore(f"postgresql+psycopg://lotse@127.0.0.1:{free_port()}/postgres")


def test_sqlite_file_uses_wal_and_is_private(tmp_path: Path) -> None:
    path = tmp_path / "fb.sqlite3"
    FeedbackStore(path).record(answer(), "up")
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert path.stat().st_mode & 0o777 == 0o600


def test_no_ip_or_user_columns(tmp_path: Path) -> None:
    FeedbackStore(tmp_path / "fb.sqlite3").close()
    columns = [r[1] for r in sqlite3.connect(tmp_path / "fb.sqlite3").execute("PRAGMA table_info(feedback)")]
    assert columns == [
        "id",
        "created_at",
        "question",
        "answer",
        "cited_chunk_ids",
        "verdict",
        "answer_id",
        "question_vector",
        "cited_sources",
        "turn",
    ]  # turn: the typed follow-up, scrubbed like the question


def test_a_file_from_before_the_answer_id_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "fb.sqlite3"
    old = sqlite3.connect(path)
    old.execute(
        "CREATE TABLE feedback (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, question TEXT NOT NULL, "
        "answer TEXT NOT NULL, cited_chunk_ids TEXT NOT NULL, verdict TEXT NOT NULL)"
    )
    old.execute("INSERT INTO feedback VALUES (1, '2026-01-01T00:00:00+00:00', 'Alt?', 'A', '[]', 'up')")
    old.commit()
    old.close()
    store = FeedbackStore(path)
    store.record(answer(), "down", answer_id="a1")
    store.record(answer(), "up", answer_id="a1")
    assert [(r[2], r[5]) for r in store.rows()] == [("Alt?", "up"), ("Was ist KOMM-AN NRW?", "up")]


def test_database_survives_a_kill_in_the_middle_of_writing(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import textwrap

    path = tmp_path / "fb.sqlite3"
    writer = textwrap.dedent(f"""
        import sys
        from app.core import Answer
        from app.edges import FeedbackStore
        store = FeedbackStore(__import__("pathlib").Path({str(path)!r}))
        for i in range(100000):
            store.record(Answer(f"Frage {{i}}", "Antwort", False), "up")
            print(i, flush=True)
    """)
    child = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True)
    committed = -1
    for line in child.stdout:
        committed = int(line)
        if committed >= 300:
            child.send_signal(signal.SIGKILL)
            break
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    count = db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]
    assert count >= committed + 1  # every row reported as written is there
    FeedbackStore(path).record(answer(), "down")  # and the file keeps working


def test_personal_data_never_reaches_the_sqlite_files(tmp_path: Path) -> None:
    path = tmp_path / "fb.sqlite3"
    store = FeedbackStore(path)
    store.record(
        Answer(
            "Ich heiße Olena Petrenko, Tel. 0176 12345678: Wo gibt es Hilfe in Kleve?",
            "Das Welcome Center im Kreis Kleve hilft. [1]",
            False,
        ),
        "down",
    )
    store.close()
    raw = path.read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("fb.sqlite3-*"))
    assert b"Petrenko" not in raw and b"12345678" not in raw
