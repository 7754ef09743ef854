"""Evidence for what the asker seeks: only documents that speak of the need answer it."""

from dataclasses import replace

import numpy as np

from app.answering.draft import Evidence
from app.conversation import Intent, Query, cues
from app.core import RetrievedChunk
from app.retrieval import Line, Page, Retrieval

VECTOR = np.array([1.0, 0.0], dtype=np.float32)
CHUNKS = [
    RetrievedChunk("griffbereit", "g", 0.86, "", "GriffbereitMini (Dortmund)", places=("Dortmund",)),
    RetrievedChunk("ki", "k", 0.85, "", "Kommunales Integrationszentrum Dortmund", places=("Dortmund",)),
]
PAGES = [
    Page("griffbereit", [Line(VECTOR, "Für Eltern und Kinder im ersten Lebensjahr.", "g", (0, 0))]),
    Page(
        "ki",
        [Line(VECTOR, "Das KI berät Zugewanderte.", "k", (0, 0)), Line(VECTOR, "Es vermittelt auch Kita-Plätze.", "k", (0, 1))],
    ),
]


def evidence(question: str) -> Evidence:
    query = Query(
        question,
        question,
        True,
        ("Dortmund",),
        (),
        (),
        place_filter="Dortmund",
        intent=Intent.HELP,
        needs=cues().needs_in(question),
    )
    return Evidence(query, Retrieval(question, VECTOR, CHUNKS, question, VECTOR), PAGES, None)


def test_only_documents_that_speak_of_the_need_are_evidence() -> None:
    narrowed = evidence("Wo finde ich einen Kitaplatz in Dortmund?").on_the_need()
    assert [c.doc_id for c in narrowed.retrieval.chunks] == ["ki"] and [p.doc_id for p in narrowed.pages] == ["ki"]


def test_a_need_no_document_speaks_of_leaves_no_evidence_in_any_language() -> None:
    for question in ("Ich suche eine Wohnung in Dortmund, wer hilft mir?", "Де вивчити німецьку мову в Дортмунді?"):
        narrowed = evidence(question).on_the_need()
        assert narrowed.retrieval.chunks == [] and narrowed.pages == []


def test_a_turn_that_seeks_nothing_in_particular_keeps_all_evidence() -> None:
    whole = evidence("Wo bekomme ich Hilfe in Dortmund?")
    assert whole.on_the_need() is whole


def test_a_broad_need_only_narrows_a_list_of_offers_and_only_when_some_fit() -> None:
    for_parents = evidence("Welche Hilfe gibt es in Dortmund für Eltern?").on_the_need()
    assert [c.doc_id for c in for_parents.retrieval.chunks] == ["griffbereit"]
    for_a_family = evidence("Welche Hilfe gibt es in Dortmund für Familien?")
    no_page = replace(for_a_family, pages=[Page("griffbereit", [Line(VECTOR, "Ein Angebot in Dortmund.", "g", (0, 0))])])
    assert no_page.on_the_need() is no_page


def test_a_sentence_about_another_place_does_not_speak_of_the_need_for_the_asked_one() -> None:
    release = RetrievedChunk("press", "p", 0.8, "", "Chancentour", places=("Nordrhein-Westfalen", "Kreis Kleve", "Dortmund"))
    kleve = Line(VECTOR, "Im Kreis Kleve ist die Ausländerbehörde im Welcome Center.", "p", (0, 0), frozenset({"Kreis Kleve"}))
    dortmund = Line(VECTOR, "In Dortmund hilft das KI Familien.", "p", (0, 1), frozenset({"Dortmund"}))
    question = "Wo ist die Ausländerbehörde in Dortmund?"
    query = Query(question, question, True, ("Dortmund",), (), (), place_filter="Dortmund", needs=cues().needs_in(question))
    found = Evidence(query, Retrieval(question, VECTOR, [release], question, VECTOR), [Page("press", [kleve, dortmund])], None)
    assert found.on_the_need().retrieval.chunks == []
    in_kleve = replace(found, query=replace(query, place_filter="Kreis Kleve", places=("Kreis Kleve",)))
    assert in_kleve.on_the_need().retrieval.chunks == [release]
