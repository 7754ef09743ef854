"""The sync logic of ingest, with a fast fake embedder (meaning is tested elsewhere)."""

import os
from pathlib import Path

import pytest
from chromadb.api.models.Collection import Collection

import ingest.pipeline as pipeline
from app.core import EmbedderMismatch, IndexMissing, Settings
from app.index import LexicalIndex, Pointer, lexical_folder, live_pointer, open_client, open_generation, sentences_file
from tests.conftest import HashEmbeddings, ingest


def stored(settings: Settings) -> dict[str, set[str]]:
    """What readers see: each document's chunk rows."""
    index = open_generation(open_client(settings), settings, HashEmbeddings())[0]
    got = index.chunks.get(where=index.visible(), include=["metadatas"])
    docs: dict[str, set[str]] = {}
    for cid, meta in zip(got["ids"], got["metadatas"]):
        docs.setdefault(meta["doc_id"], set()).add(cid)
    return docs


def test_first_run_ingests_every_document_with_metadata(tmp_settings: Settings) -> None:
    embeddings = HashEmbeddings()
    report = ingest(tmp_settings, embeddings)
    assert report.documents == 30 and report.added == 30 and report.warnings == []
    assert report.chunks == report.rows_written > 30
    assert embeddings.calls == report.texts_embedded  # each distinct text embedded once
    index = open_generation(open_client(tmp_settings), tmp_settings, HashEmbeddings())[0]
    got = index.chunks.get(where={"doc_id": "press/001_a3d1d8ce9cac7c71"}, include=["metadatas"])
    meta = got["metadatas"][0]
    assert meta["date"] == "2022-07-14" and meta["kind"] == "press"
    assert "Dortmund" in meta["places"]
    assert index.sentences.count() > index.chunks.count()


def test_second_run_on_unchanged_corpus_embeds_nothing(tmp_settings: Settings) -> None:
    first = ingest(tmp_settings)
    embeddings = HashEmbeddings()
    report = ingest(tmp_settings, embeddings)
    assert embeddings.calls == 0
    assert (report.added, report.updated, report.removed, report.rows_written) == (0, 0, 0, 0)
    assert report.chunks == first.chunks and report.unchanged == 30


def test_changed_file_gets_new_rows_and_reuses_the_vectors_of_unchanged_text(tmp_settings: Settings) -> None:
    ingest(tmp_settings)
    before = stored(tmp_settings)
    path = tmp_settings.corpus_dir / "programmes" / "komm-an-nrw.md"
    path.write_text(path.read_text(encoding="utf-8").replace("seit 2015", "seit dem Jahr 2015"), encoding="utf-8")
    embeddings = HashEmbeddings()
    report = ingest(tmp_settings, embeddings)
    after = stored(tmp_settings)
    assert report.updated == 1 and report.unchanged == 29
    assert embeddings.calls == report.texts_embedded == 2  # the changed sentence and its chunk
    assert report.vectors_reused > 5
    assert after["programmes/komm-an-nrw"].isdisjoint(before["programmes/komm-an-nrw"])
    assert {k: v for k, v in after.items() if k != "programmes/komm-an-nrw"} == {
        k: v for k, v in before.items() if k != "programmes/komm-an-nrw"
    }
    index = open_generation(open_client(tmp_settings), tmp_settings, HashEmbeddings())[0]
    texts = index.chunks.get(where={"$and": [{"doc_id": "programmes/komm-an-nrw"}, index.visible()]})["documents"]
    assert any("seit dem Jahr 2015" in t for t in texts) and not any("seit 2015" in t for t in texts)
    ingest(tmp_settings)  # the next run purges the retired rows and their sentences
    old_rows = sorted(before["programmes/komm-an-nrw"])
    assert index.chunks.get(ids=old_rows)["ids"] == []
    assert index.sentences.of_chunks(old_rows) == []


def test_deleted_file_disappears_from_the_index(tmp_settings: Settings) -> None:
    ingest(tmp_settings)
    (tmp_settings.corpus_dir / "programmes" / "sofra-koeln.md").unlink()
    report = ingest(tmp_settings)
    assert report.removed == 1 and report.documents == 29
    assert "programmes/sofra-koeln" not in stored(tmp_settings)
    ingest(tmp_settings)
    index = open_generation(open_client(tmp_settings), tmp_settings, HashEmbeddings())[0]
    assert index.sentences.of_documents(["programmes/sofra-koeln"]) == []


