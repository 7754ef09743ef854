"""The second campaign's fault findings, each re-run against the real thing: rebuilds under a
running Lotse (16), a cron-style ``lotse ingest`` beside a running ``lotse serve`` on the
default embedded Chroma (17), a metadata file nested 100,000 deep (18) and a programme with
broken front matter at start-up (19). Outcomes are the "campaign-2 faults" table in
docs/hostile-input.md."""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
import pytest

from app.conversation import Glossary
from app.core import Settings
from app.edges import ProgrammeDirectory
from app.index import live_pointer, load_embeddings, open_client
from app.pipeline import Lotse
from benchmarks.api_client import ask_json
from benchmarks.loopback import free_port
from tests.conftest import CORPUS, cli_env, damage_bm25, ingest
from tests.hostile_report import write_section

pytestmark = pytest.mark.integration
ROWS: list[tuple[str, str, str, str]] = []
DOCS = [
    "press/001_a3d1d8ce9cac7c71.txt",
    "press/001_a3d1d8ce9cac7c71.meta.json",
    "programmes/komm-an-nrw.md",
    "programmes/griffbereitmini-dortmund.md",
    "programmes/sofra-koeln.md",
    "glossary/glossary.yaml",
]
NEW_DOC = (
    "Zebrastreifenkurs in Hamm\n\nDer Zebrastreifenkurs in Hamm bringt neu zugewanderten Kindern das sichere "
    "Überqueren der Straße bei. Der Kurs ist kostenlos und findet jeden Mittwoch im Stadtteilzentrum statt.\n"
)


@pytest.fixture(scope="module", autouse=True)
def table() -> Iterator[None]:
    yield
    if len({finding for finding, *_ in ROWS}) == 13:  # the whole module ran (findings 5-22 and the low ones)
        write_section("campaign-2-faults", "Second campaign: faults", ("finding", "case", "before", "now"), ROWS)


@pytest.fixture
def small(tmp_path: Path) -> Settings:
    for rel in DOCS:
        (tmp_path / "corpus" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / rel, tmp_path / "corpus" / rel)
    return Settings(corpus_dir=tmp_path / "corpus", chroma_dir=tmp_path / "chroma", feedback_db=tmp_path / "fb.sqlite3")


def test_rebuilds_never_reuse_a_build_name_and_a_stale_snapshot_is_reopened(small: Settings) -> None:
    ingest(small, load_embeddings(small.embeddings))
    lotse = Lotse.from_settings(small)
    names = [lotse.snapshot().pointer.live]
    failed = 0
    for _ in range(3):
        ingest(small, load_embeddings(small.embeddings), rebuild=True)
        names.append(open_client(small).get_collection(f"{small.collection}-pointer").metadata["live"])
        answer = lotse.ask("Was ist KOMM-AN NRW?")
        failed += answer.abstained or not answer.citations
    assert len(set(names)) == len(names) == 4 and failed == 0
    # Handles to a deleted build under the live pointer's name (what b1 -> b2 -> b1 did before): reopened, answered.
    stale = lotse.snapshot()
    ingest(small, load_embeddings(small.embeddings), rebuild=True)
    ingest(small, load_embeddings(small.embeddings), rebuild=True)  # the second one drops the build the stale snapshot reads
    lotse._snapshot = dataclasses.replace(stale, pointer=live_pointer(lotse.client, small.collection))
    answer = lotse.ask("Was ist KOMM-AN NRW?")
    assert not answer.abstained and answer.citations
    ROWS.append(
        (
            "16",
            "three --rebuild under a running Lotse, then a snapshot of a deleted build",
            "build names repeat (b1 -> b2 -> b1); 7/7 questions failed until restart",
            f"{len(set(names))} distinct build names; 0 failures; the stale snapshot reopened and answered",
        )
    )


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.time() + 180
    while time.time() < deadline and server.poll() is None:
        try:
            if httpx.get(base, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.5)
    raise AssertionError("lotse serve kam nicht hoch")


