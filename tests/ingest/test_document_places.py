"""The place a document is about, told apart from places it merely mentions."""

import pytest

from app.conversation import Glossary
from app.core import STATEWIDE
from ingest.loaders import SourceDocument
from ingest.pipeline import document_places, host_place

GLOSSARY = Glossary()


def document(title: str, text: str, url: str | None = None, places: tuple[str, ...] = ()) -> SourceDocument:
    return SourceDocument("pages/x", "web", title, None, text, "f", places=places, url=url)


@pytest.mark.parametrize(
    ("url", "place"),
    [
        ("https://www.kreis-coesfeld.de/integration", "Kreis Coesfeld"),
        ("https://integration.stadt-koeln.de/lotsen", "Köln"),
        ("https://www.essen.de/leben", "Essen"),  # a name that needs a place word in text, but a host is one
        ("https://www.staedteregion-aachen.de/", "Städteregion Aachen"),
        ("https://www.mkjfgfi.nrw.de/integration", None),  # the Land's site names no single place
        ("https://www.caritas-essen.de/", None),  # an ordinary word in a host is no place
        ("http://127.0.0.1:8000/x", None),
        (None, None),
    ],
)
def test_the_host_of_a_kreis_or_city_site_is_its_place(url: str | None, place: str | None) -> None:
    assert host_place(url, GLOSSARY) == place


def test_the_host_outranks_a_footer_address_and_the_sidecar_outranks_the_host() -> None:
    text = "Integrationslotsen begleiten Neuzugewanderte.\n\nMinisterium, Völklinger Straße 4, 40219 Düsseldorf"
    assert document_places(document("Integrationslotsen", text, "https://www.kreis-coesfeld.de/x"), GLOSSARY) == [
        "Kreis Coesfeld"
    ]
    assert document_places(document("Integrationslotsen", text), GLOSSARY) == [STATEWIDE]
    assert document_places(document("Integrationslotsen", text, "https://www.kreis-coesfeld.de/x", ("Bonn",)), GLOSSARY) == [
        "Bonn"
    ]
    assert document_places(document("Integrationslotsen in Hamm", text, "https://www.mkjfgfi.nrw.de/x"), GLOSSARY) == ["Hamm"]
