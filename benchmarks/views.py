"""The chat's views as newcomers, counsellors and maintainers meet them: a screenshot of each
and what Chromium's accessibility checks say about it, against a running `lotse serve`.

    python -m benchmarks.views --url http://127.0.0.1:7860 --out docs/views/after \
        [--dashboard http://127.0.0.1:7861]   (password: LOTSE_DASHBOARD_PASSWORD)

Debian's chromium (Playwright, `tests/browser.py`'s flags), German and Arabic, desktop
1280 px and phone 390 px. Phone screenshots show the screen as it is (what is in view), the
others the whole page. Prints one Markdown table: per view, axe-core's violations and what
the view shows (the language the answer is marked with, whether the new question and the
answer's first line are on the phone's screen, the numbers to call, the printed handout).
Run it against two code states (two servers) to see a change.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page, ViewportSize

from tests.browser import CHROMIUM, FLAGS, ask, axe_findings, open_chat

DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
LOCALES = {"de": "de-DE", "ar": "ar-SY"}
HELP = {"de": "Wo bekomme ich Hilfe in Dortmund?", "ar": "أين أجد مساعدة في دورتموند؟"}
MOTHER = "Ich bin Mutter von zwei kleinen Kindern und wohne seit drei Monaten in Köln. Wo bekomme ich Hilfe?"
PARENTS = "Ich wohne mit meinen Kindern in Köln. Welche Angebote gibt es für Eltern?"
NO_DOCUMENT = {"de": "Wo finde ich einen Kinderarzt in Bonn?", "ar": "أين أجد طبيب أطفال في بون؟"}
VIOLENCE = {"de": "Mein Mann schlägt mich. Wo bekomme ich Hilfe in Köln?", "ar": "زوجي يضربني. أين أجد مساعدة في كولونيا؟"}
HANDOUT = "Was macht das Welcome Center im Kreis Kleve?"


@dataclass
class View:
    """One view: its name, what it shows (short facts) and axe-core's findings."""

    name: str
    facts: dict[str, str] = field(default_factory=dict)
    axe: list[tuple[str, str, int]] = field(default_factory=list)


def _open(browser: Browser, url: str, code: str, size: ViewportSize) -> Page:
    page: Page = open_chat(browser, url, LOCALES[code], size["width"], size["height"], marked=False)
    page.wait_for_timeout(1500)  # the interface language's labels arrive after the page
    return page


def _in_view(page: Page, element: Locator) -> bool:
    """Whether ``element``'s top is on the screen, inside the chat box's visible part."""
    top = element.bounding_box()
    box = page.locator("#chat .bubble-wrap").bounding_box() or page.locator("#chat").bounding_box()
    height = (page.viewport_size or DESKTOP)["height"]
    return bool(top and box and box["y"] <= top["y"] + 20 <= min(box["y"] + box["height"], height))


def _answer_facts(page: Page, turn: int = 1) -> dict[str, str]:
    """The language the answer's German text is marked with (that of its first citation link),
    its first line, and (on a phone) whether the new question and that line are on the screen."""
    bot = page.locator("[data-testid=bot]").nth(turn - 1)
    cited = bot.locator("a[href^='#quelle']").first
    marked = cited.evaluate("e => e.closest('[lang]')?.lang || ''") if cited.count() else ""
    lines = [line for line in bot.inner_text().splitlines() if line.strip()]
    facts = {
        "page lang": page.evaluate("document.documentElement.lang"),
        "German text marked lang": marked or "(none)",
        "first line": (lines[0][:90] + "…") if lines else "",
    }
    if (page.viewport_size or DESKTOP)["width"] < DESKTOP["width"]:
        facts["question in view"] = str(_in_view(page, page.locator("[data-testid=user]").nth(turn - 1)))
        facts["answer's first line in view"] = str(_in_view(page, bot))
    calls = bot.locator("a[href^='tel:']")
    if calls.count():
        facts["numbers to call"] = ", ".join(calls.evaluate_all("els => els.map(e => e.getAttribute('href').slice(4))"))
    return facts


def _shoot(page: Page, out: Path, name: str, *, whole: bool) -> None:
    page.screenshot(path=str(out / f"{name}.png"), full_page=whole)


Take = Callable[["Browser", str, Path], View]
"""A view: given the browser, the chat's URL and the folder for screenshots, what it shows."""


def named(name: str) -> Callable[[Take], Take]:
    """Name a view's function after the view (a failed view is reported under it)."""

    def naming(take: Take) -> Take:
        take.__name__ = name
        return take

    return naming


def asked_view(name: str, code: str, size: ViewportSize, question: str) -> Take:
    """A view of one question and its answer."""

    @named(name)
    def take(browser: Browser, url: str, out: Path) -> View:
        page = _open(browser, url, code, size)
        ask(page, question, 1)
        page.wait_for_timeout(500)
        view = View(name, _answer_facts(page), axe_findings(page))
        _shoot(page, out, name, whole=size["width"] >= DESKTOP["width"])
        page.context.close()
        return view

    return take


@named("arabic-field-phone")
def arabic_field(browser: Browser, url: str, out: Path) -> View:
    """The question field with Arabic typed into it, in the Arabic interface on a phone."""
    page = _open(browser, url, "ar", PHONE)
    box = page.locator("#frage textarea")
    box.fill("كيف أجد دورة لغة؟")
    view = View("arabic-field-phone", {"field direction": box.evaluate("t => getComputedStyle(t).direction")}, axe_findings(page))
    _shoot(page, out, view.name, whole=False)
    page.context.close()
    return view