@contextmanager
def serving(env: dict[str, str], log: Path) -> Iterator[str]:
    """``lotse ingest`` then a real ``lotse serve`` (output in ``log``) on a free port; yields its address."""
    subprocess.run([sys.executable, "-m", "app", "ingest", "--quiet"], env=env, check=True, capture_output=True)
    port = free_port()
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(base, server)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def test_a_cron_ingest_beside_a_running_serve_is_picked_up_without_errors(small: Settings, tmp_path: Path) -> None:
    """The default settings: embedded Chroma, one serve process, one ingest process."""
    env, log = cli_env(small, LOTSE_FEEDBACK_DB=str(tmp_path / "fb.sqlite3")), tmp_path / "serve.log"
    with serving(env, log) as base:
        assert ask_json(base, "Was ist KOMM-AN NRW?")[0] == 200
        (small.corpus_dir / "press" / "zebrastreifenkurs-hamm.txt").write_text(NEW_DOC, encoding="utf-8")
        subprocess.run([sys.executable, "-m", "app", "ingest", "--quiet"], env=env, check=True, capture_output=True)
        outcomes = [
            ask_json(base, q)[1]
            for q in [
                "Was ist der Zebrastreifenkurs in Hamm?",
                "Was ist KOMM-AN NRW?",
                "Wann findet der Zebrastreifenkurs statt?",
                "Was ist GriffbereitMini?",
            ]
            * 2
        ]
    errors = [o for o in outcomes if not isinstance(o, dict) or "error" in o]
    cited = [
        o
        for o in outcomes
        if isinstance(o, dict) and any(c["doc_id"] == "press/zebrastreifenkurs-hamm" for c in o.get("citations", []))
    ]
    tracebacks = log.read_text(errors="replace").count("Traceback")
    assert errors == [] and tracebacks == 0 and len(cited) >= 2, (errors[:2], tracebacks)
    ROWS.append(
        (
            "17",
            "lotse ingest (new document) in another process beside a running lotse serve, embedded Chroma",
            "every question touching new rows failed ('Error finding id'); new document never cited",
            f"{len(outcomes)} questions after the commit: 0 errors, 0 tracebacks, new document cited {len(cited)}×",
        )
    )


def test_a_metadata_file_nested_100000_deep_fails_alone(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "press").mkdir(parents=True)
    for n in range(3):
        (corpus / "press" / f"gut-{n}.txt").write_text(
            f"Meldung {n}\n\nDas Integrationszentrum berät Familien Nummer {n}.", encoding="utf-8"
        )
    (corpus / "press" / "tief.txt").write_text("Tief\n\nEin Text mit tiefen Metadaten.", encoding="utf-8")
    (corpus / "press" / "tief.meta.json").write_text('{"title": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    (corpus / "press" / "tief2.md").write_text(
        "---\ntitle: " + "[" * 100_000 + "]" * 100_000 + "\n---\nText mit tiefer Kopfzeile.", encoding="utf-8"
    )
    settings = Settings(corpus_dir=corpus, chroma_dir=tmp_path / "chroma", collection="deep")
    report = ingest(settings)
    assert report.documents == 3 and report.failed == 2
    assert any("tief:" in w and "tief verschachtelt" in w for w in report.warnings), report.warnings
    assert any("tief2:" in w for w in report.warnings), report.warnings
    ROWS.append(
        (
            "18",
            ".meta.json and front matter nested 100,000 deep beside 3 good files",
            "RecursionError traceback, whole ingest aborted on every rerun",
            "the two files fail with a German warning each; the 3 others are ingested",
        )
    )


def test_a_programme_with_broken_front_matter_is_skipped_and_the_directory_loads(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS / "programmes", corpus / "programmes")
    shutil.copytree(CORPUS / "glossary", corpus / "glossary")
    good = len(list((corpus / "programmes").glob("*.md")))
    (corpus / "programmes" / "kaputt.md").write_text("---\ntitle: [nicht geschlossen\nwhere: : :\n---\nText.", encoding="utf-8")
    (corpus / "programmes" / "tief.md").write_text("---\ntitle: " + "[" * 100_000 + "\n---\nText.", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="app.edges.programmes"):
        directory = ProgrammeDirectory.load(corpus)
    assert len(directory.filter(None, "")) == good
    skipped = [r.getMessage() for r in caplog.records if ".md übersprungen" in r.getMessage()]
    assert len(skipped) == 2 and any("kaputt.md" in m for m in skipped)
    ROWS.append(
        (
            "19",
            "programme file with broken YAML front matter (and one nested 100,000 deep) at start-up",
            "yaml.ParserError: lotse serve did not start",
            f"both skipped with one log line each; {good} programmes listed",
        )
    )


