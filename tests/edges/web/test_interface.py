"""The chat as newcomers and counsellors meet it, in a real Chromium: every interface language
(screenshots in reports/browser/, the German and Arabic ones also in docs/ for the README),
an axe-core audit, keyboard use, the phone layout, and the chat's and programme tab's controls."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.core.languages import LANGUAGES
from app.edges.i18n import translate
from app.edges.web.chat import EXAMPLES, NO_ANSWER, PRIVACY_HINT, QUOTES_GERMAN
from app.edges.web.gradio_labels import GRADIO_LABELS
from tests.browser import ARTEFACTS, ask, axe_findings, bot_text, card_of, open_chat, wait_for_answer

pytestmark = [pytest.mark.browser, pytest.mark.integration]
DOCS = Path(__file__).resolve().parents[3] / "docs"
BROWSER_LOCALE = {"de": "de-DE", "de-simple": "de-DE", "en": "en-GB", "uk": "uk-UA", "ar": "ar-SY", "tr": "tr-TR", "ru": "ru-RU"}
GRADIO_WORDINGS = {wording for _, wordings in GRADIO_LABELS.values() for wording in wordings}


def choose_language(page, code: str) -> None:
    page.locator("#sprache input").click()
    page.get_by_role("option", name=LANGUAGES[code], exact=True).click()
    page.wait_for_function(f"document.documentElement.dataset.lotseLanguage === '{code}'")
    page.wait_for_timeout(500)


def wait_for_placeholder(page, code: str) -> None:
    """Wait until the question field's placeholder is in ``code`` (the relabelling has arrived)."""
    expected = translate(code, "z. B. Was ist KOMM-AN NRW?")
    page.wait_for_function("(text) => document.querySelector('#frage textarea')?.placeholder === text", arg=expected)


def gradio_labels(page) -> set[str]:
    return set(
        page.evaluate(
            "[...document.querySelectorAll('[aria-label], [title]')]"
            ".flatMap((e) => [e.getAttribute('aria-label'), e.getAttribute('title')]).filter(Boolean)"
        )
    )


