"""Point 1 of the campaign: the Chroma server goes away. Every edge says the one German line of
``StoreUnavailable`` (CLI exit 1, the JSON ``error`` of /ask, the chat's text), an ingest that
loses its server mid-write leaves the committed index as it was, and all of it recovers when a
real `chroma run` comes back. The outcomes are the "store-faults" table in docs/hostile-input.md."""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator

import chromadb
import pytest

from app.core import Settings, StoreUnavailable
from app.edges import FeedbackStore, ProgrammeDirectory
from app.edges.web import build_app, launch
from app.edges.web.chat import ALL_PLACES, Chat
from app.edges.web.limits import RateLimiter
from app.pipeline import Lotse
from benchmarks.api_client import ask_json
from benchmarks.loopback import free_port
from tests.chroma_server import ChromaServer
from tests.conftest import CORPUS, cli_env
from tests.hostile_report import write_section

pytestmark = pytest.mark.integration
MESSAGE = StoreUnavailable.MESSAGE
ROWS: list[tuple[str, str, str]] = []
TESTS = 4


@pytest.fixture(scope="module", autouse=True)
def table() -> Iterator[None]:
    yield
    if len({case.split(":")[0] for case, *_ in ROWS}) == TESTS:
        write_section("store-faults", "Point 1: the Chroma server goes away (real `chroma run`)", ("case", "edge", "now"), ROWS)
    print("\n" + "\n".join(" | ".join(row) for row in ROWS))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    chroma = ChromaServer(tmp_path_factory.mktemp("faults"), free_port())
    chroma.start()
    yield chroma
    chroma.stop()


@pytest.fixture(scope="module")
def settings(server: ChromaServer, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("faults-lotse")
    shutil.copytree(CORPUS, root / "corpus")
    return Settings(
        corpus_dir=root / "corpus",
        chroma_dir=root / "chroma",
        chroma_url=server.url,
        collection="faults",
        feedback_db=root / "feedback.sqlite3",
    )


def lotse_cli(settings: Settings, *args: str, url: str | None = None) -> subprocess.Popen[str]:
    env = cli_env(settings, LOTSE_CHROMA_URL=url or str(settings.chroma_url), LOTSE_FEEDBACK_DB=str(settings.feedback_db))
    return subprocess.Popen(
        [sys.executable, "-m", "app", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def assert_one_german_line(process: subprocess.Popen[str], timeout: float = 300) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 1, (out, err)
    assert err.startswith(f"Fehler: {MESSAGE}") and "Traceback" not in err + out, err
    return err


def test_every_command_says_one_german_line_when_no_server_answers(settings: Settings) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    for args in (["ask", "Was ist KOMM-AN NRW?"], ["ingest", "--quiet"], ["serve", "--port", str(free_port())]):
        assert_one_german_line(lotse_cli(settings, *args, url=nowhere), timeout=120)
        ROWS.append(("no server: lotse " + args[0], "CLI", f"exit 1, 'Fehler: {MESSAGE[:40]}…', no traceback"))


def _wait_for_rows(server: ChromaServer, ingest: subprocess.Popen[str]) -> int:
    """Block until the ingest has written rows into its new build; returns how many."""
    client = chromadb.HttpClient(host="127.0.0.1", port=server.port)
    deadline = time.time() + 300
    while time.time() < deadline and ingest.poll() is None:
        builds = [c for c in client.list_collections() if c.name.startswith("faults-b")]
        written = sum(c.count() for c in builds)
        if written:
            return written
        time.sleep(0.2)
    raise AssertionError("the ingest ended or stalled before writing a row")


def test_an_ingest_that_loses_its_server_mid_write_stops_cleanly_and_the_next_run_completes(
    server: ChromaServer, settings: Settings
) -> None:
    ingest = lotse_cli(settings, "ingest", "--quiet")
    written = _wait_for_rows(server, ingest)
    server.stop(kill=True)
    err = assert_one_german_line(ingest)
    assert "Ingest abgebrochen; der zuletzt übernommene Stand bleibt gültig" in err
    ROWS.append(
        (
            "mid-write: chroma run killed (SIGKILL)",
            "lotse ingest",
            f"killed after ≥{written} chunk rows were written: exit 1, German line, 'Ingest abgebrochen …'",
        )
    )
    server.start()
    rerun = lotse_cli(settings, "ingest", "--quiet")
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0 and out.startswith("30 Dokumente"), (out, err)
    ROWS.append(("mid-write: server back", "lotse ingest", f"exit 0, resumed: {out.split('|')[2].strip()}"))


def test_a_serving_process_answers_in_german_while_chroma_is_down_and_recovers(server: ChromaServer, settings: Settings) -> None:
    lotse = Lotse.from_settings(settings)  # needs the index of the test before
    chat = Chat(lotse, FeedbackStore(settings.feedback_db), RateLimiter(100))
    port = free_port()
    app = launch(build_app(lotse, chat.feedback, ProgrammeDirectory.load(settings.corpus_dir)), "127.0.0.1", port, 1, block=False)
    base = f"http://127.0.0.1:{port}/"
    try:
        assert not lotse.ask("Was ist KOMM-AN NRW?").abstained
        server.stop(kill=True)
        with pytest.raises(StoreUnavailable):
            lotse.ask("Was ist KOMM-AN NRW?")
        ROWS.append(("serving: chroma run killed", "library", "StoreUnavailable (a LotseError)"))
        status, payload = ask_json(base, "Was ist KOMM-AN NRW?")
        assert status == 200 and isinstance(payload, dict) and payload["error"] == MESSAGE
        ROWS.append(("serving: chroma run killed", "/ask", f"JSON error: {MESSAGE}"))
        *_, (history, *_) = chat.respond("Was ist KOMM-AN NRW?", [], ALL_PLACES, {}, "de", "")
        assert html.unescape(history[-1]["content"]) == MESSAGE
        ROWS.append(("serving: chroma run killed", "chat", f"assistant message: {MESSAGE}"))
        server.start()
        assert not lotse.ask("Was ist KOMM-AN NRW?").abstained
        status, payload = ask_json(base, "Was ist KOMM-AN NRW?")
        assert status == 200 and isinstance(payload, dict) and not payload["abstained"]
        ROWS.append(("serving: server back", "library, /ask", "answers again, same process, no restart"))
    finally:
        app.close()


def test_a_hung_server_costs_a_question_seconds_not_a_minute(server: ChromaServer, settings: Settings) -> None:
    lotse = Lotse.from_settings(settings)  # needs the index of the tests before
    assert not lotse.ask("Was ist KOMM-AN NRW?").abstained
    server.pause()
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):
            lotse.ask("Was ist GriffbereitMini?")
        waited = time.monotonic() - started
    finally:
        server.resume()
    assert waited < 3 * settings.chroma_timeout_s
    assert not lotse.ask("Was ist KOMM-AN NRW?").abstained
    ROWS.append(
        (
            "hung: chroma run frozen (SIGSTOP)",
            "library (and so /ask and chat)",
            f"German StoreUnavailable after {waited:.1f} s (was 54-56 s); answers again after SIGCONT",
        )
    )