def test_the_bm25_index_grows_by_each_generation_and_loses_purged_rows(tmp_settings: Settings) -> None:
    """A changed document adds its new rows to the build's one BM25 index; readers of the older
    generation still find the old text, the new one only the new; the next run purges the old rows."""
    page = tmp_settings.corpus_dir / "programmes" / "sofra-koeln.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\n- Der Verein trifft sich im Schwalbennest.\n", encoding="utf-8")
    ingest(tmp_settings)
    page.write_text(text + "\n- Der Verein trifft sich im Zollverein.\n", encoding="utf-8")
    ingest(tmp_settings)
    pointer = live_pointer(open_client(tmp_settings), tmp_settings.collection)
    folder = lexical_folder(tmp_settings.lexical_path, pointer.live)
    older, newer = (LexicalIndex.open(folder, generation) for generation in (1, 2))
    assert pointer.generation == 2 and older is not None and newer is not None
    assert older.search("Schwalbennest", 5) and not older.search("Zollverein", 5)
    assert newer.search("Zollverein", 5)
    assert newer.search("Schwalbennest", 5)  # retired at 2 but kept for generation 1's readers (retrieval drops it)
    ingest(tmp_settings)  # no reader is on generation 1 any more: its retired rows leave
    purged = LexicalIndex.open(folder, 2)
    assert purged is not None and not purged.search("Schwalbennest", 5) and purged.search("Zollverein", 5)


