"""The ``lotse`` command as a user runs it: real processes, real index."""

import json
import os
import subprocess
import sys

import pytest

from app.core import Settings
from benchmarks.loopback import free_port
from tests.conftest import cli_env

pytestmark = pytest.mark.integration
CONTRACT = {"question", "answer", "abstained", "citations", "retrieved", "timings_ms", "composer", "language"}


def lotse(args: list[str], settings: Settings, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args], input=stdin, capture_output=True, text=True, env=cli_env(settings), timeout=120
    )


def test_ask_json_follows_the_contract(real_settings: Settings) -> None:
    result = lotse(["ask", "Was ist KOMM-AN NRW?", "--json"], real_settings)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == CONTRACT
    assert set(data["citations"][0]) == {"n", "doc_id", "chunk_id", "title", "date", "quote", "url", "place"}
    assert set(data["retrieved"][0]) == {"doc_id", "chunk_id", "score", "text"}
    assert set(data["timings_ms"]) == {"retrieve", "answer", "total"}


def test_ask_text_shows_answer_and_sources(real_settings: Settings) -> None:
    result = lotse(["ask", "Seit wann gibt es KOMM-AN NRW?"], real_settings)
    assert result.returncode == 0 and "Quellen:" in result.stdout and "2015" in result.stdout


def test_stdin_batch_prints_one_object_per_question(real_settings: Settings) -> None:
    questions = "Was ist KOMM-AN NRW?\n\nWo ist der Verein Iriba-Brunnen?\n" + "x" * 5000 + "\n"
    result = lotse(["ask", "-", "--json"], real_settings, stdin=questions)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3
    assert set(rows[0]) == CONTRACT and "Münster" in json.dumps(rows[1], ensure_ascii=False)
    assert "zu lang" in rows[2]["error"]


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["ask", ""], "Fehler: Bitte geben Sie eine Frage ein.", 1),
        (["ask", "Was?", "--ort", "Atlantis"], "Fehler: Den Ort 'Atlantis' kenne ich nicht", 1),
        (["ask", "Was?", "--gibtsnicht"], "No such option", 2),
    ],
)
def test_user_errors_are_one_line_without_traceback(real_settings: Settings, args: list[str], message: str, code: int) -> None:
    result = lotse(args, real_settings)
    assert result.returncode == code
    assert message in result.stderr and "Traceback" not in result.stderr


def test_missing_index_tells_the_user_to_ingest(tmp_settings: Settings) -> None:
    result = lotse(["ask", "Was ist KOMM-AN NRW?"], tmp_settings)
    assert result.returncode == 1
    assert result.stderr.strip() == "Fehler: Es gibt noch keinen Index. Bitte zuerst 'lotse ingest' ausführen."


def test_ingest_prints_a_summary_and_if_missing_skips_an_existing_index(tmp_settings: Settings) -> None:
    (tmp_settings.corpus_dir / "press" / "bild.png").write_bytes(b"\x89PNG")
    first = lotse(["ingest", "--quiet"], tmp_settings)
    assert first.returncode == 0, first.stderr
    assert "30 Dokumente" in first.stdout and "neu 30" in first.stdout and "fehlgeschlagen 0, übersprungen 1" in first.stdout
    assert "Warnung: press/bild.png: übersprungen" in first.stderr
    again = lotse(["ingest", "--if-missing"], tmp_settings)
    assert again.returncode == 0 and "nichts zu tun" in again.stdout


def test_if_missing_updates_an_index_written_by_an_older_pipeline(tmp_settings: Settings) -> None:
    import dataclasses

    from app.index import Pointer, open_client

    assert lotse(["ingest", "--quiet"], tmp_settings).returncode == 0
    client = open_client(tmp_settings)
    pointer = Pointer.read(client, tmp_settings.collection)
    assert pointer is not None
    dataclasses.replace(pointer, pipeline="4").write(client, tmp_settings.collection)  # as an older Lotse left it
    updated = lotse(["ingest", "--if-missing", "--quiet"], tmp_settings)
    assert updated.returncode == 0 and "älteren Version" in updated.stdout and "30 Dokumente" in updated.stdout
    assert lotse(["ingest", "--if-missing"], tmp_settings).stdout.strip() == "Index ist vorhanden, nichts zu tun."


