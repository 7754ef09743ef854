"""Shared fixtures: the real corpus, temporary settings, and one real index per session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.core import Settings, stay_offline

stay_offline()  # the test session is an entry point: before chromadb, gradio and huggingface_hub are imported

from app.conversation import Glossary
from app.edges import FeedbackStore, ProgrammeDirectory
from app.index import LotseEmbeddings, load_embeddings, open_client
from app.pipeline import Lotse
from app.testing import HashEmbeddings
from benchmarks.loopback import free_port
from ingest.pipeline import IngestReport, run_ingest
from tests.browser import CHROMIUM, FLAGS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def ingest(
    settings: Settings, embeddings: LotseEmbeddings | None = None, *, glossary: Glossary | None = None, **options: Any
) -> IngestReport:
    """Ingest ``settings``' corpus quietly: hash vectors and the corpus's glossary unless given."""
    return run_ingest(
        settings,
        open_client(settings),
        HashEmbeddings() if embeddings is None else embeddings,
        Glossary.load(settings.glossary_path) if glossary is None else glossary,
        progress=False,
        **options,
    )


def damage_bm25(folder: Path, damage: str) -> None:
    """Damage the postings file of a BM25 index's largest segment: "truncated", "zero-filled" or "deleted"."""
    target = max(folder.glob("*.idx"), key=lambda p: p.stat().st_size)
    if damage == "truncated":
        target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    elif damage == "deleted":
        target.unlink()
    else:
        target.write_bytes(b"\0" * target.stat().st_size)


def cli_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment for a ``lotse`` subprocess that uses ``settings`` (plus ``extra``)."""
    return {
        **os.environ,
        "LOTSE_CORPUS_DIR": str(settings.corpus_dir),
        "LOTSE_CHROMA_DIR": str(settings.chroma_dir),
        "LOTSE_COLLECTION": settings.collection,
        **extra,
    }


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of the real corpus that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def tmp_settings(tmp_path: Path, corpus_copy: Path) -> Settings:
    return Settings(corpus_dir=corpus_copy, chroma_dir=tmp_path / "chroma", collection="test")


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The real corpus ingested once with the default embedder into a temporary Chroma."""
    # The session's web server serves every browser and API test from one address: no per-client limit.
    settings = Settings(
        corpus_dir=CORPUS,
        chroma_dir=tmp_path_factory.mktemp("index") / "chroma",
        collection="lotse",
        rate_limit_per_minute=1_000_000,
    )
    ingest(settings, load_embeddings(settings.embeddings))
    return settings


@pytest.fixture(scope="session")
def lotse(real_settings: Settings) -> Lotse:
    return Lotse.from_settings(real_settings)


@pytest.fixture(scope="session")
def feedback_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("feedback") / "feedback.sqlite3"


@pytest.fixture(scope="session")
def web_url(lotse: Lotse, feedback_path: Path) -> Iterator[str]:
    """The real web app on a free loopback port, with the session's real index."""
    from app.edges.web import build_app, launch

    port = free_port()
    app = launch(
        build_app(lotse, FeedbackStore(feedback_path), ProgrammeDirectory.load(lotse.settings.corpus_dir)),
        "127.0.0.1",
        port,
        concurrency=2,
        block=False,
    )
    yield f"http://127.0.0.1:{port}/"
    app.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server (Debian's) on a loopback port for the whole session."""
    from benchmarks.postgres import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def feedback_target(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where a feedback store keeps its table: a SQLite file, or a fresh database on the real PostgreSQL."""
    if request.param == "sqlite":
        return tmp_path / "fb.sqlite3"
    import sqlalchemy

    server = request.getfixturevalue("postgres_url")
    name = f"feedback_{request.node.name.split('[')[0][-40:]}_{os.getpid()}".lower().replace("-", "_")
    engine = sqlalchemy.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as db:
        db.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}"'))
        db.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Debian's chromium, started once per test module (Playwright's loop ends with the module)."""
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium fehlt: make test installiert es (apt-get install chromium)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield b
        b.close()
