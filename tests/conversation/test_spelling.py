from collections.abc import Collection

import pytest

from app.conversation.spelling import one_edit_apart, restore_spelling
from app.core import spelling_keys

DOCUMENT_WORDS = ("Köln für Geflüchtete Kommunale Integrationszentren Kreis Viersen Beratung Mitte Integrationsagenturen "
                  "Ehrenamtliche gibt es in wie viele").split()


class Spellings:
    """The documents' spellings of ``DOCUMENT_WORDS``, as ``SentenceStore.spellings`` gives them."""

    def __init__(self, forms: Collection[str] = DOCUMENT_WORDS) -> None:
        self.forms = {key: form for form in forms for key in spelling_keys(form)}

    def spellings(self, keys: Collection[str]) -> dict[str, str]:
        return {key: self.forms[key] for key in keys if key in self.forms}


@pytest.mark.parametrize(("typed", "restored"), [
    ("Welche Beratung gibt es in Koln fur Gefluchtete?", "Welche Beratung gibt es in Köln für Geflüchtete?"),
    ("Beratung in Koeln fuer Gefluechtete", "Beratung in Köln für Geflüchtete"),
    ("wie viele kommunale integrationszentren gibt es?", "Wie viele Kommunale Integrationszentren gibt es?"),
    ("Wie viele Kommunale Integrtaionszentren gibt es?", "Wie viele Kommunale Integrationszentren gibt es?"),
    ("Wer unterstützt Ehrnamtliche?", "Wer unterstützt Ehrenamtliche?"),
    ("Fur wen?", "Für wen?"),
    ("Hallo, ich bin neu hier. wie viele kommunale integrationszentren gibt es?",
     "Hallo, ich bin neu hier. Wie viele Kommunale Integrationszentren gibt es?"),
])
def test_a_turn_is_spelled_as_the_documents_spell_its_words(typed: str, restored: str) -> None:
    assert restore_spelling(typed, Spellings()) == restored


@pytest.mark.parametrize("typed", [
    "Wo ist die kommunale Beratung?",  # mixed case: a word only the case of which differs stays as typed
    "Ich suche eine Wohnung, die Miete ist hoch.",  # "Miete" is German, not a slip of "Mitte"
    "Which courses are there for refugees?",  # English words are not slips of German ones
    "Wo ist das in Viersan?",  # a place name is never taken for a slip of a document word
    "Скільки мов розмовляють у Кельні?",
])
def test_words_that_are_not_misspelled_document_words_stay_as_typed(typed: str) -> None:
    assert restore_spelling(typed, Spellings(), places={"viersan"}) == typed


def test_a_text_in_lower_case_is_given_the_documents_case_only_when_asked_to() -> None:
    assert restore_spelling("koln de kim yardim ediyor", Spellings([*DOCUMENT_WORDS, "KIM"]), recase=False) == "köln de kim yardim ediyor"


def test_a_slip_near_two_document_words_is_left_alone() -> None:
    spellings = Spellings(["Integrationszentren", "Integrationszentrem"])
    assert restore_spelling("Die Integrationszentrex", spellings) == "Die Integrationszentrex"


@pytest.mark.parametrize(("a", "b", "apart"), [
    ("welcome center", "welcome cneter", True), ("train of hope", "tain of hope", True),
    ("komm-an", "kommm-an", True), ("köln", "köln", False), ("kleve", "kreve", True), ("kleve", "krefeld", False),
])
def test_one_edit_apart(a: str, b: str, apart: bool) -> None:
    assert one_edit_apart(a, b) is apart
