"""Which place a detail is asked for: a question that names no place is not answered with one
place's phone number or amount when the documents give it for several places."""

from dataclasses import replace

from app.answering.evidence import (
    Scored,
    admissible,
    at_the_asked_level,
    one_source_per_sentence,
    unclear_place,
    unknown_to_the_evidence,
)
from app.answering.extractive import which_place
from app.conversation import Glossary, Query
from app.conversation.glossary import _Names
from app.core import STATEWIDE, RetrievedChunk

GLOSSARY = Glossary(programmes=_Names.build({"Welcome Center": ["Welcome Center"], "Welcome Office": ["Welcome Office"]}))
RETRIEVED = [
    RetrievedChunk(
        "press/koeln", "k", 0.8, "Das Welcome Center ist unter 01234 1 erreichbar.", "Welcome Center Köln", places=("Köln",)
    ),
    RetrievedChunk("press/lippe", "l", 0.7, "Telefon: 01234 2.", "Welcome Center Lippe", places=("Kreis Lippe",)),
    RetrievedChunk("press/bochum", "b", 0.6, "Das Welcome Office hilft.", "Welcome Office Bochum", places=("Bochum",)),
    RetrievedChunk("press/nrw", "n", 0.5, "Landesweit gibt es 20 Welcome Center.", "NRW", places=(STATEWIDE,)),
]


def query(ask: str, detail: str, programmes: tuple[str, ...] = (), places: tuple[str, ...] = ()) -> Query:
    return Query(
        turn=ask,
        text=ask,
        german=True,
        places=places,
        programmes=programmes,
        unknown_terms=(),
        detail=detail,
        place_filter=places[0] if places else None,
    )


def test_a_place_bound_detail_without_a_place_is_unclear_when_several_places_give_it() -> None:
    assert unclear_place(query("telefonnummer welcome center", "phone", ("Welcome Center",)), RETRIEVED, GLOSSARY) == [
        "Köln",
        "Kreis Lippe",
    ]


def test_the_place_is_clear_when_named_when_one_place_has_the_programme_or_when_the_detail_is_not_bound() -> None:
    assert unclear_place(query("Telefon Welcome Center Köln", "phone", ("Welcome Center",), ("Köln",)), RETRIEVED, GLOSSARY) == []
    assert unclear_place(query("Telefon Welcome Office", "phone", ("Welcome Office",)), RETRIEVED, GLOSSARY) == []
    assert unclear_place(query("Was ist ein Welcome Center?", "none", ("Welcome Center",)), RETRIEVED, GLOSSARY) == []


def test_the_question_back_names_the_places_and_gives_no_fact() -> None:
    draft = which_place(["Köln", "Kreis Lippe"], Glossary())
    assert draft.abstained and not draft.citations
    assert "Stadt Köln, Kreis Lippe" in draft.answer and draft.answer.endswith("Für welchen Ort möchten Sie es wissen?")


def test_a_sentence_two_documents_share_is_cited_from_the_one_retrieval_ranked_higher_with_the_best_score() -> None:
    shared = "Seit 2015 gibt es das Programm."
    programme = RetrievedChunk("programmes/p", "p", 0.9, shared, "Programm")
    press = RetrievedChunk("press/p", "q", 0.7, shared, "Pressemitteilung")
    scored = [
        Scored(0.8, shared, press, True),
        Scored(0.5, f"{shared}  (Quelle: PM 01.02.2015)", programme, True),
        Scored(0.6, "Es hilft Familien.", press, True),
    ]
    kept = one_source_per_sentence(scored, [programme, press])
    assert [(s.chunk.doc_id, s.score) for s in kept] == [("programmes/p", 0.8), ("press/p", 0.6)]


def test_a_rephrased_statement_counts_as_one_but_other_numbers_or_a_part_do_not() -> None:
    """Two programme pages giving one amount in other words (nrw-016's "for" flipped which one
    answered); a different amount, or one fact taken out of a longer sentence, stays separate."""
    first = RetrievedChunk("programmes/kim", "a", 0.9, "…", "Kommunales Integrationsmanagement")
    second = RetrievedChunk("programmes/foerderung", "b", 0.8, "…", "Landesförderung")
    rephrased = [
        Scored(0.7, "Für das Jahr 2020 stellte das Land 25 Millionen Euro für das KIM zur Verfügung.", first, True),
        Scored(0.8, "Für das KIM stellte das Land 2020 25 Millionen Euro zur Verfügung.", second, True),
    ]
    kept = one_source_per_sentence(rephrased, [first, second])
    assert [(s.chunk.doc_id, s.score) for s in kept] == [("programmes/kim", 0.7)]  # its own score: other words
    other_amount = [rephrased[0], replace(rephrased[1], text=rephrased[1].text.replace("25", "30"))]
    assert len(one_source_per_sentence(other_amount, [first, second])) == 2
    longer = "Das KI Dortmund ist eines der 54 KI in Nordrhein-Westfalen und bereits 2013 eingerichtet worden."
    part = [Scored(0.7, "Das KI Dortmund wurde bereits 2013 eingerichtet.", first, True), Scored(0.8, longer, second, True)]
    assert len(one_source_per_sentence(part, [first, second])) == 2


