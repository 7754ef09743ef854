"""The offer list for help-seeking questions: local offers first, one line each, pure."""

import numpy as np

from app.answering.offers import Offer, choose_offers, offer_line, offers
from app.conversation import Intent, Query
from app.conversation.asking import sought
from app.core import RetrievedChunk
from app.retrieval import Line, Page

QUESTION = np.array([1.0, 0.0], dtype=np.float32)
ASK = np.array([0.0, 1.0], dtype=np.float32)
"""The ask alone, far from the whole message: a line's similarity to it is sqrt(1 - s**2)."""


def chunk(doc: str, places: tuple[str, ...]) -> RetrievedChunk:
    return RetrievedChunk(doc_id=doc, chunk_id=f"{doc}-c", score=0.8, text="", title=doc.title(), places=places)


def line(doc: str, text: str, similarity: float, position: int = 0) -> Line:
    return Line(np.array([similarity, np.sqrt(1 - similarity**2)], dtype=np.float32), text, f"{doc}-c", (0, position))


def offer(doc: str, places: tuple[str, ...], similarity: float) -> Offer:
    return Offer(chunk(doc, places), line(doc, f"{doc} hilft Familien.", similarity), False, similarity)


def test_local_offers_come_first_and_statewide_ones_only_fill_a_short_list() -> None:
    found = [
        offer("land-a", ("Nordrhein-Westfalen",), 0.9),
        offer("koeln-b", ("Köln",), 0.5),
        offer("land-c", ("Nordrhein-Westfalen",), 0.85),
        offer("land-d", ("Nordrhein-Westfalen",), 0.7),
        offer("bonn", ("Bonn",), 0.95),
        offer("koeln-e", ("Köln",), 0.6),
    ]
    assert [o.chunk.doc_id for o in choose_offers(found, "Köln")] == ["koeln-e", "koeln-b", "land-a"]
    more_local = [*found, offer("koeln-f", ("Köln",), 0.4)]
    assert [o.chunk.doc_id for o in choose_offers(more_local, "Köln")] == ["koeln-e", "koeln-b", "koeln-f"]


def test_without_a_place_statewide_offers_lead_one_citys() -> None:
    found = [offer("koeln", ("Köln",), 0.9), offer("land", ("Nordrhein-Westfalen",), 0.5)]
    assert [o.chunk.doc_id for o in choose_offers(found, None)] == ["land", "koeln"]


def test_each_offer_shows_its_sentence_most_like_the_question_that_stands_alone() -> None:
    query = Query(
        "Wo bekomme ich Hilfe in Köln?",
        "Wo bekomme ich Hilfe in Köln?",
        True,
        ("Köln",),
        (),
        (),
        place_filter="Köln",
        intent=Intent.HELP,
    )
    chunks = [chunk("mso", ("Dortmund", "Köln")), chunk("stadtteil", ("Köln",))]
    pages = [
        Page(
            "mso",
            [
                line("mso", "In Dortmund engagiert sich ein Verein für Familien.", 0.9, 0),
                line("mso", "In Köln engagiert sich ein Verein für Geflüchtete.", 0.3, 1),
            ],
        ),
        Page(
            "stadtteil",
            [
                line("stadtteil", "Für Familien mit Fragen zu Sprache und Schule.", 0.95, 0),
                line("stadtteil", "Sie sprechen neun Sprachen mit den Familien.", 0.9, 1),
                line("stadtteil", "Die Einrichtung unterstützt Familien bei Fragen zur Bildung.", 0.8, 2),
                line("stadtteil", "Das Projekt gibt es im Stadtteil Mülheim.", 0.2, 3),
            ],
        ),
    ]
    listed = [sentence for _, _, sentence in offers(query, QUESTION, QUESTION, chunks, pages)]
    # the fragment and the sentence pointing back are never shown; the page about two places
    # shows only what it says about Köln
    assert listed == [
        "Die Einrichtung unterstützt Familien bei Fragen zur Bildung.",
        "In Köln engagiert sich ein Verein für Geflüchtete.",
    ]


def test_a_sentence_that_speaks_of_the_need_is_shown_even_if_it_points_back_and_two_offers_may_share_it() -> None:
    query = Query(
        "Gibt es Hilfe für LGBT Geflüchtete in Dortmund?",
        "Gibt es Hilfe für LGBT Geflüchtete in Dortmund?",
        True,
        ("Dortmund",),
        (),
        (),
        place_filter="Dortmund",
        intent=Intent.HELP,
        needs=sought("Gibt es Hilfe für LGBT Geflüchtete?", ""),
    )
    shared = "Beispiele für solche Angebote sind Demokratieförderung sowie Angebote für LSBTIQ*-Geflüchtete."
    chunks = [chunk("train-of-hope", ("Dortmund",)), chunk("vmdo", ("Dortmund",))]
    pages = [
        Page(
            doc,
            [line(doc, "Der Verein ist eine Migrant*innenselbstorganisation in Dortmund.", 0.9, 0), line(doc, shared, 0.5, 1)],
        )
        for doc in ("train-of-hope", "vmdo")
    ]
    listed = offers(query, QUESTION, QUESTION, chunks, pages)
    assert [(c.doc_id, sentence) for c, _, sentence in listed] == [("train-of-hope", shared), ("vmdo", shared)]
    assert offer_line("Train-Of-Hope", shared).startswith("Train-Of-Hope: Beispiele für solche Angebote")


