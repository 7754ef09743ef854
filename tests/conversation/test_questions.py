import pytest

from app.conversation import clean_question
from app.core import InvalidQuestion


@pytest.mark.parametrize("raw", ["", "   ", "\n\t", "\u200b"])
def test_empty_questions_are_refused(raw: str) -> None:
    with pytest.raises(InvalidQuestion, match="Bitte geben Sie eine Frage ein"):
        clean_question(raw, 100)


def test_too_long_question_is_refused_in_german() -> None:
    with pytest.raises(InvalidQuestion, match="zu lang"):
        clean_question("a" * 101, 100)
    with pytest.raises(InvalidQuestion, match="zu lang"):
        clean_question("a" * 100_000, 100)


def test_question_without_words_is_refused() -> None:
    with pytest.raises(InvalidQuestion, match="keine Frage erkannt"):
        clean_question("🙂🙂 ?!", 100)


def test_question_is_cleaned_to_one_line() -> None:
    assert clean_question("  Was ist\nKOMM-AN\x00 NRW? ", 100) == "Was ist KOMM-AN NRW?"


def test_invalid_surrogates_do_not_crash() -> None:
    assert clean_question("Was ist \udcff KI?", 100) == "Was ist ? KI?"
