"""The sync logic of ingest, with a fast fake embedder (meaning is tested elsewhere)."""

import pytest

from app.conversation import Glossary
from app.core import EmbedderMismatch, Settings
from app.index import open_client, open_index
from ingest.pipeline import run_ingest
from tests.conftest import HashEmbeddings


def ingest(settings: Settings, embeddings: HashEmbeddings | None = None):
    embeddings = embeddings or HashEmbeddings()
    return run_ingest(settings, open_client(settings), embeddings, Glossary.load(settings.glossary_path), progress=False), embeddings


def stored(settings: Settings) -> dict[str, set[str]]:
    index = open_index(open_client(settings), settings.collection, HashEmbeddings())
    got = index.chunks.get(include=["metadatas"])
    docs: dict[str, set[str]] = {}
    for cid, meta in zip(got["ids"], got["metadatas"]):
        docs.setdefault(meta["doc_id"], set()).add(cid)
    return docs


def test_first_run_ingests_every_document_with_metadata(tmp_settings: Settings) -> None:
    report, _ = ingest(tmp_settings)
    assert report.documents == 30 and report.added == 30 and report.warnings == []
    assert report.chunks == report.chunks_embedded > 30
    index = open_index(open_client(tmp_settings), tmp_settings.collection, HashEmbeddings())
    got = index.chunks.get(where={"doc_id": "press/001_a3d1d8ce9cac7c71"}, include=["metadatas"])
    meta = got["metadatas"][0]
    assert meta["date"] == "2022-07-14" and meta["kind"] == "press"
    assert "Dortmund" in meta["places"]
    assert index.sentences.count() > index.chunks.count()


def test_second_run_on_unchanged_corpus_embeds_nothing(tmp_settings: Settings) -> None:
    first, _ = ingest(tmp_settings)
    report, embeddings = ingest(tmp_settings)
    assert embeddings.calls == 0
    assert (report.added, report.updated, report.removed, report.chunks_embedded) == (0, 0, 0, 0)
    assert report.chunks == first.chunks


def test_changed_file_replaces_its_chunks_and_keeps_unchanged_ones(tmp_settings: Settings) -> None:
    ingest(tmp_settings)
    before = stored(tmp_settings)
    path = tmp_settings.corpus_dir / "programmes" / "komm-an-nrw.md"
    path.write_text(path.read_text(encoding="utf-8").replace("seit 2015", "seit dem Jahr 2015"), encoding="utf-8")
    report, _ = ingest(tmp_settings)
    after = stored(tmp_settings)
    assert report.updated == 1 and report.chunks_embedded >= 1 and report.chunks_deleted >= 1
    assert after["programmes/komm-an-nrw"] != before["programmes/komm-an-nrw"]
    assert after["programmes/komm-an-nrw"] & before["programmes/komm-an-nrw"]  # untouched chunks kept
    assert {k: v for k, v in after.items() if k != "programmes/komm-an-nrw"} == {
        k: v for k, v in before.items() if k != "programmes/komm-an-nrw"
    }
    index = open_index(open_client(tmp_settings), tmp_settings.collection, HashEmbeddings())
    texts = index.chunks.get(where={"doc_id": "programmes/komm-an-nrw"})["documents"]
    assert any("seit dem Jahr 2015" in t for t in texts)
    stale_sentences = index.sentences.get(where={"chunk_id": {"$in": sorted(before["programmes/komm-an-nrw"] - after["programmes/komm-an-nrw"])}})
    assert stale_sentences["ids"] == []


def test_deleted_file_disappears_from_the_index(tmp_settings: Settings) -> None:
    ingest(tmp_settings)
    (tmp_settings.corpus_dir / "programmes" / "sofra-koeln.md").unlink()
    report, _ = ingest(tmp_settings)
    assert report.removed == 1 and report.documents == 29
    assert "programmes/sofra-koeln" not in stored(tmp_settings)
    index = open_index(open_client(tmp_settings), tmp_settings.collection, HashEmbeddings())
    assert index.sentences.get(where={"doc_id": "programmes/sofra-koeln"})["ids"] == []


def test_broken_files_are_skipped_with_a_warning_and_the_rest_ingested(tmp_settings: Settings) -> None:
    (tmp_settings.corpus_dir / "press" / "kaputt.pdf").write_bytes(b"%PDF-1.4 nonsense")
    (tmp_settings.corpus_dir / "press" / "latin1.txt").write_bytes(b"Gr\xfc\xdfe")
    (tmp_settings.corpus_dir / "press" / "leer.txt").write_text("   \n", encoding="utf-8")
    report, _ = ingest(tmp_settings)
    assert report.documents == 30
    assert sorted(w.split(":")[0] for w in report.warnings) == ["press/kaputt", "press/latin1", "press/leer"]


def test_index_built_with_another_embedder_is_refused(tmp_settings: Settings) -> None:
    ingest(tmp_settings)

    class Other(HashEmbeddings):
        id = "fake:other"

    with pytest.raises(EmbedderMismatch, match="lotse ingest --rebuild"):
        open_index(open_client(tmp_settings), tmp_settings.collection, Other())
