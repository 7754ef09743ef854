"""Turning answers into safe page markup: every text from users or documents is escaped."""

from __future__ import annotations

import html
import re

from app.core import Answer, Citation, RetrievedChunk, collapse_whitespace
from app.edges.i18n import N_, translate

KIND_LABEL = {"press": N_("Pressemitteilung"), "programme": N_("Programmbeschreibung")}
DOCUMENT = N_("Dokument")
UNDATED = N_("ohne Datum")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>:/@$])")
_CITATION = re.compile(r"&#91;(\d+)&#93;")


def escape_markdown(text: str) -> str:
    """User or document text as literal text inside Markdown (no markup, no HTML, no
    autolinks). Markdown characters become numeric entities, not backslash escapes: inside
    an autolinked address the renderer would show the backslashes."""
    return _MARKDOWN_SPECIAL.sub(lambda m: f"&#{ord(m.group(1))};", html.escape(text, quote=False))


def highlighted(chunk: str, quote: str) -> str:
    """The chunk as escaped HTML with the quoted passage in <mark>."""
    text, wanted = collapse_whitespace(chunk), collapse_whitespace(quote)
    start = text.find(wanted)
    if start < 0:
        return html.escape(text)
    end = start + len(wanted)
    return f"{html.escape(text[:start])}<mark>{html.escape(text[start:end])}</mark>{html.escape(text[end:])}"


def source_cards(answer: Answer, turn: int, language: str = "de") -> str:
    """One collapsible card per cited document: its citation numbers, title, kind (in
    ``language``) and date, then per citation the passage with the quote highlighted; each
    passage carries the anchor its [n] links to."""
    chunks = {r.chunk_id: r for r in answer.retrieved}
    by_document: dict[str, list[Citation]] = {}
    for c in answer.citations:
        by_document.setdefault(c.doc_id, []).append(c)
    cards = []
    for cited in by_document.values():
        first = cited[0]
        chunk = chunks.get(first.chunk_id)
        kind = translate(language, KIND_LABEL.get(chunk.kind if chunk else "", DOCUMENT))
        date = (
            f" · {html.escape(first.date)}"
            if first.date
            else f" · {html.escape(translate(language, UNDATED))}"
            if first.undated
            else ""
        )
        date += f" · <span lang='de'>{html.escape(first.place_to_show)}</span>" if first.place_to_show else ""
        link = (
            f" · <a href='{html.escape(first.url, quote=True)}' target='_blank' rel='noopener noreferrer'>"
            f"{html.escape(first.url)}</a>"
            if first.url and first.url.startswith(("https://", "http://"))
            else ""
        )
        numbers = " ".join(f"[{c.n}]" for c in cited)
        passages = "".join(
            f"<p class='zitat' id='quelle-{turn}-{c.n}' lang='de' dir='ltr'>[{c.n}] {_passage(c, chunks)}</p>" for c in cited
        )
        cards.append(
            f"<details class='quelle'><summary>{numbers} <span lang='de'>{html.escape(first.title)}</span></summary>"
            f"<div class='hinweis'>{html.escape(kind)}{date}{link}</div>{passages}</details>"
        )
    return "\n".join(cards)


def _passage(citation: Citation, chunks: dict[str, RetrievedChunk]) -> str:
    chunk = chunks.get(citation.chunk_id)
    return highlighted(chunk.text, citation.quote) if chunk else html.escape(citation.quote)


def in_language(markdown: str, language: str) -> str:
    """Markdown marked as written in ``language`` (German answers inside an Arabic or English
    page): screen readers then read it with a German voice, and the browser offers to translate
    it. German runs left to right; another language's direction is the browser's to find."""
    direction = "ltr" if language.startswith("de") else "auto"
    return f'<div lang="{html.escape(language[:2], quote=True)}" dir="{direction}">\n\n{markdown}\n\n</div>'


def answer_markdown(text: str, turn: int) -> str:
    """The answer text, escaped, with each [n] as a link to its source card; an answer of
    several lines (a list of offers) as a bulleted list."""
    lines = [
        _CITATION.sub(lambda m: f"[[{m.group(1)}]](#quelle-{turn}-{m.group(1)})", escape_markdown(line))
        for line in text.split("\n")
    ]
    return lines[0] if len(lines) == 1 else "\n".join(f"- {line}" for line in lines)
