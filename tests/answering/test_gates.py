from app.answering import evidence_fits
from app.conversation import AnswerType


def test_evidence_must_carry_the_answer_type_and_the_years_asked_for() -> None:
    assert evidence_fits("Wie viel Geld gab es 2023?", "2023 gab es 75 Millionen Euro.", AnswerType.MONEY)
    assert not evidence_fits("Wie viel Geld gab es 2025?", "2023 gab es 75 Millionen Euro.", AnswerType.MONEY)
    assert not evidence_fits("Wie viel Geld bekommt das Büro?", "Das Büro besteht seit 2013.", AnswerType.MONEY)
    assert evidence_fits("Seit wann?", "Es wurde 2013 eingerichtet.", AnswerType.YEAR)
    assert not evidence_fits("Seit wann?", "Es wurde eingerichtet.", AnswerType.YEAR)
    assert not evidence_fits("Telefonnummer?", "Es hilft Familien.", AnswerType.CONTACT)
