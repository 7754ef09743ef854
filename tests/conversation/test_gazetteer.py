"""Places from the official directory: every Gemeinde to its Kreis, names that are ordinary
words only after a place word, the longer name before the shorter one it contains."""

import pytest

from app.conversation import Gazetteer, Glossary
from app.core import STATEWIDE

PLACES = Gazetteer.official()


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("Ich wohne in Brüggen. Gibt es Sprachkurse?", ["Kreis Viersen"]),  # a Gemeinde: its Kreis
        ("Wie viel Geld bekommt Bonn aus KOMM-AN NRW?", ["Bonn", STATEWIDE]),
        ("gibts in düren ein welcome center??", ["Kreis Düren"]),
        ("Ich wohne in Eschweiler", ["Städteregion Aachen"]),
        ("Wo bekomme ich Hilfe im Hochsauerlandkreis?", ["Hochsauerlandkreis"]),
        ("Welcome Center in Cologne", ["Köln"]),
        ("Де допомога в Кельні?", ["Köln"]),
        ("ich wohne in koeln", ["Köln"]),
        ("Die Dortmunder Nordstadt", ["Dortmund"]),  # an ending on a long enough name
        ("li Bonnê KI heye?", ["Bonn"]),  # a short name with the Kurmanji ending
        ("Silav, li Hammê Integrationsagentur heye?", ["Hamm"]),  # … after the Kurmanji "in"
        ("li herneyê kursa almanî heye?", ["Herne"]),
        # Essen, Hamm, Lage, Senden, Marl: places only after a place word.
        ("ich wohne in essen und suche arbeit", ["Essen"]),
        ("Gibt es Essen in der Kita?", []),
        ("Das Mittagessen ist kostenlos.", []),
        ("Wir sind aus Hamm.", ["Hamm"]),
        ("Er schlug mit dem Hammer.", []),
        ("Wir sind in der Lage, zu helfen.", []),
        ("Das geschieht in enger Zusammenarbeit mit den Kommunen.", []),
        ("Die Beratung in Enger ist neu.", ["Kreis Herford"]),
        ("Die Stadt Lage liegt im Kreis Lippe.", ["Kreis Lippe"]),
        ("Kann ich die Unterlagen per Post senden?", []),
        ("Ich lebe in Senden.", ["Kreis Coesfeld"]),
        ("Sie wohnt in Sendenhorst.", ["Kreis Warendorf"]),  # the longer name, not Senden
        ("Stadt Marl", ["Kreis Recklinghausen"]),
        # Kreis Kleve vs Stadt Kleve: the same Kreis; Neuss and the Rhein-Kreis Neuss: one place.
        ("Stadt Kleve und Kreis Kleve", ["Kreis Kleve"]),
        ("Neuss liegt im Rhein-Kreis Neuss.", ["Rhein-Kreis Neuss"]),
        # Mülheim an der Ruhr is a kreisfreie Stadt; Köln-Mülheim a district of Köln; "Mülheimer" alone neither.
        ("Beratung in Mülheim an der Ruhr", ["Mülheim an der Ruhr"]),
        ("Ich wohne in Köln-Mülheim.", ["Köln"]),
        ("Die Mülheimer Einrichtung hilft Familien.", []),
        ("Die Stadtteilmütter in Köln beraten Familien in Mülheim.", ["Köln"]),
        ("Ich wohne in Mülheim.", ["Mülheim an der Ruhr"]),
        # After the name of a local office an ordinary-word name is the place; Farsi "بن" (Bonn) only
        # after "در" (in), as Arabic "بن" is "son of".
        ("telefonnummer welcome center lippe", ["Kreis Lippe"]),
        ("Welche Telefonnummer hat das KI Hamm?", ["Hamm"]),
        ("در بن چه برنامه‌هایی هست؟", ["Bonn"]),
        ("بن چقدر پول می‌گیرد؟", []),
        ("محمد بن سلمان في ألمانيا", []),
    ],
)
def test_places_are_found_by_context_not_by_substring(text: str, places: list[str]) -> None:
    assert PLACES.find(text) == places


def test_every_place_of_the_directory_is_known_at_its_kreis() -> None:
    assert len(set(PLACES.canonical.values()) - {STATEWIDE}) == 53
    assert PLACES.canonical_place("brüggen") == "Kreis Viersen"
    assert PLACES.canonical_place("Paderborn") == "Kreis Paderborn"
    assert PLACES.canonical_place("Atlantis") is None


def test_place_phrases_are_removed_with_their_lead_words() -> None:
    assert PLACES.without_places("Wo bekomme ich Hilfe im Kreis Kleve?") == "Wo bekomme ich Hilfe?"
    assert PLACES.without_places("Gibt es in der Stadt Köln Beratung?") == "Gibt es Beratung?"


def test_the_glossary_takes_its_places_from_the_directory() -> None:
    glossary = Glossary()
    assert glossary.places_in("Ich wohne in Nettetal") == ["Kreis Viersen"]
    assert glossary.canonical_place("KREIS HÖXTER") == "Kreis Höxter"


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("die Telefonnummer im Märkischen Kreis", "Märkischer Kreis"),
        ("das KI des Kreises Kleve", "Kreis Kleve"),
        ("Angebote des Rhein-Kreises Neuss", "Rhein-Kreis Neuss"),
    ],
)
def test_declined_kreis_names_are_found(text: str, place: str) -> None:
    assert PLACES.find(text) == [place]


@pytest.mark.parametrize(
    ("place", "owner", "inside", "about"),
    [
        ("Bonn", "der Stadt Bonn", "in Bonn", "zu Bonn"),
        ("Kreis Viersen", "des Kreises Viersen", "im Kreis Viersen", "zum Kreis Viersen"),
        ("Märkischer Kreis", "des Märkischen Kreises", "im Märkischen Kreis", "zum Märkischen Kreis"),
        ("Städteregion Aachen", "der Städteregion Aachen", "in der Städteregion Aachen", "zur Städteregion Aachen"),
        ("Hochsauerlandkreis", "des Hochsauerlandkreises", "im Hochsauerlandkreis", "zum Hochsauerlandkreis"),
    ],
)
def test_places_are_declined_for_the_referral_and_the_near_miss_answer(place: str, owner: str, inside: str, about: str) -> None:
    assert PLACES.genitive(place) == owner
    assert PLACES.dative(place, "in") == inside
    assert PLACES.dative(place, "zu") == about
    assert PLACES.dative(place, "Zu") == about[0].upper() + about[1:]
