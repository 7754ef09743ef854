"""The offer list for help-seeking questions: local offers first, one line each, pure."""

import numpy as np

from app.answering.offers import offer_line, offer_order, offers
from app.conversation import Intent, Query
from app.core import RetrievedChunk
from app.retrieval import Line, Page


def chunk(doc: str, score: float, places: tuple[str, ...]) -> RetrievedChunk:
    return RetrievedChunk(doc_id=doc, chunk_id=f"{doc}-c", score=score, text="", title=doc.title(), places=places)


def page(doc: str, *texts: str) -> Page:
    return Page(doc, [Line(np.zeros(2, dtype=np.float32), t, f"{doc}-c", (0, i)) for i, t in enumerate(texts)])


def test_local_offers_come_first_then_at_most_two_statewide_ones() -> None:
    chunks = [chunk("land-a", 0.9, ("Nordrhein-Westfalen",)), chunk("koeln-b", 0.8, ("Köln",)),
              chunk("land-c", 0.85, ("Nordrhein-Westfalen",)), chunk("land-d", 0.7, ("Nordrhein-Westfalen",)),
              chunk("bonn", 0.95, ("Bonn",))]
    assert [c.doc_id for c in offer_order(chunks, "Köln")] == ["koeln-b", "land-a", "land-c"]


def test_each_offer_is_shown_with_a_sentence_that_stands_alone_and_names_the_place() -> None:
    query = Query("Wo bekomme ich Hilfe in Köln?", "Wo bekomme ich Hilfe in Köln?", True, ("Köln",), (), None, (), "Köln", Intent.HELP)
    chunks = [chunk("mso", 0.9, ("Dortmund", "Köln")), chunk("stadtteil", 0.8, ("Köln",))]
    pages = [page("mso", "In Dortmund engagiert sich ein Verein für Familien.", "In Köln engagiert sich ein Verein für Geflüchtete."),
             page("stadtteil", "Für Familien mit Fragen zu Sprache und Schule.", "Sie sprechen neun Sprachen.",
                  "Die Einrichtung unterstützt Familien bei Fragen zur sprachlichen Bildung.")]
    listed = [sentence for _, sentence in offers(query, chunks, pages)]
    assert listed == ["In Köln engagiert sich ein Verein für Geflüchtete.", "Die Einrichtung unterstützt Familien bei Fragen zur sprachlichen Bildung."]


def test_an_offer_line_names_the_offer_once() -> None:
    assert offer_line("Welcome Office der Stadt Bochum", "Es hilft bei der Arbeitssuche. (Quelle: PM)") == \
        "Welcome Office der Stadt Bochum: Es hilft bei der Arbeitssuche."
    assert offer_line("SOFRA (Köln)", "In Köln engagiert sich der Verein SOFRA für queere Menschen.") == \
        "In Köln engagiert sich der Verein SOFRA für queere Menschen."
