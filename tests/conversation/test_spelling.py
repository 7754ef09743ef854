from collections.abc import Collection

import pytest

from app.conversation import Glossary
from app.conversation.spelling import WithWords, one_edit_apart, restore_spelling
from app.core import spelling_keys

DOCUMENT_WORDS = (
    "Köln für Geflüchtete Kommunale Integrationszentren Kreis Viersen Beratung Mitte Integrationsagenturen "
    "Ehrenamtliche gibt es in wie viele"
).split()


class Spellings:
    """The documents' spellings of ``DOCUMENT_WORDS``, as ``SentenceStore.spellings`` gives them."""

    def __init__(self, forms: Collection[str] = DOCUMENT_WORDS) -> None:
        self.forms = {key: form for form in forms for key in spelling_keys(form)}

    def spellings(self, keys: Collection[str]) -> dict[str, str]:
        return {key: self.forms[key] for key in keys if key in self.forms}


@pytest.mark.parametrize(
    ("typed", "restored"),
    [
        ("Welche Beratung gibt es in Koln fur Gefluchtete?", "Welche Beratung gibt es in Köln für Geflüchtete?"),
        ("Beratung in Koeln fuer Gefluechtete", "Beratung in Köln für Geflüchtete"),
        ("wie viele kommunale integrationszentren gibt es?", "Wie viele Kommunale Integrationszentren gibt es?"),
        ("Wie viele Kommunale Integrtaionszentren gibt es?", "Wie viele Kommunale Integrationszentren gibt es?"),
        ("Wer unterstützt Ehrnamtliche?", "Wer unterstützt Ehrenamtliche?"),
        ("Fur wen?", "Für wen?"),
        (
            "Hallo, ich bin neu hier. wie viele kommunale integrationszentren gibt es?",
            "Hallo, ich bin neu hier. Wie viele Kommunale Integrationszentren gibt es?",
        ),
    ],
)
def test_a_turn_is_spelled_as_the_documents_spell_its_words(typed: str, restored: str) -> None:
    assert restore_spelling(typed, Spellings()) == restored


@pytest.mark.parametrize(
    "typed",
    [
        "Wo ist die kommunale Beratung?",  # mixed case: a word only the case of which differs stays as typed
        "Ich suche eine Wohnung, die Miete ist hoch.",  # "Miete" is German, not a slip of "Mitte"
        "Which courses are there for refugees?",  # English words are not slips of German ones
        "Wo ist das in Viersan?",  # a place name is never taken for a slip of a document word
        "Скільки мов розмовляють у Кельні?",
    ],
)
def test_words_that_are_not_misspelled_document_words_stay_as_typed(typed: str) -> None:
    assert restore_spelling(typed, Spellings(), places={"viersan"}) == typed


def test_a_text_in_lower_case_is_given_the_documents_case_only_when_asked_to() -> None:
    assert (
        restore_spelling("koln de kim yardim ediyor", Spellings([*DOCUMENT_WORDS, "KIM"]), recase=False)
        == "köln de kim yardim ediyor"
    )


def test_a_slip_near_two_document_words_is_left_alone() -> None:
    spellings = Spellings(["Integrationszentren", "Integrationszentrem"])
    assert restore_spelling("Die Integrationszentrex", spellings) == "Die Integrationszentrex"


@pytest.mark.parametrize(
    ("a", "b", "apart"),
    [
        ("welcome center", "welcome cneter", True),
        ("train of hope", "tain of hope", True),
        ("komm-an", "kommm-an", True),
        ("köln", "köln", False),
        ("kleve", "kreve", True),
        ("kleve", "krefeld", False),
    ],
)
def test_one_edit_apart(a: str, b: str, apart: bool) -> None:
    assert one_edit_apart(a, b) is apart


@pytest.mark.parametrize(
    ("typed", "document_form"),
    [
        ("Würde das gehen?", "wurde"),  # typed with its umlaut: the user's word stands
        ("Wie viele Mütter?", "Mutter"),
        ("Wer kann das fordern?", "fördern"),  # a common German word of its own, not "fördern" without umlauts
        ("Wir zahlen das.", "zählen"),
    ],
)
def test_a_word_of_its_own_is_never_respelled_into_a_document_word_of_the_same_letters(typed: str, document_form: str) -> None:
    assert restore_spelling(typed, Spellings([document_form, "das", "gehen"])) == typed


@pytest.mark.parametrize("typed", ["Meine Tochter Kim sucht eine Wohnung.", "Kim bana Köln'de yardım edebilir?"])
def test_a_capitalised_word_does_not_become_a_programme_acronym(typed: str) -> None:
    assert restore_spelling(typed, Spellings([*DOCUMENT_WORDS, "KIM"])) == typed


def test_a_place_in_a_lower_case_sentence_is_capitalised_as_the_gazetteer_reads_places() -> None:
    assert restore_spelling("ich wohne in kamen", Spellings(), places={"kamen"}) == "Ich wohne in Kamen"


def test_the_search_for_slips_is_bounded_for_long_words() -> None:
    class Counting(Spellings):
        looked_up = 0

        def spellings(self, keys: Collection[str]) -> dict[str, str]:
            Counting.looked_up += len(keys)
            return super().spellings(keys)

    assert restore_spelling("x" * 1000 + " " + " ".join(f"Wortx{i}" for i in range(60)), Counting()).startswith("x")
    assert Counting.looked_up < 20 * 1000  # 20 words of at most 40 letters: their variants, not a 1,000-letter word's


@pytest.mark.parametrize(
    ("typed", "restored"),
    [
        ("Wer leeitet das Integrationszentrum?", "Wer leitet das Integrationszentrum?"),  # "leitet" is no document word
        ("Wie lannge dauert das?", "Wie lange dauert das?"),
        ("Ich heiße Serapp und wohne in Kölle.", "Ich heiße Serapp und wohne in Kölle."),  # a capitalised word may be a name
        ("ich wohne in kölle", "Ich wohne in kölle"),  # in lower case every word may be one
    ],
)
def test_a_slip_in_a_common_german_word_is_corrected_when_the_word_cannot_be_a_name(typed: str, restored: str) -> None:
    assert restore_spelling(typed, Spellings()) == restored


def test_a_common_german_word_is_no_correction_for_a_word_of_another_language() -> None:
    assert restore_spelling("Wer leeitet das?", Spellings(), recase=False) == "Wer leeitet das?"


def test_words_of_the_glossary_are_spelled_where_the_documents_only_use_them_inside_longer_words() -> None:
    glossary = Glossary(synonyms=[["Unterstützung", "Hilfe", "Case Management"], ["Einbürgerung", "einbürgern"]])
    spellings = WithWords(Spellings(), glossary.words())
    assert restore_spelling("Ich brauche Hlife bei der Einburgerung in Koln", spellings) == (
        "Ich brauche Hilfe bei der Einbürgerung in Köln"
    )
    assert restore_spelling("Ich brauche Hlife", Spellings()) == "Ich brauche Hlife"