class _FlakyStore:
    """A feedback store whose first purge fails (a database that is away for a while)."""

    def __init__(self) -> None:
        self.calls = 0

    def purge(self, days: int) -> int:
        self.calls += 1
        if self.calls == 1:
            raise OSError("database is locked")
        return 0


def test_the_daily_purge_keeps_its_schedule_after_a_failure(caplog: pytest.LogCaptureFixture) -> None:
    from app.edges.cli import purge_daily

    store = _FlakyStore()
    with caplog.at_level(logging.ERROR, logger="app.edges.cli"):
        stop = purge_daily(store, 90, every_s=0.05)  # type: ignore[arg-type]
        deadline = time.time() + 5
        while store.calls < 3 and time.time() < deadline:
            time.sleep(0.02)
        stop.set()
    assert store.calls >= 3 and any("fehlgeschlagen" in r.getMessage() for r in caplog.records)
    ROWS.append(
        (
            "15",
            "the first daily purge raises (database locked)",
            "no reschedule: retention silently ended",
            f"logged, rescheduled, purged again ({store.calls} runs in the test's window)",
        )
    )


def test_a_question_with_mathtext_is_drawn_as_text_in_the_topic_chart() -> None:
    import io

    from app.edges.feedback import Entry
    from app.edges.gaps import Gap
    from app.edges.web.dashboard import topics_figure

    hostile = r"Was ist $\undefinedmacro{x}$ und $x^2$?"
    gaps = [
        Gap(hostile, [Entry(1, "2026-12-01", hostile, "", [], "abstained", None)]),
        Gap("Wo bekomme ich Hilfe in Köln?", [Entry(2, "2026-12-01", "Wo bekomme ich Hilfe in Köln?", "", [], "down", None)]),
    ]
    figure = topics_figure(gaps)
    figure.savefig(io.BytesIO(), format="png")  # raised ValueError (unknown symbol) before
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert any("undefinedmacro" in label for label in labels)
    ROWS.append(
        (
            "5",
            "unanswered question '$\\undefinedmacro{x}$' as a top-10 topic name",
            "chart crashed; dashboard empty on every load",
            "drawn literally; the chart renders",
        )
    )


def test_serve_starts_and_answers_when_the_feedback_store_cannot_be_opened(small: Settings, tmp_path: Path) -> None:
    """A corrupt feedback file (a read-only folder and a database server that is down end the
    same way: the store cannot be opened)."""
    corrupt = tmp_path / "fb" / "feedback.sqlite3"
    corrupt.parent.mkdir()
    corrupt.write_bytes(b"kein SQLite" * 1000)
    env, log = cli_env(small, LOTSE_FEEDBACK_DB=str(corrupt)), tmp_path / "serve.log"
    with serving(env, log) as base:
        status, payload = ask_json(base, "Was ist KOMM-AN NRW?")
    said = log.read_text(errors="replace")
    assert status == 200 and isinstance(payload, dict) and not payload["abstained"]
    assert "Rückmeldungen werden nicht gespeichert" in said and "Traceback" not in said
    export = subprocess.run([sys.executable, "-m", "app", "feedback", "export"], env=env, capture_output=True, text=True)
    assert export.returncode == 1 and "Rückmeldungen" in export.stdout + export.stderr and "Traceback" not in export.stderr
    ROWS.append(
        (
            "14",
            "lotse serve with a corrupt feedback file; lotse feedback export on it",
            "serve refused to start / traced back",
            "serve starts and answers, one operator line; export: one German line, exit 1",
        )
    )


def test_keyboard_mash_is_declined_not_answered(lotse: Lotse) -> None:
    mashed = ["asdf qwer", "hdhd jdjd", "lorem ipsum", "Lorem ipsum dolor sit amet"]
    assert all(lotse.ask(text).abstained for text in mashed)
    assert not lotse.ask("What is GriffbereitMini?").abstained  # a real question in another language still is answered
    assert not lotse.ask("welcom centr kleve").abstained  # typing slips in every word still count
    ROWS.append(
        (
            "low",
            "'asdf qwer', 'hdhd jdjd', 'lorem ipsum', 'Lorem ipsum dolor sit amet'",
            "answered with unrelated cited sentences",
            "declined: no language clearly recognised, no word the documents know, and at most half one slip "
            "from a known word ('ipsum' is one slip from the Gemeinde Issum)",
        )
    )


