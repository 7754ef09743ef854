"""SIGKILL during ingest at several points: the index still answers with the old or the new
state (never a mix), and the next run completes with no duplicate and no lost document.
The kill is injected from the test side: a subprocess wraps one pipeline step so that the
process kills itself there, then runs the real pipeline with the real embedder."""

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
from app.index import load_embeddings, open_client, open_index
from app.pipeline import Lotse
from ingest.pipeline import ingest_lock, run_ingest
from tests.conftest import CORPUS, cli_env

pytestmark = pytest.mark.integration
DOCS = ["press/001_a3d1d8ce9cac7c71.txt", "press/001_a3d1d8ce9cac7c71.meta.json", "programmes/komm-an-nrw.md",
        "programmes/griffbereitmini-dortmund.md", "programmes/sofra-koeln.md", "glossary/glossary.yaml"]
KILLER = textwrap.dedent('''
    import os, signal, sys
    from chromadb.api.models.Collection import Collection
    import ingest.pipeline as pipeline
    from app.conversation import Glossary
    from app.core import Settings
    from app.index import Index, load_embeddings, open_client

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    stage = sys.argv[1]
    if stage == "embedding":  # after the first batch of vectors
        original_embed = pipeline._embed_all
        def embed(embeddings, texts, progress):
            embeddings.embed_documents(texts[:pipeline.EMBED_BATCH])
            die()
        pipeline._embed_all = embed
    elif stage == "after_sentences":  # sentences written, their chunks not yet
        original_upsert = Collection.upsert
        def upsert(self, *args, **kwargs):
            original_upsert(self, *args, **kwargs)
            if self.name.endswith("-sentences"):
                die()
        Collection.upsert = upsert
    elif stage == "before_commit":
        Index.commit = die
    elif stage == "after_commit":
        original_commit = Index.commit
        def commit(self, manifest):
            original_commit(self, manifest)
            die()
        Index.commit = commit
    elif stage == "mid_delete":  # chunks deleted, their sentences not yet
        def delete_chunks(index, chunk_ids):
            if chunk_ids:
                index.chunks.delete(ids=list(chunk_ids))
                die()
        pipeline._delete_chunks = delete_chunks
    settings = Settings()
    pipeline.run_ingest(settings, open_client(settings), load_embeddings(settings.embeddings),
                        Glossary.load(settings.glossary_path), progress=False)
''')


def small_corpus(root: Path) -> Path:
    for rel in DOCS:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / rel, root / rel)
    return root


def change(corpus: Path) -> None:
    """Edit one document, delete one, add one."""
    path = corpus / "programmes" / "komm-an-nrw.md"
    path.write_text(path.read_text(encoding="utf-8").replace("seit 2015", "seit dem Jahr 2015"), encoding="utf-8")
    (corpus / "programmes" / "sofra-koeln.md").unlink()
    shutil.copy(CORPUS / "programmes" / "welcome-center-kreis-kleve.md", corpus / "programmes" / "welcome-center-kreis-kleve.md")


def ingest(settings: Settings) -> None:
    run_ingest(settings, open_client(settings), load_embeddings(settings.embeddings), Glossary.load(settings.glossary_path), progress=False)


def state(settings: Settings) -> dict[str, frozenset[str]]:
    index = open_index(open_client(settings), settings.collection, load_embeddings(settings.embeddings))
    return {doc: frozenset(entry["chunks"]) for doc, entry in index.manifest().items()}


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    """An index of the small corpus (old state) and the manifest a clean run on the changed corpus gives (new state)."""
    root = tmp_path_factory.mktemp("crash")
    old = Settings(corpus_dir=small_corpus(root / "corpus-old"), chroma_dir=root / "old")
    ingest(old)
    new_corpus = small_corpus(root / "corpus-new")
    change(new_corpus)
    new = Settings(corpus_dir=new_corpus, chroma_dir=root / "new")
    ingest(new)
    return root, state(old), state(new)


@pytest.mark.parametrize("stage", ["embedding", "after_sentences", "before_commit", "after_commit", "mid_delete"])
def test_sigkill_leaves_old_or_new_state_and_the_next_run_completes(states, tmp_path: Path, stage: str) -> None:
    root, old_state, new_state = states
    corpus = small_corpus(tmp_path / "corpus")
    shutil.copytree(root / "old", tmp_path / "chroma")
    change(corpus)
    settings = Settings(corpus_dir=corpus, chroma_dir=tmp_path / "chroma")
    killed = subprocess.run([sys.executable, "-c", KILLER, stage], env=cli_env(settings), capture_output=True, text=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]

    after_kill = state(settings)
    assert after_kill in (old_state, new_state)
    lotse = Lotse.from_settings(settings)
    assert set(lotse.catalogue.meta) == set().union(*after_kill.values())  # readers see exactly one state
    answer = lotse.ask("Was ist GriffbereitMini?")
    assert not answer.abstained and "GriffbereitMini" in " ".join(c.quote for c in answer.citations)

    ingest(settings)
    assert state(settings) == new_state
    index = open_index(open_client(settings), settings.collection, load_embeddings(settings.embeddings))
    active = set().union(*new_state.values())
    assert set(index.chunks.get()["ids"]) == active  # no leftover, no duplicate
    sentence_owners = {m["chunk_id"] for m in index.sentences.get(include=["metadatas"])["metadatas"]}
    assert sentence_owners == active
    assert "2015" in " ".join(c.quote for c in Lotse.from_settings(settings).ask("Seit wann gibt es KOMM-AN NRW?").citations)


def test_a_second_ingest_at_the_same_time_stops_with_a_clear_message(tmp_path: Path) -> None:
    settings = Settings(corpus_dir=small_corpus(tmp_path / "corpus"), chroma_dir=tmp_path / "chroma")
    with ingest_lock(settings):
        with pytest.raises(IngestBusy, match="läuft schon ein Ingest"):
            ingest(settings)
        result = subprocess.run([sys.executable, "-m", "app", "ingest", "--quiet"], env=cli_env(settings),
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Fehler: Für diesen Index läuft schon ein Ingest" in result.stderr
    assert "Traceback" not in result.stderr