def cologne_query(question: str, needs: str = "") -> Query:
    return Query(question, question, True, ("Köln",), (), (), place_filter="Köln", intent=Intent.HELP, needs=sought(needs, ""))


def test_each_offer_shows_its_line_closest_to_the_whole_message_and_the_ask_orders_them() -> None:
    """A preamble ("ich wohne in einer Unterkunft, ich habe zwei Kinder …") may choose what an
    offer's line says, not which offer comes first."""
    chunks = [chunk("a", ("Köln",)), chunk("b", ("Köln",))]
    pages = [
        Page(
            "a",
            [
                line("a", "In Köln hilft die Initiative A Familien.", 0.9, 0),
                line("a", "In Köln berät die Initiative A alle Menschen.", 0.3, 1),
            ],
        ),
        Page("b", [line("b", "In Köln berät die Beratungsstelle B Zugewanderte.", 0.5, 0)]),
    ]
    listed = offers(cologne_query("Welche Hilfe gibt es in Köln?"), QUESTION, ASK, chunks, pages)
    assert [(c.doc_id, sentence) for c, _, sentence in listed] == [
        ("b", "In Köln berät die Beratungsstelle B Zugewanderte."),
        ("a", "In Köln hilft die Initiative A Familien."),
    ]


def test_only_offers_whose_line_speaks_of_the_need_are_listed_when_any_does() -> None:
    """SOFRA's line for queer people is no answer to a mother, although its page names families."""
    chunks = [chunk("c", ("Köln",)), chunk("b", ("Köln",)), chunk("s", ("Köln",))]
    pages = [
        Page("c", [line("c", "In Köln ist die Gruppe C für LSBTIQ*-Geflüchtete da.", 0.9, 0)]),
        Page("b", [line("b", "In Köln berät die Beratungsstelle B Zugewanderte.", 0.5, 0)]),
        Page("s", [line("s", "Die Stadtteilmütter unterstützen Familien in Köln.", 0.7, 0)]),
    ]
    queer = cologne_query("Ich bin schwul. Wer hilft mir in Köln?", needs="Gibt es Hilfe für LGBT Geflüchtete?")
    assert [c.doc_id for c, _, _ in offers(queer, QUESTION, ASK, chunks, pages)] == ["c"]
    mother = cologne_query("Ich bin Mutter. Welche Hilfe gibt es für Eltern in Köln?", needs="Hilfe für Eltern")
    assert [c.doc_id for c, _, _ in offers(mother, QUESTION, ASK, chunks, pages)] == ["s"]
    flat = cologne_query("Wo finde ich eine Wohnung in Köln?", needs="Wo finde ich eine Wohnung?")
    assert sorted(c.doc_id for c, _, _ in offers(flat, QUESTION, ASK, chunks, pages)) == ["b", "c", "s"]  # none fits: all


def test_an_offer_line_names_the_offer_once() -> None:
    assert (
        offer_line("Welcome Office der Stadt Bochum", "Es hilft bei der Arbeitssuche. (Quelle: PM)")
        == "Welcome Office der Stadt Bochum: Es hilft bei der Arbeitssuche."
    )
    assert (
        offer_line("SOFRA (Köln)", "In Köln engagiert sich der Verein SOFRA für queere Menschen.")
        == "In Köln engagiert sich der Verein SOFRA für queere Menschen."
    )


def test_a_sentence_two_pages_share_is_listed_once_from_the_more_specific_page() -> None:
    shared = "In Köln engagiert sich der Verein SOFRA für queere Menschen."
    general = Offer(chunk("mso", ("Nordrhein-Westfalen", "Köln")), line("mso", shared, 0.8), False, 0.8)
    specific = Offer(chunk("sofra", ("Köln",)), line("sofra", shared, 0.8), False, 0.8)
    assert [o.chunk.doc_id for o in choose_offers([general, specific], "Köln")] == ["sofra"]


def test_an_offer_listed_alone_shows_its_next_sentence_too_in_document_order() -> None:
    """Whom the Servicestelle serves, and what it does for them; the name once, before the first."""
    whom = "Das Angebot richtet sich an Menschen of Color. (Quelle: PM 02.10.2018)"
    what = "Im Mittelpunkt steht die Unterstützung beim Umgang mit Diskriminierungserfahrungen."
    lines = [
        line("servicestelle", "Die Servicestelle ist in Trägerschaft eines Vereins.", 0.2, 0),
        line("servicestelle", what, 0.8, 1),
        line("servicestelle", whom, 0.9, 2),
    ]
    chunks = [chunk("servicestelle", ("Köln",))]
    query = cologne_query("Wer hilft bei Diskriminierung in Köln?")
    listed = offers(query, QUESTION, ASK, chunks, [Page("servicestelle", lines)])
    assert [(shown, quote) for _, shown, quote in listed] == [
        (f"Servicestelle: {what}", what),
        ("Das Angebot richtet sich an Menschen of Color.", whom),
    ]
    pointing_back = [lines[2], line("servicestelle", "Dazu gehören Workshops und Vernetzungstreffen.", 0.85, 3)]
    listed = offers(cologne_query("Wer hilft in Köln?"), QUESTION, ASK, chunks, [Page("servicestelle", pointing_back)])
    assert [quote for _, _, quote in listed] == [whom]
