"""Driving Debian's chromium with Playwright (never a downloaded browser): helpers to open the
chat and ask in it (the ``browser`` fixture is in ``tests/conftest.py``)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTEFACTS = Path(__file__).resolve().parent.parent / "reports" / "browser"
"""Screenshots kept as test artefacts (one per interface language and view)."""


def open_chat(browser, url: str, locale: str = "de-DE", width: int = 1000, height: int = 1000, *, marked: bool = True):
    """A new browser session (its own context) on the chat, with the browser language ``locale``;
    ``marked``: wait until the page has chosen its interface language (older versions of the chat,
    which ``benchmarks.views`` also visits, do not mark it)."""
    page = browser.new_context(locale=locale, viewport={"width": width, "height": height}).new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"Dialog geöffnet: {dialog.message}"))
    page.goto(url)
    page.wait_for_selector("#frage textarea")
    if marked:
        page.wait_for_function("document.documentElement.dataset.lotseLanguage !== undefined")
    return page


def ask(page, question: str, turn: int) -> None:
    """Type a question, press Enter, and wait until the ``turn``-th answer stops streaming."""
    box = page.locator("#frage textarea")
    box.fill(question)
    box.press("Enter")
    wait_for_answer(page, turn)


def wait_for_answer(page, turn: int) -> None:
    """Wait until the ``turn``-th answer exists and has not changed for a second."""
    page.wait_for_function(f"document.querySelectorAll('[data-testid=bot]').length >= {turn}", timeout=30000)
    last, stable_since = None, time.monotonic()
    while time.monotonic() - stable_since < 1.0:
        text = bot_text(page, turn)
        if text != last:
            last, stable_since = text, time.monotonic()
        page.wait_for_timeout(200)


def bot_text(page, turn: int) -> str:
    return page.locator("[data-testid=bot]").nth(turn - 1).inner_text()


def card_of(page, anchor: str):
    """The source card (a ``<details>``) holding the passage a citation link points to."""
    return page.locator(f"details:has({anchor})")


def axe_findings(page) -> list[tuple[str, str, int]]:
    """axe-core's violations on the page as it is: (rule, impact, how many elements)."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [(v["id"], v["impact"], len(v["nodes"])) for v in violations]
