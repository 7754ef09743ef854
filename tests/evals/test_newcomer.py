"""The newcomer suite's data and its sentence check."""

from collections import Counter

from app.core import Answer, Citation
from evals.dataset import NEWCOMER_PATH
from evals.newcomer import broken_sentences, is_broken, load_newcomer


def test_the_suite_asks_as_newcomers_do_in_their_languages() -> None:
    questions = load_newcomer(NEWCOMER_PATH)
    german = [q for q in questions if q.lang == "de"]
    by_intent = Counter(q.intent for q in german)
    assert len(questions) >= 80 and by_intent["help"] >= 25 and by_intent["definition"] >= 15
    translations = [q for q in questions if q.lang != "de"]
    assert len(translations) >= 25 and {q.lang for q in translations} >= {"en", "uk", "ar", "tr", "ru"}
    ids = {q.id for q in german}
    assert all(q.pair in ids for q in translations)
    assert all(q.sources and q.facts for q in questions)


def test_broken_sentences() -> None:
    assert is_broken("Für Zugewanderte auf dem Weg in Ausbildung und Beruf.")
    assert is_broken("Das Landesprogramm „NRW.")
    assert is_broken("Sie sprechen neun Sprachen.")
    assert not is_broken("Sie sprechen neun Sprachen.", after_its_document=True)
    assert not is_broken("Welcome Office der Stadt Bochum: Das Welcome Office unterstützt Zugewanderte.")


def test_a_sentence_pointing_back_is_fine_right_after_one_from_its_document() -> None:
    def cite(n: int, doc: str) -> Citation:
        return Citation(n, doc, f"{doc}-c", doc, None, "q")

    answer = Answer("?", "Die Stadtteilmütter helfen Familien. [1] Sie sprechen neun Sprachen. [1]", False, [cite(1, "a")])
    assert broken_sentences(answer) == (2, 0)
    elsewhere = Answer(
        "?", "Die Stadtteilmütter helfen Familien. [1] Sie sprechen neun Sprachen. [2]", False, [cite(1, "a"), cite(2, "b")]
    )
    assert broken_sentences(elsewhere) == (2, 1)
