"""Documents from other Länder in the same index: NRW questions never see them, a question that
names their place is answered from them (real embedder, real Chroma)."""

from __future__ import annotations

import json

import pytest

from app.core import STATEWIDE, Settings
from app.index import live_pointer, load_embeddings
from app.pipeline import Lotse

pytestmark = pytest.mark.integration
MUNICH = (
    "Einbürgerung in München\nWenn Sie seit mindestens acht Jahren rechtmäßig und gewöhnlich in Deutschland leben, "
    "können Sie einen Antrag auf Einbürgerung stellen.\nDie Einbürgerungsbehörde berät Sie zu den Unterlagen."
)
REMS_MURR = (
    "Ehrenamt im Rems-Murr-Kreis\nEhrenamtliche, die sich um Geflüchtete kümmern, unterstützt im Rems-Murr-Kreis "
    "die Koordinationsstelle Ehrenamt im Landratsamt."
)


@pytest.fixture(scope="module")
def lotse_with_other_lands(tmp_path_factory: pytest.TempPathFactory) -> Lotse:
    import shutil

    from tests.conftest import CORPUS, ingest

    root = tmp_path_factory.mktemp("region")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "pages").mkdir()
    (corpus / "pages" / "muenchen-1.txt").write_text(MUNICH, encoding="utf-8")
    (corpus / "pages" / "muenchen-1.meta.json").write_text(json.dumps({"places": ["München"]}), encoding="utf-8")
    (corpus / "pages" / "rems-murr-1.txt").write_text(REMS_MURR, encoding="utf-8")
    (corpus / "pages" / "rems-murr-1.meta.json").write_text(json.dumps({"land": "Baden-Württemberg"}), encoding="utf-8")
    settings = Settings(corpus_dir=corpus, chroma_dir=root / "chroma", collection="region")
    ingest(settings, load_embeddings(settings.embeddings))
    return Lotse.from_settings(settings)


def test_every_chunk_knows_its_land(lotse_with_other_lands: Lotse) -> None:
    lotse = lotse_with_other_lands
    build = lotse.client.get_collection(live_pointer(lotse.client, lotse.settings.collection).live)
    lands = {str(m["doc_id"]): m["land"] for m in build.get(include=["metadatas"])["metadatas"] or []}
    assert lands["pages/muenchen-1"] == "Bayern" and lands["pages/rems-murr-1"] == "Baden-Württemberg"
    assert {land for doc, land in lands.items() if not doc.startswith("pages/")} == {STATEWIDE}


@pytest.mark.parametrize(
    "question",
    [
        "Wer kann einen Antrag auf Einbürgerung stellen?",
        "Wer unterstützt Ehrenamtliche, die sich um Geflüchtete kümmern?",
        "Who can apply for naturalisation?",
    ],
)
def test_nrw_questions_never_see_other_lands(lotse_with_other_lands: Lotse, question: str) -> None:
    answer = lotse_with_other_lands.ask(question)
    assert not any(r.doc_id.startswith("pages/") for r in answer.retrieved), [r.doc_id for r in answer.retrieved]


def test_a_question_naming_a_place_in_another_land_is_answered_from_there(lotse_with_other_lands: Lotse) -> None:
    answer = lotse_with_other_lands.ask("Wer kann in München einen Antrag auf Einbürgerung stellen?")
    assert not answer.abstained and {c.doc_id for c in answer.citations} == {"pages/muenchen-1"}
    assert any("acht Jahren" in c.quote for c in answer.citations)


def test_a_land_filtered_search_is_filled_up_when_other_lands_crowd_the_nearest(
    lotse_with_other_lands: Lotse, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.retrieval import hybrid

    monkeypatch.setattr(hybrid, "DENSE_SLACK", 0)  # the unfiltered search fetches only as many as are needed
    searcher = lotse_with_other_lands.retriever.with_filters(land=STATEWIDE)
    dense = searcher.model_copy(update={"mode": "dense", "k": searcher.candidates})
    hits = dense.hits("Wer kann in München einen Antrag auf Einbürgerung stellen?")  # nearest: München's page
    assert len(hits) == searcher.candidates and all(h.meta["land"] == STATEWIDE for h in hits)