def test_the_chat_says_when_ratings_are_not_kept(lotse: Lotse, tmp_path: Path) -> None:
    from app.edges import FeedbackStore
    from app.edges.feedback import NoFeedback
    from app.edges.web import build_app

    def note_shown(store: FeedbackStore) -> bool:
        blocks = build_app(lotse, store, ProgrammeDirectory.load(lotse.settings.corpus_dir))
        return bool(next(b for b in blocks.blocks.values() if getattr(b, "elem_id", None) == "keine-bewertungen").visible)

    assert note_shown(NoFeedback("Datei beschädigt"))
    assert not note_shown(FeedbackStore(tmp_path / "fb.sqlite3"))
    ROWS.append(
        (
            "14",
            "the chat page while feedback is off",
            "no sign that 👍/👎 were not kept",
            "a note under the chat: Bewertungen werden zurzeit nicht gespeichert; a 👍/👎 then shows that warning",
        )
    )


def test_a_feedback_path_that_cannot_be_written_is_a_german_error_not_a_traceback(tmp_path: Path) -> None:
    """(Tests run as root, which ignores a read-only folder: a folder where the file should be
    fails the same way, with an OSError from the file system.)"""
    from app.core import LotseError
    from app.edges import FeedbackStore

    (tmp_path / "feedback.sqlite3").mkdir()
    with pytest.raises(LotseError, match="nicht erreichbar"):
        FeedbackStore(tmp_path / "feedback.sqlite3")


