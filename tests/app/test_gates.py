from app.gates import AnswerType, evidence_fits, expected_answer_type, is_german, unknown_terms
from app.text import stems

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


def test_evidence_must_carry_the_answer_type_and_the_years_asked_for() -> None:
    assert evidence_fits("Wie viel Geld gab es 2023?", "2023 gab es 75 Millionen Euro.", AnswerType.MONEY)
    assert not evidence_fits("Wie viel Geld gab es 2025?", "2023 gab es 75 Millionen Euro.", AnswerType.MONEY)
    assert not evidence_fits("Wie viel Geld bekommt das Büro?", "Das Büro besteht seit 2013.", AnswerType.MONEY)
    assert evidence_fits("Seit wann?", "Es wurde 2013 eingerichtet.", AnswerType.YEAR)
    assert not evidence_fits("Seit wann?", "Es wurde eingerichtet.", AnswerType.YEAR)
    assert not evidence_fits("Telefonnummer?", "Es hilft Familien.", AnswerType.CONTACT)
