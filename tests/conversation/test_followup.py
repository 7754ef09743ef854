import pytest

from app.conversation import Glossary, is_elliptical, needs_context, resolve_followup
from tests.conftest import CORPUS

GLOSSARY = Glossary.load(CORPUS / "glossary" / "glossary.yaml")


@pytest.mark.parametrize(
    ("turn", "previous", "expected"),
    [
        ("Und in Bochum?", "Was macht das Welcome Center im Kreis Kleve?", "Was macht das Welcome Center? Und in Bochum?"),
        ("Seit wann gibt es das?", "Was ist KOMM-AN NRW?", "Was ist KOMM-AN NRW? Seit wann gibt es das?"),
        ("Und in Köln?", "Welche Vereine gibt es in Dortmund?", "Welche Vereine gibt es? Und in Köln?"),
    ],
)
def test_elliptical_turns_carry_the_previous_topic(turn: str, previous: str, expected: str) -> None:
    assert resolve_followup(turn, previous, GLOSSARY) == expected


def test_a_turn_naming_its_own_programme_starts_a_new_topic() -> None:
    assert resolve_followup("Was ist GriffbereitMini?", "Was ist KOMM-AN NRW?", GLOSSARY) == "Was ist GriffbereitMini?"


def test_without_previous_turn_nothing_changes() -> None:
    assert resolve_followup("Und in Bochum?", None, GLOSSARY) == "Und in Bochum?"


def test_a_long_self_contained_question_is_not_elliptical() -> None:
    assert not is_elliptical("Welche Angebote für Familien mit kleinen Kindern gibt es in Köln?", GLOSSARY)


def test_a_bare_reference_needs_context_but_a_colloquial_question_does_not() -> None:
    assert needs_context("Seit wann gibt es das?", GLOSSARY)
    assert not needs_context("Und in Bochum?", GLOSSARY)
    assert not needs_context("griffbereit mini was ist das", GLOSSARY)
