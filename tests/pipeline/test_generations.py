"""A running Lotse picks up a newly committed ingest before the next question, keeps a
question on one generation, and never scans the collections at start or per question."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from chromadb.api.models.Collection import Collection

from app.core import Settings
from app.index import load_embeddings
from app.pipeline import Lotse
from tests.conftest import CORPUS, ingest

pytestmark = pytest.mark.integration
DOCS = [
    "press/001_a3d1d8ce9cac7c71.txt",
    "press/001_a3d1d8ce9cac7c71.meta.json",
    "programmes/komm-an-nrw.md",
    "programmes/griffbereitmini-dortmund.md",
    "programmes/sofra-koeln.md",
    "glossary/glossary.yaml",
]


def cited_docs(lotse: Lotse, question: str) -> set[str]:
    return {c.doc_id for c in lotse.ask(question).citations}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    for rel in DOCS:
        (tmp_path / "corpus" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / rel, tmp_path / "corpus" / rel)
    settings = Settings(corpus_dir=tmp_path / "corpus", chroma_dir=tmp_path / "chroma")
    ingest(settings, load_embeddings(settings.embeddings))
    return settings


def test_a_new_ingest_is_answered_without_restart(settings: Settings) -> None:
    lotse = Lotse.from_settings(settings)
    before = lotse.snapshot()
    assert "programmes/welcome-center-kreis-kleve" not in cited_docs(lotse, "Was macht das Welcome Center im Kreis Kleve?")
    shutil.copy(CORPUS / "programmes" / "welcome-center-kreis-kleve.md", settings.corpus_dir / "programmes")
    (settings.corpus_dir / "programmes" / "sofra-koeln.md").unlink()
    ingest(settings, load_embeddings(settings.embeddings))

    assert "programmes/welcome-center-kreis-kleve" in cited_docs(lotse, "Was macht das Welcome Center im Kreis Kleve?")
    assert "programmes/sofra-koeln" not in cited_docs(lotse, "Was ist SOFRA in Köln?")
    after = lotse.snapshot()
    assert after.pointer.generation == before.pointer.generation + 1
    # a question that started on the old generation still reads the old state, whole
    old_docs = {str(h.meta["doc_id"]) for h in before.retriever.hits("Was ist SOFRA in Köln?")}
    assert "programmes/sofra-koeln" in old_docs
    assert all(
        h.meta["doc_id"] != "programmes/welcome-center-kreis-kleve"
        for h in before.retriever.hits("Was macht das Welcome Center im Kreis Kleve?")
    )


def test_no_full_scan_at_start_or_per_question(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    scans: list[dict[str, Any]] = []
    original = Collection.get

    def get(self: Collection, ids: Any = None, where: Any = None, *args: Any, **kwargs: Any) -> Any:
        keyed = (
            ids is not None
            or kwargs.get("where_document") is not None
            or any(key in str(where) for key in ("doc_id", "chunk_id"))
        )
        if not keyed:
            scans.append({"collection": self.name, "where": where})
        return original(self, ids, where, *args, **kwargs)

    monkeypatch.setattr(Collection, "get", get)
    lotse = Lotse.from_settings(settings)
    for question in ("Was ist GriffbereitMini?", "Wo bekomme ich Hilfe in Köln?", "Wie ist das Wetter morgen?"):
        lotse.ask(question)
    assert scans == []
