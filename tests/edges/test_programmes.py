from app.edges.programmes import filter_programmes, load_programmes, press_titles
from tests.conftest import CORPUS

PROGRAMMES = load_programmes(CORPUS)


def test_every_description_has_the_table_fields_and_sources() -> None:
    assert len(PROGRAMMES) == 25
    for p in PROGRAMMES:
        assert p.name and p.where and p.since and p.money and p.operator, p.doc_id
        assert p.sources and all(s.startswith("press/") for s in p.sources), p.doc_id


def test_every_source_is_a_press_release_of_the_corpus() -> None:
    titles = press_titles(CORPUS)
    assert len(titles) == 5
    assert all(s in titles for p in PROGRAMMES for s in p.sources)


def test_filter_by_place_keeps_statewide_programmes() -> None:
    names = {p.name for p in filter_programmes(PROGRAMMES, "Dortmund", "")}
    assert "GriffbereitMini (Dortmund)" in names and "KOMM-AN NRW" in names
    assert "Stadtteilmütter (Köln-Mülheim)" not in names


def test_search_looks_into_fields_and_text() -> None:
    assert [p.name for p in filter_programmes(PROGRAMMES, None, "lebensjahr")] == ["GriffbereitMini (Dortmund)", "Kommunales Integrationszentrum Dortmund"]
