import dataclasses

import pytest

from app.conversation import AnswerType, Glossary, Understanding, expected_answer_type, is_german, unknown_terms
from app.conversation.glossary import _Names
from app.core import stems

VOCAB = {s for w in "Kommunale Integrationszentren Welcome Center Kleve Geld Euro".split() for s in stems(w)}


def test_language_cues() -> None:
    assert is_german("Was macht das Welcome Center?")
    assert not is_german("What does the Welcome Center do?")
    assert not is_german("Що таке GriffbereitMini?")


def test_unknown_capitalised_terms_in_german_questions() -> None:
    assert unknown_terms("Welche Öffnungszeiten hat das Welcome Center?", VOCAB) == ["Öffnungszeiten"]
    assert unknown_terms("Was macht das Welcome Center in Kleve?", VOCAB) == []
    assert unknown_terms("What are the Opening Hours?", VOCAB) == []


def test_expected_answer_types() -> None:
    assert expected_answer_type("Wie viele Zentren gibt es?") is AnswerType.NUMBER
    assert expected_answer_type("Wie viel Geld gab es 2023?") is AnswerType.MONEY
    assert expected_answer_type("Seit wann gibt es das?") is AnswerType.YEAR
    assert expected_answer_type("Wie lautet die Telefonnummer?") is AnswerType.CONTACT
    assert expected_answer_type("Was ist KOMM-AN NRW?") is None


NAMES = VOCAB | {s for w in "Köln KOMM-AN NRW".split() for s in stems(w)}
GLOSSARY = Glossary(places=_Names.build({"Köln": ["Köln"], "Nordrhein-Westfalen": ["NRW"]}),
                    programmes=_Names.build({"KOMM-AN NRW": ["KOMM-AN"]}))


class _Condenser:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def condense(self, previous: str, turn: str) -> str | None:
        self.calls.append((previous, turn))
        return "Gibt es KOMM-AN NRW in Köln?"


def test_a_turn_is_understood_once_into_an_immutable_query() -> None:
    understand = Understanding(GLOSSARY, NAMES)
    query = understand("Wie viele Kommunale Integrationszentren gibt es in Köln?", place_filter="Köln")
    assert query.german and query.answer_type is AnswerType.NUMBER
    assert query.places == ("Köln",) and query.programmes == () and query.unknown_terms == ()
    assert query.entities == {"Köln"} and query.place_filter == "Köln"
    assert query.text == query.turn
    with pytest.raises(dataclasses.FrozenInstanceError):
        query.text = "anders"  # type: ignore[misc]


def test_the_whole_land_is_not_an_entity_and_unknown_words_are_kept() -> None:
    query = Understanding(GLOSSARY, NAMES)("Was ist KOMM-AN in NRW für Bürgergeld?")
    assert query.entities == {"KOMM-AN NRW"} and query.unknown_terms == ("Bürgergeld",)


def test_follow_ups_are_completed_by_rules_or_by_the_condenser() -> None:
    assert Understanding(GLOSSARY, NAMES)("Und in Köln?", previous="Was macht KOMM-AN?").text == "Was macht KOMM-AN? Und in Köln?"
    condenser = _Condenser()
    query = Understanding(GLOSSARY, NAMES, condenser)("Und in Köln?", previous="Was ist KOMM-AN NRW?")
    assert query.text == "Gibt es KOMM-AN NRW in Köln?" and query.turn == "Und in Köln?"
    assert condenser.calls == [("Was ist KOMM-AN NRW?", "Und in Köln?")]
    assert Understanding(GLOSSARY, NAMES, condenser)("Was ist KOMM-AN NRW?").text == "Was ist KOMM-AN NRW?"
    assert len(condenser.calls) == 1
