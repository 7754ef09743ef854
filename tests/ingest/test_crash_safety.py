"""SIGKILL during ingest at several points of a multi-batch run: readers see the old or the
new state (never a mix), and the next run completes without embedding again what the killed
run had written. The kill is injected from the test side: a subprocess wraps one step so
that the process kills itself there, then runs the real pipeline with the real embedder."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.conversation import Glossary
from app.core import IngestBusy, Settings
from app.index import Catalogue, LotseEmbeddings, Pointer, load_embeddings, open_client, open_generation
from app.pipeline import Lotse
from ingest.pipeline import IngestReport, ingest_lock, run_ingest
from tests.conftest import CORPUS, cli_env

pytestmark = pytest.mark.integration
DOCS = [
    "press/001_a3d1d8ce9cac7c71.txt",
    "press/001_a3d1d8ce9cac7c71.meta.json",
    "programmes/komm-an-nrw.md",
    "programmes/griffbereitmini-dortmund.md",
    "programmes/sofra-koeln.md",
    "glossary/glossary.yaml",
]
BATCH = 1  # documents per batch: the changed corpus needs several batches
KILLER = textwrap.dedent("""
    import os, signal, sys
    from chromadb.api.models.Collection import Collection
    import ingest.pipeline as pipeline
    from app.conversation import Glossary
    from app.core import Settings
    from app.index import LotseEmbeddings, Pointer, SentenceStore, load_embeddings, open_client

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    def after(cls, method, calls, when=lambda self, *a, **k: True):
        original = getattr(cls, method)
        seen = []
        def wrapped(self, *args, **kwargs):
            result = original(self, *args, **kwargs)
            if when(self, *args, **kwargs):
                seen.append(1)
                if len(seen) == calls:
                    die()
            return result
        setattr(cls, method, wrapped)

    stage, rebuild = sys.argv[1], sys.argv[2] == "rebuild"
    if stage == "embedding":  # inside the second batch, after the first was written
        after(LotseEmbeddings, "embed_documents", 2)
    elif stage == "after_sentences":  # a batch's sentences written, its chunks not yet
        after(SentenceStore, "add", 2)
    elif stage == "mid_retire":  # some old rows marked retired, others not
        after(Collection, "update", 1)
    elif stage == "before_commit":  # every batch written, the pointer not yet switched
        original_write = Pointer.write
        def write(self, *args):
            if not self.pending:
                die()
            original_write(self, *args)
        Pointer.write = write
    settings = Settings()
    pipeline.run_ingest(settings, open_client(settings), load_embeddings(settings.embeddings),
                        Glossary.load(settings.glossary_path), progress=False, rebuild=rebuild, batch_docs=1)
""")


class CountingEmbeddings(LotseEmbeddings):
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, inner: LotseEmbeddings) -> None:
        super().__init__()
        self.inner, self.id, self.texts = inner, inner.id, 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.texts += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def small_corpus(root: Path) -> Path:
    for rel in DOCS:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / rel, root / rel)
    return root


def change(corpus: Path) -> None:
    """Edit one document, delete one, add two."""
    path = corpus / "programmes" / "komm-an-nrw.md"
    path.write_text(path.read_text(encoding="utf-8").replace("seit 2015", "seit dem Jahr 2015"), encoding="utf-8")
    (corpus / "programmes" / "sofra-koeln.md").unlink()
    for name in ("welcome-center-kreis-kleve.md", "ki-koeln.md"):
        shutil.copy(CORPUS / "programmes" / name, corpus / "programmes" / name)


def copy_index(settings: Settings, chroma_dir: Path) -> None:
    """Copy an index (Chroma and the BM25 indexes beside it) to ``chroma_dir``."""
    shutil.copytree(settings.chroma_dir, chroma_dir)
    shutil.copytree(settings.lexical_path, Settings(chroma_dir=chroma_dir).lexical_path)


def ingest(settings: Settings, embeddings: LotseEmbeddings | None = None, rebuild: bool = False) -> IngestReport:
    return run_ingest(
        settings,
        open_client(settings),
        embeddings or load_embeddings(settings.embeddings),
        Glossary.load(settings.glossary_path),
        progress=False,
        rebuild=rebuild,
        batch_docs=BATCH,
    )


def state(settings: Settings) -> dict[str, frozenset[str]]:
    """What readers see: each document's chunk rows."""
    index = open_generation(open_client(settings), settings, load_embeddings(settings.embeddings))[0]
    got = index.chunks.get(where=index.visible(), include=["metadatas"])
    docs: dict[str, set[str]] = {}
    for cid, meta in zip(got["ids"], got["metadatas"] or []):
        docs.setdefault(str(meta["doc_id"]), set()).add(cid)
    return {doc: frozenset(ids) for doc, ids in docs.items()}


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict, dict[bool, int]]:
    """An index of the small corpus (old state), the state a clean run on the changed corpus
    gives (new state), and how many texts that run embeds, incrementally and as a rebuild."""
    root = tmp_path_factory.mktemp("crash")
    old = Settings(corpus_dir=small_corpus(root / "corpus-old"), chroma_dir=root / "old")
    ingest(old)
    new_corpus = small_corpus(root / "corpus-new")
    change(new_corpus)
    copy_index(old, root / "new")
    new = Settings(corpus_dir=new_corpus, chroma_dir=root / "new")
    cost = {False: ingest(new).texts_embedded}
    cost[True] = ingest(new, rebuild=True).texts_embedded
    return root, state(old), state(new), cost