def test_a_sentence_about_another_place_does_not_answer_for_the_place_its_chunk_also_names() -> None:
    release = RetrievedChunk(
        "press/tour", "t", 0.8, "…", "Chancentour", places=("Kreis Kleve", "Kreis Minden-Lübbecke", STATEWIDE)
    )
    asked = query("Wo ist die Ausländerbehörde im Kreis Kleve?", "none", places=("Kreis Kleve",))
    kleve = Scored(
        0.9, "Im Welcome Center des Kreises Kleve sitzt die Ausländerbehörde.", release, True, 0, frozenset({"Kreis Kleve"})
    )
    minden = Scored(
        0.8, "Der Kreis Minden-Lübbecke setzt auf Mehrsprachigkeit.", release, True, 1, frozenset({"Kreis Minden-Lübbecke"})
    )
    unnamed = Scored(0.7, "Dort sitzt auch die Einbürgerungsstelle.", release, True, 2)
    assert [admissible(s, asked) for s in (kleve, minden, unnamed)] == [True, False, True]


def test_a_sentence_naming_its_own_place_is_not_about_the_other_places_its_title_names() -> None:
    page = RetrievedChunk(
        "programmes/ki", "p", 0.8, "…", "KI in Bonn und im Kreis Minden-Lübbecke", places=("Bonn", "Kreis Minden-Lübbecke")
    )
    asked = query("Worauf legt das KI im Kreis Minden-Lübbecke seinen Schwerpunkt?", "none", places=("Kreis Minden-Lübbecke",))
    title = frozenset({"Bonn", "Kreis Minden-Lübbecke"})  # each sentence's entities include its title's places
    bonn = Scored(0.9, "Im KI der Stadt Bonn werden Familien angesprochen.", page, True, 0, title, frozenset({"Bonn"}))
    minden = Scored(
        0.8, "Der Kreis Minden-Lübbecke setzt auf Mehrsprachigkeit.", page, True, 1, title, frozenset({"Kreis Minden-Lübbecke"})
    )
    unnamed = Scored(0.7, "Beide Zentren fördert das Land.", page, True, 2, title)
    assert [admissible(s, asked) for s in (bonn, minden, unnamed)] == [False, True, True]


def test_an_unknown_word_a_retrieved_chunk_ends_a_compound_with_is_known_to_the_evidence() -> None:
    play = RetrievedChunk("press/tonika", "t", 0.9, "Tonika zeigt das Musiktheaterstück „Die Kinder der toten Stadt“.", "PM")
    asked = replace(query("Wie heißt das Stück?", "none"), unknown_terms=("Stück",))
    assert unknown_to_the_evidence(asked, [play]) == []
    assert unknown_to_the_evidence(asked, RETRIEVED) == ["Stück"]


def test_an_unknown_word_that_only_begins_a_compound_stays_unknown() -> None:
    chunk = RetrievedChunk("press/x", "x", 0.9, "Die Stückzahl ist klein. Ein Bürgergeldantrag.", "PM")
    asked = replace(query("Stück und Bürgergeld?", "none"), unknown_terms=("Stück", "Bürgergeld"))
    assert unknown_to_the_evidence(asked, [chunk]) == ["Stück", "Bürgergeld"]


def test_a_question_about_the_land_takes_a_local_release_s_sentence_naming_only_the_land_when_nothing_statewide_answers() -> None:
    dortmund = RetrievedChunk("press/dortmund", "d", 0.9, "…", "KI Dortmund", places=("Dortmund",))
    nrw = RetrievedChunk("press/nrw", "n", 0.8, "…", "NRW", places=(STATEWIDE,))
    asked = query("Wie viele Menschen in NRW haben eine Einwanderungsgeschichte?", "count", places=(STATEWIDE,))
    land = Scored(
        0.9,
        "Rund ein Drittel der Menschen in NRW hat eine Einwanderungsgeschichte.",
        dortmund,
        True,
        places=frozenset({STATEWIDE}),
    )
    city = Scored(0.8, "In Dortmund sind es 40 Prozent.", dortmund, True, places=frozenset({"Dortmund"}))
    both = Scored(0.7, "Dortmund liegt mit 40 Prozent über NRW.", dortmund, True, places=frozenset({"Dortmund", STATEWIDE}))
    untagged = replace(land, places=frozenset())  # the chunk's place decides
    assert at_the_asked_level(asked, [land, city, both, untagged]) == [land]
    statewide = Scored(0.5, "In NRW leben 18 Millionen Menschen.", nrw, True)
    assert at_the_asked_level(asked, [land, statewide]) == [statewide]  # documents about the Land first
    praise = replace(land, text="Nordrhein-Westfalen ist ein Land der Vielfalt.")
    assert at_the_asked_level(replace(asked, detail="none"), [praise]) == []  # without a detail: praise
    in_dortmund = query("Wie viele sind es in Dortmund?", "count", places=("Dortmund",))
    assert at_the_asked_level(in_dortmund, [land, city]) == [land, city]