def screenshot(page, name: str, *, readme: str | None = None) -> None:
    """Kept in reports/browser/; the README's own screenshots also in docs/."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)
    if readme:
        page.screenshot(path=str(DOCS / readme), full_page=True)


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_each_interface_language_frames_the_answer_in_it(browser, web_url: str, code: str) -> None:
    page = open_chat(browser, web_url, locale=BROWSER_LOCALE[code], width=1280, height=900)
    if code == "de-simple":
        choose_language(page, code)
    assert page.evaluate("document.documentElement.dataset.lotseLanguage") == code
    assert page.evaluate("document.documentElement.dir") == ("rtl" if code == "ar" else "ltr")
    wait_for_placeholder(page, code)
    page.get_by_role("tab", name=translate(code, "Fragen")).wait_for()
    assert translate(code, PRIVACY_HINT) in page.locator("#datenschutz").inner_text()  # "no personal data", in the language
    page.get_by_role("button", name=translate(code, EXAMPLES[0]), exact=True).click()  # an example sends at once
    wait_for_answer(page, 1)
    page.wait_for_selector("#quelle-1-1", state="attached")
    answer = bot_text(page, 1)
    assert "KOMM-AN NRW" in answer
    if code != "de":
        assert translate(code, QUOTES_GERMAN) in answer
        lead = page.locator("[data-testid=bot] p[dir=auto]").first  # an Arabic note ends with its full stop on the left
        assert lead.evaluate("p => getComputedStyle(p).direction") == ("rtl" if code == "ar" else "ltr")
    mark = page.locator("[data-testid=bot] a[href='#quelle-1-1']").first  # the German answer, in any interface
    assert mark.evaluate("a => a.closest('[lang]').lang") == "de"
    assert mark.evaluate("a => getComputedStyle(a).direction") == "ltr"
    title = page.locator("#quelle-1-1").locator("xpath=ancestor::details//summary").first
    assert title.evaluate("s => s.querySelector('[lang]').lang") == "de"
    hint = page.locator("#datenschutz")
    assert hint.evaluate("e => getComputedStyle(e).direction") == ("rtl" if code == "ar" else "ltr")
    page.locator("[data-testid=bot]").first.hover()
    shown_labels = gradio_labels(page)
    assert not shown_labels & (GRADIO_WORDINGS - {translate(code, text) for text, _ in GRADIO_LABELS.values()}), shown_labels
    assert translate(code, "Hilfreich") in shown_labels
    assert page.locator("footer").count() == 0 or not page.locator("footer").is_visible()
    page.locator("a[href='#quelle-1-1']").first.click()
    screenshot(page, f"chat-{code}", readme="screenshot-ar.png" if code == "ar" else None)
    page.context.close()


def test_a_question_in_another_language_switches_the_interface_and_explains_abstentions(browser, web_url: str) -> None:
    page = open_chat(browser, web_url)
    ask(page, "Яка погода завтра в Кельні?", 1)  # Ukrainian: no document answers the weather
    assert page.evaluate("document.documentElement.dataset.lotseLanguage") == "uk"
    assert translate("uk", NO_ANSWER) in bot_text(page, 1)
    wait_for_placeholder(page, "uk")
    ask(page, "Was ist GriffbereitMini?", 2)  # a German question switches back
    assert page.evaluate("document.documentElement.lang") == "de"
    assert translate("uk", QUOTES_GERMAN) not in bot_text(page, 2)
    page.context.close()


def test_axe_finds_no_violations_in_any_view(browser, web_url: str) -> None:
    """Every interface language on a desktop and a phone, answers with the handout open, the
    programme tab: no axe-core violation of any impact."""
    report = ["| view | rule | impact | elements |", "|---|---|---|---|"]
    found = []

    def audit(page, view: str) -> None:
        for rule, impact, count in axe_findings(page):
            report.append(f"| {view} | {rule} | {impact} | {count} |")
            found.append((view, rule, impact, count))
        report.append(f"| {view} | (audit run) | – | – |")

    for code in LANGUAGES:
        for width, height in ((1280, 900), (390, 844)):
            page = open_chat(browser, web_url, locale=BROWSER_LOCALE[code], width=width, height=height)
            if code == "de-simple":
                choose_language(page, code)
            wait_for_placeholder(page, code)
            audit(page, f"chat, empty, {code}, {width} px")
            if code in ("de", "ar") and width < 640:
                ask(page, translate(code, EXAMPLES[0]), 1)
                page.locator("#weitergeben-bereich").get_by_text(translate(code, "Antwort zum Weitergeben")).click()
                page.locator("#weitergeben textarea").wait_for()
                audit(page, f"phone answer with the handout open, {code}")
            page.context.close()

    page = open_chat(browser, web_url, width=1280, height=900)
    audit(page, "chat, empty")
    ask(page, "Was ist KOMM-AN NRW?", 1)
    page.locator("a[href='#quelle-1-1']").first.click()
    audit(page, "answer with open source card")
    page.get_by_role("tab", name="Programme").click()
    page.get_by_text("GriffbereitMini (Dortmund)").first.click()
    page.wait_for_selector("#programm h2")
    audit(page, "programme tab with details")
    page.context.close()
    arabic = open_chat(browser, web_url, locale="ar-SY", width=1280, height=900)
    ask(arabic, "ما هو KOMM-AN NRW؟", 1)
    audit(arabic, "Arabic (RTL) answer")
    arabic.context.close()
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / "axe.md").write_text("\n".join(report) + "\n", encoding="utf-8")
    assert found == []


def test_keyboard_alone_asks_and_opens_every_citation(browser, web_url: str) -> None:
    page = open_chat(browser, web_url)
    page.locator("#frage textarea").focus()
    page.keyboard.type("Was ist KOMM-AN NRW?")
    page.keyboard.press("Enter")
    wait_for_answer(page, 1)
    citations = page.locator("[data-testid=bot] a[href^='#quelle-1-']").count()
    assert citations >= 2
    opened = set()
    for _ in range(80):  # Tab through the page; Enter on each citation link
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement?.getAttribute('href') || ''")
        if href.startswith("#quelle-1-") and href not in opened:
            page.keyboard.press("Enter")
            assert card_of(page, href).get_attribute("open") is not None, href
            opened.add(href)
    assert len(opened) == citations
    page.context.close()


def test_two_tabs_after_asking_lead_to_the_newest_answers_first_citation(browser, web_url: str) -> None:
    page = open_chat(browser, web_url, locale="ar-SY")
    wait_for_placeholder(page, "ar")
    ask(page, "ما هو KOMM-AN NRW؟", 1)
    ask(page, "ماذا يقدم Welcome Center في Kreis Kleve؟", 2)  # focus stays in the question field
    page.keyboard.press("Tab")  # "Senden"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "zur-antwort"
    assert page.evaluate("document.activeElement.innerText").strip() == translate("ar", "Zur neuesten Antwort")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#quelle-3-1"  # the second answer's
    page.keyboard.press("Enter")
    assert card_of(page, "#quelle-3-1").get_attribute("open") is not None
    box = page.locator("#frage textarea")
    box.fill("كيف أجد دورة لغة؟")
    assert box.evaluate("t => getComputedStyle(t).direction") == "rtl"  # Arabic runs right to left in the field
    box.fill("Was ist KOMM-AN NRW?")
    assert box.evaluate("t => getComputedStyle(t).direction") == "ltr"
    page.context.close()


def test_phone_shows_the_question_field_on_the_first_screen(browser, web_url: str) -> None:
    page = open_chat(browser, web_url, width=390, height=844)
    box = page.locator("#frage textarea").bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 844, box
    assert box["width"] >= 250, box
    screenshot(page, "phone-de")
    page.context.close()


@pytest.mark.parametrize("code", ["de", "ar", "en", "uk", "ru", "tr"])  # "de-simple" lays out as "de"
def test_phone_shows_the_new_question_and_the_answers_first_line_in_view(browser, web_url: str, code: str) -> None:
    page = open_chat(browser, web_url, locale=BROWSER_LOCALE[code], width=390, height=844)
    wait_for_placeholder(page, code)
    for turn, question in enumerate([translate(code, EXAMPLES[0]), translate(code, EXAMPLES[2])], start=1):
        ask(page, question, turn)
        page.wait_for_timeout(300)
        box = page.locator("#chat .bubble-wrap").bounding_box()
        label = page.locator("#chat label, #chat [data-testid=block-label]").first.bounding_box()
        asked = page.locator("[data-testid=user]").nth(turn - 1).bounding_box()
        assert box and asked and label
        assert max(box["y"], label["y"] + label["height"]) <= asked["y"], (box, label, asked)  # not under the box's label
        assert box["y"] + box["height"] <= 844, box  # on the first screen
        answer_top = page.locator("[data-testid=bot]").nth(turn - 1).bounding_box()
        assert answer_top and answer_top["y"] + 24 < box["y"] + box["height"], (box, answer_top)  # its first line too
        assert page.locator("#chat button[aria-label='Scroll down']").filter(visible=True).count() == 0  # nothing over the text
    screenshot(page, f"phone-answer-{code}")
    page.context.close()


def test_a_message_about_violence_shows_the_numbers_to_call_in_arabic_on_a_phone(browser, web_url: str) -> None:
    page = open_chat(browser, web_url, locale=BROWSER_LOCALE["ar"], width=390, height=844)
    wait_for_placeholder(page, "ar")
    ask(page, "زوجي يضربني. أين أجد مساعدة في كولونيا؟", 1)
    wait_for_answer(page, 1)
    links = page.locator("[data-testid=bot] a[href^='tel:']")
    assert links.evaluate_all("els => els.map(e => e.getAttribute('href'))") == [
        "tel:112",
        "tel:110",
        "tel:08001110111",
        "tel:08001110222",
    ]
    crisis = links.nth(2)
    lefts = crisis.evaluate(
        "e => { const t = e.firstChild; return [...t.data].map((_, i) => { const r = document.createRange();"
        " r.setStart(t, i); r.setEnd(t, i + 1); return r.getBoundingClientRect().left; }); }"
    )
    assert lefts == sorted(lefts), lefts  # "0800 111 0 111" reads left to right, on one line, inside the Arabic text
    assert "إذا كنت في خطر" in bot_text(page, 1).split("\n")[0]  # the notice first, in the interface language
    screenshot(page, "phone-emergency-ar")
    page.context.close()


def test_clear_starts_a_new_conversation(browser, web_url: str) -> None:
    page = open_chat(browser, web_url)
    ask(page, "Was ist KOMM-AN NRW?", 1)
    page.get_by_label("Unterhaltung löschen", exact=True).click()
    page.wait_for_function("document.querySelectorAll('[data-testid=bot]').length === 0")
    ask(page, "Seit wann gibt es das?", 1)
    assert "Worauf bezieht sich Ihre Frage?" in bot_text(page, 1)
    page.locator("#frage textarea").fill("Und in Bochum")  # half typed: a new conversation keeps it
    page.get_by_role("button", name="Neue Unterhaltung").click()
    page.wait_for_function("document.querySelectorAll('[data-testid=bot]').length === 0")
    page.wait_for_timeout(500)  # time for a server reply, had the clearing made one
    assert page.locator("#frage textarea").input_value() == "Und in Bochum"
    page.context.close()


def test_empty_and_over_long_input_are_answered_without_losing_the_text(browser, web_url: str) -> None:
    page = open_chat(browser, web_url)
    ask(page, "   ", 1)
    assert page.locator("[data-testid=user]").count() == 0
    assert "Bitte schreiben Sie eine Frage" in bot_text(page, 1)
    pasted = ("Wo bekomme ich Hilfe? " * 250).strip()  # 5,499 characters
    ask(page, pasted, 2)
    assert page.locator("[data-testid=user]").count() == 0
    assert f"Ihre Frage hat {len(pasted):,} Zeichen".replace(",", ".") in bot_text(page, 2)
    assert "höchstens 1.000 Zeichen" in bot_text(page, 2)
    assert page.locator("#frage textarea").input_value() == pasted  # kept, to be shortened
    page.context.close()


def test_the_chat_streams_only_the_verified_answer(browser, web_url: str) -> None:
    """While it streams, the bubble shows the search note or a beginning of the final answer,
    never text that a check later takes back (Lotse.stream yields after verifying)."""
    page = open_chat(browser, web_url)
    page.locator("#frage textarea").fill("Wo bekomme ich Hilfe in Dortmund?")
    page.locator("#frage textarea").press("Enter")
    page.wait_for_function("document.querySelectorAll('[data-testid=bot]').length >= 1")
    seen = []
    for _ in range(60):
        text = bot_text(page, 1)
        if not seen or text != seen[-1]:
            seen.append(text)
        page.wait_for_timeout(25)
    wait_for_answer(page, 1)
    final = bot_text(page, 1)
    assert final.count("[") >= 2, final  # a list of several cited offers
    assert all(t == final or "sucht in den Dokumenten" in t or final.startswith(t.rstrip()) for t in seen if t), seen
    page.context.close()


def test_counsellor_copies_or_prints_the_answer_with_its_sources(browser, web_url: str, tmp_path: Path) -> None:
    page = open_chat(browser, web_url)
    ask(page, "Was macht das Welcome Center im Kreis Kleve?", 1)
    page.locator("#weitergeben-bereich").get_by_text("Antwort zum Weitergeben").click()
    handout = page.locator("#weitergeben textarea").input_value()
    assert handout.startswith("Frage: Was macht das Welcome Center im Kreis Kleve?")
    assert "Quellen:" in handout and "„" in handout
    page.locator("#weitergeben").get_by_role("button", name="Kopieren", exact=True).wait_for()
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="Drucken").click()
    page.wait_for_function("window.__printed === true")
    printed = tmp_path / "handout.pdf"
    page.pdf(path=str(printed), format="A4")  # what the print dialog would print
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(printed).pages).split())
    assert " ".join(handout.split()) in text  # the whole handout, nothing cut
    assert "Ihre Frage" not in text and "Senden" not in text  # and nothing of the page around it
    page.context.close()


def test_programme_tab_shows_formatted_details_with_sources_in_view(browser, web_url: str) -> None:
    page = open_chat(browser, web_url, width=390, height=844)
    page.get_by_role("tab", name="Programme").click()
    page.locator("#programmsuche textarea").fill("Eltern")
    page.wait_for_timeout(1500)
    page.get_by_text("Stadtteilmütter (Köln-Mülheim)").first.click()
    details = page.locator("#programm")
    page.wait_for_selector("#programm h2")
    assert "## " not in details.inner_text() and "# Stadtteilmütter" not in details.inner_text()  # rendered, not raw
    assert "02.10.2018" in details.inner_text() and details.locator("blockquote").count() >= 1
    page.wait_for_timeout(1000)
    top = details.bounding_box()
    assert top is not None and top["y"] < 844, top  # scrolled into view on the phone
    screenshot(page, "programme-phone-de")
    page.locator("#programmsuche textarea").fill("Eltern Köln")
    page.wait_for_timeout(1500)
    assert "Stadtteilmütter" not in details.inner_text()  # old details do not stay
    page.context.close()


def test_programme_table_columns_are_readable_at_desktop_width(browser, web_url: str) -> None:
    page = open_chat(browser, web_url, width=1280, height=900)
    page.get_by_role("tab", name="Programme").click()
    headers = page.locator("#programmtabelle th")
    page.wait_for_timeout(800)
    visible = [h for h in headers.all() if h.is_visible() and (box := h.bounding_box()) and box["x"] + box["width"] <= 1280]
    assert len(visible) >= 5
    assert all((h.bounding_box() or {"width": 0})["width"] >= 120 for h in visible)
    screenshot(page, "programmes-de")
    page.context.close()


def test_thumbs_are_confirmed_and_one_verdict_is_kept(browser, web_url: str, feedback_path: Path) -> None:
    page = open_chat(browser, web_url, locale="tr-TR")
    ask(page, "KOMM-AN NRW nedir?", 1)
    page.locator("[data-testid=bot]").first.hover()
    page.get_by_label(translate("tr", "Hilfreich"), exact=True).first.click()
    page.wait_for_selector(f"text={translate('tr', 'Danke! Ihre Bewertung ist gespeichert.')}")
    page.context.close()
    rows = (
        sqlite3.connect(feedback_path)
        .execute("SELECT verdict FROM feedback WHERE question = ?", ("KOMM-AN NRW nedir?",))
        .fetchall()
    )
    assert rows == [("up",)]