@pytest.mark.parametrize("rebuild", [False, True], ids=["incremental", "rebuild"])
@pytest.mark.parametrize("stage", ["embedding", "after_sentences", "mid_retire", "before_commit"])
def test_sigkill_leaves_the_old_state_and_the_next_run_resumes(states, tmp_path: Path, stage: str, rebuild: bool) -> None:
    root, old_state, new_state, full_cost = states
    if stage == "mid_retire" and rebuild:
        pytest.skip("a rebuild retires nothing: it writes a new build")
    corpus = small_corpus(tmp_path / "corpus")
    copy_index(Settings(chroma_dir=root / "old"), tmp_path / "chroma")
    change(corpus)
    settings = Settings(corpus_dir=corpus, chroma_dir=tmp_path / "chroma")
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, stage, "rebuild" if rebuild else "incremental"],
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]

    assert state(settings) == old_state  # nothing committed: readers see exactly the old state
    lotse = Lotse.from_settings(settings)
    assert set(Catalogue.load(lotse.index).meta) == set().union(*old_state.values())
    answer = lotse.ask("Was ist GriffbereitMini?")
    assert not answer.abstained and "GriffbereitMini" in " ".join(c.quote for c in answer.citations)

    counting = CountingEmbeddings(load_embeddings(settings.embeddings))
    report = ingest(settings, counting)  # a plain run also finishes an interrupted rebuild
    assert state(settings) == new_state
    assert counting.texts == report.texts_embedded < full_cost[rebuild]  # what was written is not embedded again
    pointer = Pointer.read(open_client(settings), settings.collection)
    assert pointer is not None and not pointer.pending
    index = open_generation(open_client(settings), settings, load_embeddings(settings.embeddings))[0]
    got = index.chunks.get(include=["metadatas"])
    assert [m for m in got["metadatas"] or [] if int(m["born"]) > index.generation] == []  # no leftover waits to appear
    owners = index.sentences.chunk_ids()
    assert owners == set(got["ids"])  # no orphaned sentence, no chunk without sentences
    answer = Lotse.from_settings(settings).ask("Seit wann gibt es KOMM-AN NRW?")
    assert "2015" in " ".join(c.quote for c in answer.citations)


def test_a_second_ingest_at_the_same_time_stops_with_a_clear_message(tmp_path: Path) -> None:
    settings = Settings(corpus_dir=small_corpus(tmp_path / "corpus"), chroma_dir=tmp_path / "chroma")
    ingest(settings)
    before = state(settings)
    with ingest_lock(settings):
        with pytest.raises(IngestBusy, match="läuft schon ein Ingest"):
            ingest(settings)
        for args in (["ingest", "--quiet"], ["ingest", "--rebuild", "--quiet"]):
            result = subprocess.run(
                [sys.executable, "-m", "app", *args], env=cli_env(settings), capture_output=True, text=True, timeout=120
            )
            assert result.returncode == 1 and "Fehler: Für diesen Index läuft schon ein Ingest" in result.stderr
            assert "Traceback" not in result.stderr
    assert state(settings) == before  # a refused rebuild deleted nothing


def test_a_rebuild_switches_readers_only_when_complete(tmp_path: Path) -> None:
    settings = Settings(corpus_dir=small_corpus(tmp_path / "corpus"), chroma_dir=tmp_path / "chroma")
    ingest(settings)
    running = Lotse.from_settings(settings)  # a reader opened before the rebuild
    report = ingest(settings, rebuild=True)
    assert report.added == report.documents == 4
    assert not running.ask("Was ist GriffbereitMini?").abstained  # the old build stays readable
    pointer = Pointer.read(open_client(settings), settings.collection)
    assert pointer is not None and pointer.previous and pointer.live != pointer.previous
    ingest(settings)  # the next run drops the replaced build
    names = {c.name for c in open_client(settings).list_collections()}
    assert pointer.previous not in names and pointer.live in names
