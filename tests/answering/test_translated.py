from app.answering.translated import check_translation, facts
from app.core import RetrievedChunk

CHUNK = RetrievedChunk(
    chunk_id="c1",
    doc_id="press/x",
    title="KOMM-AN NRW",
    date="2020-11-05",
    kind="press",
    score=1.0,
    text="KOMM-AN NRW gibt es seit 2015. Mehr unter https://www.mkjfgfi.nrw/komm-an. Die Kommunalen Integrationszentren beraten.",
)


def test_facts_are_numbers_links_and_names() -> None:
    assert facts("KOMM-AN NRW існує з 2015 року. [1]", "uk") == {"KOMM-AN", "NRW", "2015"}
    assert facts("See https://www.mkjfgfi.nrw/komm-an for KOMM-AN NRW. [1]", "en") == {
        "https://www.mkjfgfi.nrw/komm-an",
        "KOMM-AN",
        "NRW",
    }
    assert facts("The programme started in 2015. [1]", "en") == {"2015"}  # ordinary capitalised English words are not names


def test_a_sentence_whose_facts_are_in_a_cited_sentence_passes_with_that_quote() -> None:
    checked = check_translation("KOMM-AN NRW існує з 2015 року. [1]", [CHUNK], "uk")
    assert checked is not None and checked.quotes == {1: "KOMM-AN NRW gibt es seit 2015."}


def test_wrong_numbers_names_links_or_citations_fail() -> None:
    assert check_translation("KOMM-AN NRW існує з 2016 року. [1]", [CHUNK], "uk") is None
    assert check_translation("GriffbereitMini існує з 2015 року. [1]", [CHUNK], "uk") is None
    assert check_translation("Див. https://boese.example. [1]", [CHUNK], "uk") is None
    assert check_translation("KOMM-AN NRW існує з 2015 року. [2]", [CHUNK], "uk") is None
    assert check_translation("KOMM-AN NRW існує з 2015 року.", [CHUNK], "uk") is None


def test_unverifiable_or_wrong_language_sentences_fail() -> None:
    assert check_translation("Це дуже добра програма. [1]", [CHUNK], "uk") is None  # nothing to check
    assert check_translation("KOMM-AN NRW gibt es seit 2015. [1]", [CHUNK], "uk") is None  # German, not Ukrainian