@named("keyboard-two-tabs-de")
def keyboard(browser: Browser, url: str, out: Path) -> View:
    """Where two presses of Tab after asking lead (a skip link to the newest answer, if any)."""
    page = _open(browser, url, "de", DESKTOP)
    ask(page, HELP["de"], 1)
    page.locator("#frage textarea").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "(document.activeElement.innerText || document.activeElement.getAttribute('aria-label') || '').trim()"
    )
    view = View("keyboard-two-tabs-de", {"focused after two Tabs": focused[:60] or "(nothing)"}, axe_findings(page))
    _shoot(page, out, view.name, whole=False)
    page.context.close()
    return view


@named("print-de")
def printed(browser: Browser, url: str, out: Path) -> View:
    """What printing the page gives after a counsellor opened the handout (Chromium's PDF, as
    the print dialog would print it; its text read back)."""
    from pypdf import PdfReader

    page = _open(browser, url, "de", DESKTOP)
    ask(page, HANDOUT, 1)
    opener = page.get_by_text("Antwort zum Weitergeben")
    if opener.count():
        opener.first.click()
        page.wait_for_timeout(500)
    found = axe_findings(page)  # the page with the handout open
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    pdf = page.pdf(format="A4")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    (out / "print-de.pdf").write_bytes(pdf)
    page.emulate_media(media="print")
    view = View(
        "print-de",
        {
            "printed characters": str(len(text)),
            "printed text starts": text[:90] + "…",
            "sources printed": str("Quellen:" in text),
        },
        found,
    )
    _shoot(page, out, view.name, whole=True)
    page.context.close()
    return view


def dashboard(url: str, user: str, password: str) -> Take:
    """The maintainers' dashboard after login (topics of the stored questions)."""

    @named("dashboard")
    def take(browser: Browser, _: str, out: Path) -> View:
        page = browser.new_context(locale="de-DE", viewport=DESKTOP).new_page()
        page.goto(url)
        page.locator("input[type=password]").wait_for()
        login = axe_findings(page)
        page.locator("input[type=text]").first.fill(user)
        page.locator("input[type=password]").fill(password)
        page.keyboard.press("Enter")
        page.wait_for_selector(".thema", timeout=60000)
        page.wait_for_timeout(3000)
        topics = page.locator(".thema .label-wrap").all_inner_texts()
        facts = {"topics": " / ".join(t.strip()[:60] for t in topics)}
        view = View("dashboard", facts, login + axe_findings(page))  # the login page's findings and the dashboard's
        _shoot(page, out, view.name, whole=True)
        page.context.close()
        return view

    return take


@named("follow-up-de")
def voted_turns(browser: Browser, url: str, out: Path) -> View:
    """Turns marked 👎, so the dashboard has something to show: a follow-up fragment ("Und in
    Bochum?") and a Kita question beside a general one for the same city."""
    page = _open(browser, url, "de", DESKTOP)
    turns = ["Was macht das Welcome Center im Kreis Kleve?", "Und in Bochum?"]
    turns += ["Wo finde ich einen Kita-Platz in Dortmund?", "Wo bekomme ich Hilfe in Dortmund?"]
    for turn, question in enumerate(turns, start=1):
        ask(page, question, turn)
        if turn > 1:
            page.locator("[data-testid=bot]").nth(turn - 1).hover()
            page.get_by_label("Nicht hilfreich", exact=True).last.click()
            page.wait_for_timeout(1000)
    view = View("follow-up-de", _answer_facts(page, 2), axe_findings(page))
    page.context.close()
    return view


VIEWS: list[Take] = [
    asked_view("help-de-desktop", "de", DESKTOP, HELP["de"]),
    asked_view("help-ar-desktop", "ar", DESKTOP, HELP["ar"]),
    asked_view("help-de-phone", "de", PHONE, HELP["de"]),
    asked_view("help-ar-phone", "ar", PHONE, HELP["ar"]),
    asked_view("mother-de-desktop", "de", DESKTOP, MOTHER),
    asked_view("parents-de-desktop", "de", DESKTOP, PARENTS),
    asked_view("no-document-de-desktop", "de", DESKTOP, NO_DOCUMENT["de"]),
    asked_view("no-document-ar-phone", "ar", PHONE, NO_DOCUMENT["ar"]),
    asked_view("violence-de-phone", "de", PHONE, VIOLENCE["de"]),
    asked_view("violence-ar-phone", "ar", PHONE, VIOLENCE["ar"]),
    arabic_field,
    keyboard,
    printed,
    voted_turns,
]


def table(views: list[View]) -> str:
    """One Markdown table: view, axe violations (rule/impact × elements), what it shows."""
    rows = ["| view | axe violations | shows |", "|---|---|---|"]
    for view in views:
        axe = "; ".join(f"{rule} ({impact}) ×{count}" for rule, impact, count in view.axe) or "0"
        shows = "; ".join(f"{k}: {v}" for k, v in view.facts.items()).replace("|", "¦")
        rows.append(f"| {view.name} | {axe} | {shows} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    """Take every view, keep the screenshots in ``--out``, print the table."""
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the chat, e.g. http://127.0.0.1:7860")
    parser.add_argument("--out", type=Path, required=True, help="folder for the screenshots")
    parser.add_argument("--dashboard", help="the dashboard's URL (after the chat views, so it has their questions)")
    parser.add_argument("--user", default="wartung")

    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    password = os.environ.get("LOTSE_DASHBOARD_PASSWORD", "")
    takes = VIEWS + ([dashboard(args.dashboard, args.user, password)] if args.dashboard else [])
    views = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        for take in takes:
            try:
                views.append(take(browser, args.url, args.out))
            except Exception as error:  # a view an older state does not have: say so, go on
                views.append(View(take.__name__, {"failed": str(error).splitlines()[0][:120]}))
            print(f"{views[-1].name}: done", file=sys.stderr)
        browser.close()
    print(table(views))


if __name__ == "__main__":
    main()