def test_if_missing_rebuilds_an_index_whose_sentences_are_in_an_older_format(tmp_settings: Settings) -> None:
    from app.index import Pointer, open_client, sentences_file

    assert lotse(["ingest", "--quiet"], tmp_settings).returncode == 0
    pointer = Pointer.read(open_client(tmp_settings), tmp_settings.collection)
    assert pointer is not None
    current = sentences_file(tmp_settings.lexical_path, pointer.live)
    current.rename(current.with_name(current.name.replace(".sentences.v", ".sentences.old-v")))  # as an older Lotse left it
    updated = lotse(["ingest", "--if-missing", "--quiet"], tmp_settings)
    assert updated.returncode == 0 and "älteren Version" in updated.stdout and "30 Dokumente" in updated.stdout
    assert lotse(["ask", "Was ist KOMM-AN NRW?"], tmp_settings).returncode == 0


def test_terminal_chat_answers_until_exit(real_settings: Settings) -> None:
    result = lotse(["chat"], real_settings, stdin="Was ist GriffbereitMini?\nWer hat das entwickelt?\n\nexit\n")
    assert result.returncode == 0, result.stderr
    assert "ersten Lebensjahr" in result.stdout and "Bitte geben Sie eine Frage ein" in result.stdout
    assert "Kommunale Integrationszentrum Dortmund hat das Programm" in result.stdout  # the follow-up


def test_feedback_export_writes_csv(tmp_settings: Settings, tmp_path) -> None:
    from app.core import Answer
    from app.edges import FeedbackStore

    db = tmp_path / "fb.sqlite3"
    FeedbackStore(db).record(Answer("Wetter?", "Keine Antwort.", True), "abstained")
    env_settings = tmp_settings.model_copy(update={"feedback_db": db})
    result = subprocess.run(
        [sys.executable, "-m", "app", "feedback", "export"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "LOTSE_FEEDBACK_DB": str(env_settings.feedback_db)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "id,created_at,question,answer,cited_chunk_ids,verdict"
    assert "Wetter?" in result.stdout and "abstained" in result.stdout


def test_serve_builds_a_missing_index_and_prints_its_address(tmp_settings: Settings) -> None:
    import time
    import urllib.request

    port = free_port()
    env = cli_env(tmp_settings, LOTSE_FEEDBACK_DB=str(tmp_settings.chroma_dir.parent / "fb.sqlite3"))
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        lines = []
        deadline = time.time() + 240
        while time.time() < deadline:
            line = server.stdout.readline()
            lines.append(line)
            if "Lotse läuft" in line:
                break
        assert any("30 Dokumente" in line and "neu 30" in line for line in lines), lines
        assert f"http://127.0.0.1:{port}" in lines[-1]
        for _ in range(60):
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert 'lang="de"' in page
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_feedback_purge_reports_what_it_deleted(real_settings: Settings, tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "feedback", "purge", "--tage", "30"],
        capture_output=True,
        text=True,
        env=cli_env(real_settings, LOTSE_FEEDBACK_DB=str(tmp_path / "fb.sqlite3")),
        timeout=120,
    )
    assert result.returncode == 0 and "0 Einträge gelöscht, die älter als 30 Tage waren." in result.stdout
    refused = subprocess.run(
        [sys.executable, "-m", "app", "feedback", "purge", "--tage", "0"],
        capture_output=True,
        text=True,
        env=cli_env(real_settings, LOTSE_FEEDBACK_DB=str(tmp_path / "fb.sqlite3")),
        timeout=120,
    )
    assert refused.returncode == 2 and "Traceback" not in refused.stderr


def test_serve_shares_the_cores_among_the_answers_it_runs_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.edges.cli import share_cores

    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1, 2, 3})
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    share_cores(2)
    assert os.environ["OMP_NUM_THREADS"] == "2"
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # the operator's choice wins
    share_cores(8)
    assert os.environ["OMP_NUM_THREADS"] == "3"
    monkeypatch.delenv("OMP_NUM_THREADS")
    share_cores(8)
    assert os.environ["OMP_NUM_THREADS"] == "1"
    monkeypatch.delenv("OMP_NUM_THREADS")
    monkeypatch.delattr(os, "sched_getaffinity")  # macOS and Windows have no affinity call
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    share_cores(0)
    assert os.environ["OMP_NUM_THREADS"] == "6"
