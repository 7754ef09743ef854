"""The web chat in a real Chromium (Debian's, driven by Playwright; never a downloaded browser)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core import Settings
from app.edges import FeedbackStore, ProgrammeDirectory
from app.index import load_embeddings
from app.pipeline import Lotse
from benchmarks.loopback import free_port
from tests.browser import ask, axe_findings, bot_text, card_of, open_chat
from tests.conftest import CORPUS, ingest

pytestmark = [pytest.mark.browser, pytest.mark.integration]
SCREENSHOT = Path(__file__).resolve().parents[3] / "docs" / "screenshot.png"
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


@pytest.fixture
def page(browser, web_url: str):
    page = open_chat(browser, web_url)
    yield page
    page.context.close()


def test_question_gets_a_streamed_answer_with_source_card_and_follow_up(page) -> None:
    assert page.evaluate("document.documentElement.lang") == "de"
    ask(page, "Was macht das Welcome Center im Kreis Kleve?", 1)
    page.wait_for_selector("#quelle-1-1", state="attached")
    assert "Ausländerbehörde" in bot_text(page, 1)
    page.locator("a[href='#quelle-1-1']").first.click()
    assert card_of(page, "#quelle-1-1").get_attribute("open") is not None
    assert "Ausländerbehörde" in page.locator("#quelle-1-1 mark").inner_text()
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    ask(page, "Und in Bochum?", 2)
    page.wait_for_selector("#quelle-3-1", state="attached")
    assert "Welcome Office" in bot_text(page, 2)


def test_thumbs_up_is_stored_in_sqlite(page, feedback_path: Path) -> None:
    ask(page, "Was ist GriffbereitMini?", 1)
    page.wait_for_selector("#quelle-1-1", state="attached")
    page.locator("[data-testid=bot]").first.hover()
    page.get_by_label("Hilfreich", exact=True).first.click()
    page.wait_for_selector("text=Danke! Ihre Bewertung ist gespeichert.")
    assert axe_findings(page) == []  # the thanks (Gradio's toast) holds no button inside a "button"
    rows = sqlite3.connect(feedback_path).execute("SELECT question, verdict, cited_chunk_ids FROM feedback").fetchall()
    assert ("Was ist GriffbereitMini?", "up") in [(q, v) for q, v, _ in rows]
    assert all(c.startswith("[") for _, _, c in rows)


def test_a_changed_verdict_replaces_the_first(page, feedback_path: Path) -> None:
    question = "Was macht das Welcome Center im Kreis Kleve?"
    ask(page, question, 1)
    page.wait_for_selector("#quelle-1-1", state="attached")
    page.locator("[data-testid=bot]").first.hover()
    page.get_by_label("Hilfreich", exact=True).first.click()
    page.wait_for_timeout(800)
    page.get_by_label("Nicht hilfreich", exact=True).first.click()
    page.wait_for_timeout(1500)
    rows = sqlite3.connect(feedback_path).execute("SELECT verdict FROM feedback WHERE question = ?", (question,)).fetchall()
    assert rows == [("down",)]


def test_markup_in_a_question_is_shown_as_text(page) -> None:
    ask(page, f"{XSS} Was ist KOMM-AN NRW?", 1)
    page.wait_for_selector("[data-testid=user]")
    assert "<img src=x" in page.locator("[data-testid=user]").first.inner_text()
    assert page.evaluate("window.__xss") is None


def test_phone_width_has_no_horizontal_scrolling(browser, web_url: str) -> None:
    page = open_chat(browser, web_url, width=375, height=800)
    ask(page, "Was ist KOMM-AN NRW?", 1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.context.close()


def test_programme_tab_filters_and_shows_sources(page) -> None:
    page.get_by_role("tab", name="Programme").click()
    page.get_by_text("GriffbereitMini (Dortmund)").first.click()
    page.wait_for_selector("#programm h3:has-text('Quellen')")
    assert "Dortmund" in page.locator("#programm").inner_text()


@pytest.fixture(scope="module")
def hostile_corpus_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A corpus with markup inside a document, ingested and served on its own port."""
    from app.edges.web import build_app, launch

    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    (corpus / "glossary").mkdir(parents=True)
    shutil.copy(CORPUS / "glossary" / "glossary.yaml", corpus / "glossary" / "glossary.yaml")
    (corpus / "press").mkdir()
    (corpus / "press" / "boese.txt").write_text(  # a short press text: the selector reads pages, not lone sentences
        "Welcome Center Kleve eröffnet\n\n"
        f"Das Welcome Center im Kreis Kleve hilft neu Zugewanderten beim Ankommen {XSS} an einem Ort. "
        "Es berät zu Aufenthalt, Arbeit und Sprachkursen. Die Beratung ist kostenlos.\n",
        encoding="utf-8",
    )
    settings = Settings(corpus_dir=corpus, chroma_dir=root / "chroma")
    ingest(settings, load_embeddings(settings.embeddings))
    web = build_app(
        Lotse.from_settings(settings), FeedbackStore(root / "fb.sqlite3"), ProgrammeDirectory.load(settings.corpus_dir)
    )
    app = launch(web, "127.0.0.1", free_port(), 1, block=False)
    yield app.local_url
    app.close()


def test_markup_inside_a_document_is_shown_as_text(browser, hostile_corpus_url: str) -> None:
    page = open_chat(browser, hostile_corpus_url)
    ask(page, "Was macht das Welcome Center im Kreis Kleve?", 1)
    page.wait_for_selector("#quelle-1-1", state="attached")
    card_of(page, "#quelle-1-1").locator("summary").click()
    assert "onerror" in page.locator("#quelle-1-1").inner_text()
    assert page.evaluate("window.__xss") is None
    page.context.close()


def test_conversations_are_per_browser_session_and_abstentions_are_stored(browser, web_url: str, feedback_path: Path) -> None:
    first, second = open_chat(browser, web_url), open_chat(browser, web_url)
    ask(first, "Was ist KOMM-AN NRW?", 1)
    ask(first, "Seit wann gibt es das?", 2)
    assert "2015" in bot_text(first, 2)
    ask(second, "Seit wann gibt es das?", 1)  # no earlier turn in this session: nothing to refer to
    assert "Worauf bezieht sich Ihre Frage?" in bot_text(second, 1)
    ask(second, "Wie wird das Wetter morgen in Köln?", 2)
    assert "keine verlässliche Antwort" in bot_text(second, 2)
    rows = sqlite3.connect(feedback_path).execute("SELECT question, verdict FROM feedback").fetchall()
    assert ("Wie wird das Wetter morgen in Köln?", "abstained") in rows