def test_the_whole_generation_is_read_page_by_page(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading in pages far smaller than the corpus (as 500 are at scale) misses no chunk."""
    monkeypatch.setattr(pipeline, "PAGE", 7)
    report = ingest(tmp_settings)
    index, lexical = open_generation(open_client(tmp_settings), tmp_settings, HashEmbeddings())
    assert report.chunks > 3 * pipeline.PAGE and len(lexical) == index.chunks.count() == report.chunks
    for name in ("sofra-koeln", "vmdo-dortmund"):
        (tmp_settings.corpus_dir / "programmes" / f"{name}.md").unlink()
    report = ingest(tmp_settings)
    assert report.removed == 2 and {"programmes/sofra-koeln", "programmes/vmdo-dortmund"}.isdisjoint(stored(tmp_settings))


def test_broken_files_are_skipped_with_a_warning_and_the_rest_ingested(tmp_settings: Settings) -> None:
    (tmp_settings.corpus_dir / "press" / "kaputt.pdf").write_bytes(b"%PDF-1.4 nonsense")
    (tmp_settings.corpus_dir / "press" / "latin1.txt").write_bytes(b"Gr\xfc\xdfe")
    (tmp_settings.corpus_dir / "press" / "leer.txt").write_text("   \n", encoding="utf-8")
    report = ingest(tmp_settings)
    assert report.documents == 30 and report.failed == 3
    assert sorted(w.split(":")[0] for w in report.warnings) == ["press/kaputt", "press/latin1", "press/leer"]
    (tmp_settings.corpus_dir / "press" / "latin1.txt").write_text(
        "Grüße aus Köln. Das Land fördert Sprachkurse.", encoding="utf-8"
    )
    again = ingest(tmp_settings)
    assert again.added == 1 and again.failed == 2  # a failed file is tried again, not marked done


def test_a_file_that_breaks_keeps_its_committed_version(tmp_settings: Settings) -> None:
    ingest(tmp_settings)
    before = stored(tmp_settings)["programmes/sofra-koeln"]
    (tmp_settings.corpus_dir / "programmes" / "sofra-koeln.md").write_bytes(b"---\ntitle: [kaputt\n---\nText")
    report = ingest(tmp_settings)
    assert report.failed == 1 and stored(tmp_settings)["programmes/sofra-koeln"] == before


@pytest.mark.parametrize("sidecar", ['{"places": 5}', '{"sources": 7}', '{"places": 1.5}', '{"title": ["a"], "date": 3}'])
def test_a_metadata_field_of_the_wrong_type_is_a_warning_not_a_stop(tmp_settings: Settings, sidecar: str) -> None:
    (tmp_settings.corpus_dir / "press" / "neu.txt").write_text(
        "Neue Meldung.\nDas Land fördert Sprachkurse in Bonn.", encoding="utf-8"
    )
    (tmp_settings.corpus_dir / "press" / "neu.meta.json").write_text(sidecar, encoding="utf-8")
    report = ingest(tmp_settings)
    assert report.documents == 31 and report.failed == 0
    assert any(w.startswith("press/neu: Metadatenfeld") and "falschen Typ" in w for w in report.warnings)


def test_front_matter_of_the_wrong_type_is_a_warning(tmp_settings: Settings) -> None:
    (tmp_settings.corpus_dir / "programmes" / "neu.md").write_text(
        "---\nplaces: 42\n---\nDas Land fördert Sprachkurse in Bonn.", encoding="utf-8"
    )
    report = ingest(tmp_settings)
    assert report.documents == 31 and any("'places'" in w for w in report.warnings)


def test_a_file_name_that_is_not_utf8_is_ingested_under_a_readable_id(tmp_settings: Settings) -> None:
    folder = os.fsencode(tmp_settings.corpus_dir / "press")
    with open(os.path.join(folder, b"caf\xff.txt"), "wb") as handle:
        handle.write("Neue Meldung.\nDas Land fördert Sprachkurse in Bonn.".encode())
    report = ingest(tmp_settings)
    assert report.documents == 31 and "press/caf\ufffd" in stored(tmp_settings)
    assert any("kein gültiges UTF-8" in w for w in report.warnings)


def test_a_symlink_leaving_the_corpus_is_skipped(tmp_settings: Settings, tmp_path: Path) -> None:
    outside = tmp_path / "geheim.txt"
    outside.write_text("Geheime Notiz.\nSie gehört nicht in den Index.", encoding="utf-8")
    (tmp_settings.corpus_dir / "press" / "geheim.txt").symlink_to(outside)
    (tmp_settings.corpus_dir / "extern").symlink_to(tmp_path, target_is_directory=True)
    report = ingest(tmp_settings)
    assert report.documents == 30 and "press/geheim" not in stored(tmp_settings)
    assert sum("Verknüpfung zeigt aus dem Korpus-Ordner hinaus" in w for w in report.warnings) == 2


def test_a_huge_text_is_refused_with_a_clear_message(tmp_settings: Settings) -> None:
    (tmp_settings.corpus_dir / "press" / "riesig.txt").write_text(
        "Ein Satz über Sprachkurse in Bonn.\n" * 20_000, encoding="utf-8"
    )
    report = ingest(tmp_settings)
    assert report.documents == 30 and report.failed == 1
    assert any(w.startswith("press/riesig: fehlgeschlagen (Text zu lang") for w in report.warnings)


def test_documents_stream_through_in_batches(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never more than one batch of documents is loaded and not yet written."""
    for n in range(60):
        (tmp_settings.corpus_dir / "press" / f"kurz-{n:03}.txt").write_text(
            f"Meldung {n}.\nDas Land fördert Sprachkurse im Kreis Nummer {n}.", encoding="utf-8"
        )
    loaded: set[str] = set()
    written: set[str] = set()
    in_flight: list[int] = []
    original_load, original_upsert = pipeline.load, Collection.upsert

    def load(file):
        loaded.add(file.doc_id)
        in_flight.append(len(loaded - written))
        return original_load(file)

    def upsert(self, *args, **kwargs):
        written.update(m["doc_id"] for m in kwargs["metadatas"])
        return original_upsert(self, *args, **kwargs)

    monkeypatch.setattr(pipeline, "load", load)
    monkeypatch.setattr(Collection, "upsert", upsert)
    embeddings = HashEmbeddings()
    sizes: list[int] = []
    monkeypatch.setattr(
        embeddings, "embed_documents", lambda texts: sizes.append(len(texts)) or HashEmbeddings().embed_documents(texts)
    )
    report = ingest(tmp_settings, embeddings, batch_docs=8)
    assert report.documents == 90 and len(loaded) == 90
    assert max(in_flight) <= 8 and max(sizes) <= pipeline.EMBED_BATCH


def test_index_built_with_another_embedder_is_refused(tmp_settings: Settings) -> None:
    ingest(tmp_settings)
    other = HashEmbeddings(id="fake:other")
    with pytest.raises(EmbedderMismatch, match="lotse ingest --rebuild"):
        open_generation(open_client(tmp_settings), tmp_settings, other)[0]
    with pytest.raises(EmbedderMismatch):
        ingest(tmp_settings, other)
    report = ingest(tmp_settings, other, rebuild=True)
    assert report.documents == 30
    open_generation(open_client(tmp_settings), tmp_settings, other)[0]


def test_a_build_without_its_sentence_file_is_refused_and_rebuilt_by_the_next_ingest(tmp_settings: Settings) -> None:
    """Builds of pipeline version 8 and older kept their sentences in a Chroma collection."""
    ingest(tmp_settings)
    pointer = Pointer.read(open_client(tmp_settings), tmp_settings.collection)
    assert pointer is not None
    sentences_file(tmp_settings.lexical_path, pointer.live).unlink()
    with pytest.raises(IndexMissing, match="lotse ingest"):
        open_generation(open_client(tmp_settings), tmp_settings, HashEmbeddings())
    report = ingest(tmp_settings)
    assert report.documents == 30 and report.added == 30  # a new build, every document written again
    index = open_generation(open_client(tmp_settings), tmp_settings, HashEmbeddings())[0]
    assert index.sentences.chunk_ids() == set(index.chunks.get(where=index.visible())["ids"])
