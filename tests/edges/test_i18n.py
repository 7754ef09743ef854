"""The interface catalogues: complete, current, and faithful to the German texts' facts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.core.languages import GERMAN, LANGUAGES
from app.edges.i18n import LOCALE_DIR, catalogue_path, translate
from app.edges.web.chat import EXAMPLES
from app.pipeline import Lotse

APP = Path(__file__).resolve().parents[2] / "app"
TRANSLATED = [code for code in LANGUAGES if code != GERMAN]
# Names and numbers a translation must carry over unchanged: acronyms, programme and place names, digits.
# (Translations may add the German name of what the text mentions, e.g. "Kommunales Integrationszentrum".)
KEPT = re.compile(r"\b(?:[A-Z]{2,}[\w-]*|GriffbereitMini|Welcome Center|Dortmund|Kleve|\d+)\b")


def marked_texts() -> set[str]:
    """Every ``N_("…")`` text in the app, found the way ``pybabel extract -k N_`` finds them."""
    return {message for _, _, message, _, _ in extract_from_dir(str(APP), keywords={"N_": None}, comment_tags=()) if message}


def catalogue_texts(code: str) -> dict[str, str]:
    with catalogue_path(code).open("rb") as po:
        return {m.id: m.string for m in read_po(po) if m.id and not m.fuzzy}


def test_there_is_one_catalogue_per_interface_language() -> None:
    assert sorted(p.name for p in LOCALE_DIR.iterdir()) == sorted(TRANSLATED)


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalogue_translates_every_marked_text_and_nothing_else(code: str) -> None:
    marked, catalogue = marked_texts(), catalogue_texts(code)
    assert len(marked) > 40
    assert sorted(marked - catalogue.keys()) == [], "Text ohne Übersetzung"
    assert sorted(catalogue.keys() - marked) == [], "Übersetzung eines Textes, den es nicht mehr gibt"
    assert all(catalogue[text].strip() for text in marked)


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_names_numbers_and_fields(code: str) -> None:
    for german, translated in catalogue_texts(code).items():
        assert set(re.findall(r"\{\w+\}", german)) == set(re.findall(r"\{\w+\}", translated)), german
        assert set(KEPT.findall(translated)) <= set(KEPT.findall(german)), (code, german)  # nothing invented
        if code != "de-simple":  # Einfache Sprache may leave a detail out; a translation may not
            assert set(KEPT.findall(german)) <= set(KEPT.findall(translated)), (code, german)
        assert set(re.findall(r"\d+", translated)) <= set(re.findall(r"\d+", german)), (code, german)


def test_unknown_language_falls_back_to_german() -> None:
    assert translate("fr", "Senden") == "Senden" and translate(GERMAN, "Senden") == "Senden"
    assert translate("ar", "Senden") == "إرسال"


@pytest.mark.integration
@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_example_question_gets_a_cited_answer(lotse: Lotse, code: str) -> None:
    for example in EXAMPLES:
        answer = lotse.ask(translate(code, example))
        assert not answer.abstained and answer.citations, (code, answer.question, answer.answer)