class _HungStore:
    """A feedback store whose database hangs (a stopped PostgreSQL): every write blocks."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def record(self, answer: object, verdict: str, answer_id: str | None = None) -> int:
        self.release.wait(60)
        return 1


def test_a_hung_feedback_store_never_holds_an_answer_or_a_like(lotse: Lotse) -> None:
    import gradio as gr

    from app.edges.web.chat import ALL_PLACES, LIKE_WAIT_S, Chat, remembered
    from app.edges.web.limits import RateLimiter

    store = _HungStore()
    chat = Chat(lotse, store, RateLimiter(100))  # type: ignore[arg-type]
    try:
        started = time.monotonic()
        turns = list(chat.respond("Wie finde ich eine Wohnung in Essen?", [], ALL_PLACES, None, "de", ""))  # recorded as a gap
        answered_s = time.monotonic() - started
        session = remembered({}, 1, lotse.ask("Was ist KOMM-AN NRW?"), chat.signing_key)
        started = time.monotonic()
        chat.on_like(gr.LikeData(None, {"index": 1, "value": "", "liked": True}), session, "de")
        liked_s = time.monotonic() - started
    finally:
        store.release.set()
    assert "keine verlässliche Antwort" in turns[-1][0][-1]["content"]
    assert answered_s < 5 and liked_s < LIKE_WAIT_S + 1
    ROWS.append(
        (
            "13",
            "feedback database hangs: an unanswerable question, then a 👍",
            "held 155 s and 133 s",
            f"answer after {answered_s:.1f} s (written in the background); "
            f"the 👍 waits at most {LIKE_WAIT_S:g} s ({liked_s:.1f} s)",
        )
    )


def test_feedback_rates_only_what_the_server_answered_and_is_rate_limited(lotse: Lotse, tmp_path: Path) -> None:
    import gradio as gr

    from app.edges import FeedbackStore
    from app.edges.web.chat import VERDICTS_PER_MINUTE, Chat, remembered
    from app.edges.web.limits import RateLimiter

    store = FeedbackStore(tmp_path / "fb.sqlite3")
    chat = Chat(lotse, store, RateLimiter(100))
    answer = lotse.ask("Was ist KOMM-AN NRW?")

    def like(session: dict) -> None:
        chat.on_like(gr.LikeData(None, {"index": 1, "value": "", "liked": False}), session, "de")

    genuine = remembered({}, 1, answer, chat.signing_key)
    changed = {**genuine["answers"]["1"], "answer": "Eine Antwort, die Lotse nie gab."}
    huge = {**genuine["answers"]["1"], "question": "x" * 100_000}
    unsigned = {k: v for k, v in genuine["answers"]["1"].items() if k != "sig"}
    other_key = remembered({}, 1, answer, b"nicht der Schluessel des Servers")
    for forged in (changed, huge, unsigned):
        like({"answers": {"1": forged}})
    like(other_key)
    chat.settle()
    assert store.rows() == []
    like(genuine)
    chat.settle()
    assert [row[5] for row in store.rows()] == ["down"]
    for _ in range(VERDICTS_PER_MINUTE + 20):  # each a real, signed answer with its own id
        like(remembered({}, 1, answer, chat.signing_key))
    chat.settle()
    assert len(store.rows()) == VERDICTS_PER_MINUTE - 4  # the four forged attempts counted too
    ROWS.append(
        (
            "6",
            "👎 with a changed answer, a 100 KB question, no or a foreign signature; then 50 real 👎 in a minute",
            "all stored (60 fake rows became the largest topic)",
            f"forged: 0 stored; real: stored; {VERDICTS_PER_MINUTE} per client and minute",
        )
    )


def test_collections_sharing_a_lexical_folder_keep_each_others_index(tmp_path: Path) -> None:
    from app.index import LexicalIndex, lexical_folder, live_pointer

    corpus = tmp_path / "corpus"
    (corpus / "press").mkdir(parents=True)
    (corpus / "press" / "a.txt").write_text("Meldung\n\nDas Integrationszentrum berät Familien in Köln.", encoding="utf-8")
    first, second = (
        Settings(corpus_dir=corpus, chroma_dir=tmp_path / "chroma", collection=name) for name in ("lotse", "lotse-zwei")
    )
    for settings in (first, second, first):
        ingest(settings, glossary=Glossary(), rebuild=True)
    for settings in (first, second):
        pointer = live_pointer(open_client(settings), settings.collection)
        assert LexicalIndex.open(lexical_folder(settings.lexical_path, pointer.live), pointer.generation) is not None
    ROWS.append(
        (
            "20",
            "two collections in one index folder, ingested in turn",
            "each ingest deleted the other's BM25 folder",
            "each keeps its own; only a collection's own retired folders are removed",
        )
    )


@pytest.mark.parametrize("damage", ["truncated", "zero-filled", "deleted"])
def test_a_damaged_bm25_file_is_one_german_line_and_a_plain_ingest_repairs_it(small: Settings, damage: str) -> None:
    from app.index import lexical_folder, live_pointer

    env = cli_env(small, LOTSE_FEEDBACK_DB=str(small.feedback_db))
    subprocess.run([sys.executable, "-m", "app", "ingest", "--quiet"], env=env, check=True, capture_output=True)
    pointer = live_pointer(open_client(small), small.collection)
    folder = lexical_folder(small.lexical_path, pointer.live)
    damage_bm25(folder, damage)
    asked = subprocess.run([sys.executable, "-m", "app", "ask", "Was ist KOMM-AN NRW?"], env=env, capture_output=True, text=True)
    assert asked.returncode == 1 and "Traceback" not in asked.stderr + asked.stdout
    assert "beschädigt" in asked.stderr and "lotse ingest" in asked.stderr and len(asked.stderr.strip().splitlines()) == 1
    subprocess.run([sys.executable, "-m", "app", "ingest", "--quiet"], env=env, check=True, capture_output=True)
    again = subprocess.run([sys.executable, "-m", "app", "ask", "Was ist KOMM-AN NRW?"], env=env, capture_output=True, text=True)
    assert again.returncode == 0 and "KOMM-AN" in again.stdout
    ROWS.append(
        (
            "21",
            f"BM25 file {damage}",
            "traceback for ask, ingest and serve (zero-filled: unnoticed); only --rebuild repaired",
            "lotse ask: one German line naming the folder, exit 1; a plain lotse ingest rebuilds it",
        )
    )


def test_a_zero_filled_chroma_database_is_a_german_line_and_rebuild_builds_beside_it(small: Settings) -> None:
    env = cli_env(small, LOTSE_FEEDBACK_DB=str(small.feedback_db))
    subprocess.run([sys.executable, "-m", "app", "ingest", "--quiet"], env=env, check=True, capture_output=True)
    database = small.chroma_dir / "chroma.sqlite3"
    database.write_bytes(b"\0" * database.stat().st_size)
    for command in (["ask", "Was ist KOMM-AN NRW?"], ["ingest", "--quiet"]):
        said = subprocess.run([sys.executable, "-m", "app", *command], env=env, capture_output=True, text=True)
        assert said.returncode == 1 and "Traceback" not in said.stderr + said.stdout
        assert "lässt sich nicht öffnen" in said.stderr and "lotse ingest --rebuild" in said.stderr
    rebuilt = subprocess.run(
        [sys.executable, "-m", "app", "ingest", "--rebuild", "--quiet"], env=env, capture_output=True, text=True
    )
    assert rebuilt.returncode == 0 and "liegt jetzt in" in rebuilt.stderr
    assert len(list(small.chroma_dir.parent.glob("chroma.beschaedigt-*"))) == 1  # kept aside, not deleted
    again = subprocess.run([sys.executable, "-m", "app", "ask", "Was ist KOMM-AN NRW?"], env=env, capture_output=True, text=True)
    assert again.returncode == 0 and "KOMM-AN" in again.stdout
    ROWS.append(
        (
            "21",
            "chroma.sqlite3 zero-filled",
            "traceback for ask, ingest and even --rebuild",
            "ask and ingest: one German line naming the folder and the repair, exit 1; --rebuild moves the damaged "
            "folder aside (and says where) and builds a new index",
        )
    )


def test_zeroed_vector_index_files_are_a_german_line_and_rebuild_repairs_them(small: Settings) -> None:
    env = cli_env(small, LOTSE_FEEDBACK_DB=str(small.feedback_db))
    subprocess.run([sys.executable, "-m", "app", "ingest", "--quiet"], env=env, check=True, capture_output=True)
    chunks = open_client(small).get_collection(live_pointer(open_client(small), small.collection).live)
    filler = np.random.default_rng(0).random(
        (1500, 384), dtype=np.float32
    )  # past Chroma's sync threshold: the HNSW files get written
    for start in range(0, len(filler), 500):
        chunks.add(ids=[f"filler-{i}" for i in range(start, start + 500)], embeddings=filler[start : start + 500])
    files = [f for f in small.chroma_dir.rglob("*") if f.suffix in (".bin", ".pickle")]
    assert files
    for file in files:
        file.write_bytes(b"\0" * file.stat().st_size)
    asked = subprocess.run([sys.executable, "-m", "app", "ask", "Was ist KOMM-AN NRW?"], env=env, capture_output=True, text=True)
    assert asked.returncode == 1 and "Traceback" not in asked.stderr + asked.stdout, asked.stderr
    assert "lässt sich nicht lesen" in asked.stderr and "lotse ingest --rebuild" in asked.stderr
    subprocess.run([sys.executable, "-m", "app", "ingest", "--rebuild", "--quiet"], env=env, check=True, capture_output=True)
    again = subprocess.run([sys.executable, "-m", "app", "ask", "Was ist KOMM-AN NRW?"], env=env, capture_output=True, text=True)
    assert again.returncode == 0 and "KOMM-AN" in again.stdout
    ROWS.append(
        (
            "21",
            "HNSW files of the live build zero-filled",
            "traceback at question time ('Error deserializing pickle')",
            "lotse ask: one German line naming the folder and the repair, exit 1; lotse ingest --rebuild builds a new "
            "index beside it and answers again",
        )
    )


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` mounted read-only (tests run as root, for whom file modes do not bind)."""
    mounted = subprocess.run(["mount", "--bind", "-o", "ro", str(folder), str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"a read-only bind mount needs CAP_SYS_ADMIN: {mounted.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_index_folder_is_one_german_line_for_every_command(small: Settings) -> None:
    env = cli_env(small, LOTSE_FEEDBACK_DB=str(small.feedback_db))
    subprocess.run([sys.executable, "-m", "app", "ingest", "--quiet"], env=env, check=True, capture_output=True)
    with read_only(small.chroma_dir):
        for command in (["ask", "Was ist KOMM-AN NRW?"], ["ingest", "--quiet"]):
            said = subprocess.run([sys.executable, "-m", "app", *command], env=env, capture_output=True, text=True)
            assert said.returncode == 1 and "Traceback" not in said.stderr + said.stdout, said.stderr
            assert "schreibgeschützt" in said.stderr and str(small.chroma_dir) in said.stderr
    again = subprocess.run([sys.executable, "-m", "app", "ask", "Was ist KOMM-AN NRW?"], env=env, capture_output=True, text=True)
    assert again.returncode == 0 and "KOMM-AN" in again.stdout
    ROWS.append(
        (
            "21",
            "index folder read-only (bind mount)",
            "untested ('lässt sich nicht öffnen … --rebuild', wrong advice)",
            "ask and ingest: one German line saying the folder is read-only and what to do, exit 1; nothing moved aside",
        )
    )


def test_a_lost_pointer_is_found_again_and_its_build_reused_not_re_embedded(small: Settings) -> None:
    from app.index.store import pointer_name

    env = cli_env(small, LOTSE_FEEDBACK_DB=str(small.feedback_db))
    subprocess.run([sys.executable, "-m", "app", "ingest", "--quiet"], env=env, check=True, capture_output=True)
    client = open_client(small)
    client.delete_collection(pointer_name(small.collection))
    builds = sorted(c.name for c in client.list_collections())
    asked = subprocess.run([sys.executable, "-m", "app", "ask", "Was ist KOMM-AN NRW?"], env=env, capture_output=True, text=True)
    assert (
        asked.returncode == 1
        and "lotse ingest" in asked.stderr
        and "stellt ihn" in asked.stderr
        and "Traceback" not in asked.stderr
    )
    again = subprocess.run([sys.executable, "-m", "app", "ingest", "--quiet"], env=env, capture_output=True, text=True)
    assert again.returncode == 0 and "weiterverwendet" in again.stderr and "Texte eingebettet 0" in again.stdout
    assert sorted(c.name for c in open_client(small).list_collections() if c.name != pointer_name(small.collection)) == builds
    answered = subprocess.run(
        [sys.executable, "-m", "app", "ask", "Was ist KOMM-AN NRW?"], env=env, capture_output=True, text=True
    )
    assert answered.returncode == 0 and "KOMM-AN" in answered.stdout
    ROWS.append(
        (
            "22",
            "the index's pointer collection lost",
            "'Es gibt noch keinen Index'; the next ingest re-embedded everything and orphaned the old build",
            "ask says the pointer is missing and that lotse ingest restores it; the ingest finds "
            "the newest build, reuses it (0 texts embedded, no orphan) and says so",
        )
    )


def test_the_ingest_lock_holds_through_a_symlinked_path_and_skips_count_only_skipped_files(tmp_path: Path) -> None:
    from app.core import IngestBusy
    from ingest.pipeline import ingest_lock

    real = Settings(corpus_dir=tmp_path / "corpus", chroma_dir=tmp_path / "index" / "chroma")
    (tmp_path / "link").symlink_to(tmp_path / "index", target_is_directory=True)
    (tmp_path / "index").mkdir()
    linked = Settings(corpus_dir=tmp_path / "corpus", chroma_dir=tmp_path / "link" / "chroma")
    with ingest_lock(real), pytest.raises(IngestBusy), ingest_lock(linked):
        pass
    corpus = tmp_path / "corpus"
    (corpus / "press").mkdir(parents=True)
    (corpus / "press" / "gut.txt").write_text("Meldung\n\nDas Integrationszentrum berät Familien in Köln.", encoding="utf-8")
    (corpus / "press" / "gut.meta.json").write_text('{"title": "Meldung", "unbekannt": 1}', encoding="utf-8")  # a dropped field
    (corpus / "press" / "bild.png").write_bytes(b"\x89PNG")
    report = ingest(Settings(corpus_dir=corpus, chroma_dir=tmp_path / "c2", collection="skip"), glossary=Glossary())
    assert report.documents == 1 and report.skipped == 1 and "übersprungen 1 " in report.summary()
    ROWS.append(
        (
            "22",
            "ingest lock through a symlinked index path; summary with one skipped file and one ingested with a note",
            "second ingest ran; 'übersprungen' also counted the ingested file",
            "refused (lock on the real path); übersprungen 1",
        )
    )
