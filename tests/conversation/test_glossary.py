import pytest

from app.conversation import Glossary
from tests.conftest import CORPUS

GLOSSARY = Glossary.load(CORPUS / "glossary" / "glossary.yaml")


def test_ki_expands_to_kommunales_integrationszentrum_not_artificial_intelligence() -> None:
    assert GLOSSARY.expansions("Was macht das KI in Dortmund?") == ["Kommunales Integrationszentrum"]
    assert "Künstliche Intelligenz" not in GLOSSARY.expand("Was macht das KI?")


def test_lowercase_ki_in_a_word_is_not_expanded() -> None:
    assert "Kommunales Integrationszentrum" not in GLOSSARY.expansions("Wie funktioniert Kinderbetreuung?")


def test_only_misread_abbreviations_are_spelled_out_for_the_selector() -> None:
    question = "Seit wann gibt es das KI für Geflüchtete in NRW?"
    assert GLOSSARY.spelled_out(question) == f"{question} (Kommunales Integrationszentrum)"
    assert {"Zugewanderte", "Nordrhein-Westfalen"} <= set(GLOSSARY.expansions(question))  # only in the full expansion
    assert GLOSSARY.spelled_out("Wer leitet den VMDO?") == "Wer leitet den VMDO?"


def test_synonyms_add_the_group_head() -> None:
    assert "Migrantenselbstorganisation" in GLOSSARY.expansions("Was ist eine Migrant*innenselbstorganisation?")
    assert "Zugewanderte" in GLOSSARY.expansions("Hilfe für Geflüchtete")


def test_places_and_programmes_are_found_in_text() -> None:
    text = "Das Welcome Center des Kreises Kleve und GriffbereitMini in Dortmund."
    assert {"Kreis Kleve", "Dortmund"} <= set(GLOSSARY.places_in(text))
    assert {"Welcome Center", "GriffbereitMini"} <= set(GLOSSARY.programmes_in(text))


def test_a_sentence_is_tagged_with_its_own_places_and_with_its_documents_title() -> None:
    entities, own = GLOSSARY.sentence_tags("Die Einrichtung ist in Mülheim.", "Stadtteilmütter Köln")
    assert own == {"Köln"}  # the district of the Köln the title names, not Mülheim an der Ruhr
    assert entities == {"Stadtteilmütter", "Köln"}
    entities, own = GLOSSARY.sentence_tags("Das Land Nordrhein-Westfalen fördert es.", "KI im Kreis Viersen")
    assert own == {"Nordrhein-Westfalen"} and entities == {"Kommunale Integrationszentren", "Kreis Viersen"}
    _, own = GLOSSARY.sentence_tags("Hinzu kommen Mittel aus den kommunalen Haushalten. (Quelle: PM Kreis Viersen)", "KI")
    assert own == set()  # the source note's place is where the release came from, not what the sentence is about
    _, own = GLOSSARY.sentence_tags("Das Welcome Office wird im Rahmen von NRW.Integrativ gefördert.", "Welcome Office Bochum")
    assert own == set()  # the Land in a programme's name


@pytest.mark.parametrize(
    ("typed", "programme"),
    [
        ("griffbereit mini was ist das", "GriffbereitMini"),
        ("Griffbereit-Mini", "GriffbereitMini"),
        ("Was ist Komm An?", "KOMM-AN NRW"),
        ("welcomecenter kleve", "Welcome Center"),
        ("nach dem Teilhabe- und Integrationsgesetz", "Teilhabe- und Integrationsgesetz"),
    ],
)
def test_a_programme_name_is_found_however_its_parts_are_joined(typed: str, programme: str) -> None:
    assert GLOSSARY.programmes_in(typed) == [programme]


def test_canonical_place_ignores_case() -> None:
    assert GLOSSARY.canonical_place("KÖLN") == "Köln"
    assert GLOSSARY.canonical_place("kreis kleve") == "Kreis Kleve"
    assert GLOSSARY.canonical_place("Berlin") is None


def test_missing_glossary_file_gives_empty_glossary(tmp_path) -> None:
    assert Glossary.load(tmp_path / "nope.yaml").expand("Was ist KI?") == "Was ist KI?"


@pytest.mark.parametrize(
    ("text", "land"),
    [
        ("Wie lange dauert eine Einbürgerung in München?", "Bayern"),
        ("Wo gibt es Hilfe im Rems-Murr-Kreis?", "Baden-Württemberg"),
        ("Augsburger Beratungsstelle", "Bayern"),
        ("Wie lange dauert eine Einbürgerung?", "Nordrhein-Westfalen"),
        ("Was ist KOMM-AN NRW?", "Nordrhein-Westfalen"),
        ("Ist es in Köln wie in München?", "Nordrhein-Westfalen"),  # a place in NRW keeps the question in NRW
        ("Was gibt es in München und Stuttgart?", "Nordrhein-Westfalen"),  # two other Länder: no single one to narrow to
        ("Was macht der Verein in Münster?", "Nordrhein-Westfalen"),
    ],
)
def test_a_question_is_about_nrw_unless_it_names_a_place_of_exactly_one_other_land(text: str, land: str) -> None:
    assert GLOSSARY.land_in(text) == land


def test_a_stated_land_is_spelled_as_the_glossary_spells_it() -> None:
    assert GLOSSARY.canonical_land("NRW") == "Nordrhein-Westfalen"
    assert GLOSSARY.canonical_land("bayern") == "Bayern"
    assert GLOSSARY.canonical_land(" Hessen ") == "Hessen"
