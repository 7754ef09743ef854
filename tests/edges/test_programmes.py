from app.conversation import Glossary
from app.edges.programmes import ProgrammeDirectory, filter_programmes, load_programmes
from tests.conftest import CORPUS

PROGRAMMES = load_programmes(CORPUS)
DIRECTORY = ProgrammeDirectory.load(CORPUS)
GLOSSARY = Glossary.load(CORPUS / "glossary" / "glossary.yaml")


def names(place: str | None, search: str) -> list[str]:
    return [p.name for p in filter_programmes(PROGRAMMES, place, search, GLOSSARY)]


def test_every_description_has_the_table_fields_and_sources() -> None:
    assert len(PROGRAMMES) == 25
    for p in PROGRAMMES:
        assert p.name and p.where and p.since and p.money and p.operator, p.doc_id
        assert p.sources and all(s.startswith("press/") for s in p.sources), p.doc_id


def test_every_source_is_a_press_release_of_the_corpus_with_title_and_date() -> None:
    assert len(DIRECTORY.sources) == 5
    for p in PROGRAMMES:
        for s in p.sources:
            source = DIRECTORY.sources[s]
            assert source.title and source.label.startswith("PM"), s
    assert DIRECTORY.sources["press/002_09710fbae2823880"].date == "02.10.2018"


def test_each_source_shows_the_passages_the_description_takes_from_it() -> None:
    mothers = next(p for p in PROGRAMMES if p.name.startswith("Stadtteilmütter"))
    passages = DIRECTORY.sources[mothers.sources[0]].passages(mothers)
    assert any("neun verschiedene Sprachen" in p for p in passages)
    assert all(p in DIRECTORY.sources[mothers.sources[0]].sentences for p in passages)  # verbatim from the release


def test_filter_by_place_keeps_statewide_programmes() -> None:
    found = set(names("Dortmund", ""))
    assert "GriffbereitMini (Dortmund)" in found and "KOMM-AN NRW" in found
    assert "Stadtteilmütter (Köln-Mülheim)" not in found


def test_search_looks_into_fields_and_text() -> None:
    assert names(None, "lebensjahr") == ["GriffbereitMini (Dortmund)", "Kommunales Integrationszentrum Dortmund"]


def test_search_finds_word_forms_and_glossary_synonyms() -> None:
    assert "Stadtteilmütter (Köln-Mülheim)" in names("Köln", "Eltern")  # the description says "Familien"
    assert "GriffbereitMini (Dortmund)" in names(None, "Kleinkinder")  # stem of "Kleinkind"
    assert names(None, "Eltern Wetterbericht") == []  # every word must be found


def test_literal_search_without_glossary_misses_synonyms() -> None:
    assert "Stadtteilmütter (Köln-Mülheim)" not in [p.name for p in filter_programmes(PROGRAMMES, "Köln", "Eltern")]
