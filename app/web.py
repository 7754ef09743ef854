"""The Gradio web chat (a leaf: nothing imports it but the CLI).

Chat tab for newcomers (streamed, cited answers with source cards, follow-ups, place
filter, 👍/👎 feedback), programme tab for counsellors, and the API endpoint ``/ask``
returning the ``lotse ask --json`` object. Every text from users or documents is escaped
before it reaches the page.
"""

from __future__ import annotations

import html
import logging
import queue
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

from app.answer import Answer
from app.errors import LotseError
from app.feedback import FeedbackStore
from app.programmes import FIELDS, Programme, filter_programmes, load_programmes, press_titles
from app.service import Lotse
from app.text import collapse_whitespace

log = logging.getLogger(__name__)

ALL_PLACES = "Alle Orte"
NOTE = (
    "Lotse antwortet nur aus den Dokumenten, die unter jeder Antwort als Quelle stehen "
    "(Pressemitteilungen des Landes NRW und daraus erstellte Programmbeschreibungen). "
    "Persönliche Beratung gibt es beim Kommunalen Integrationszentrum Ihres Kreises oder Ihrer Stadt."
)
EXAMPLES = [
    "Was macht das Welcome Center im Kreis Kleve?",
    "Was ist KOMM-AN NRW?",
    "Wie viele Kommunale Integrationszentren gibt es in NRW?",
    "Was ist GriffbereitMini?",
]
ERROR_TEXT = "Entschuldigung, da ist etwas schiefgegangen. Bitte versuchen Sie es noch einmal."
KIND_LABEL = {"press": "Pressemitteilung", "programme": "Programmbeschreibung"}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_CITATION = re.compile(r"\\\[(\d+)\\\]")
CSS = """
.quelle {border:1px solid #ccc;border-radius:6px;padding:4px 8px;margin:4px 0;}
.quelle summary {cursor:pointer;font-weight:600;}
.quelle mark {background:#ffe58a;}
.hinweis {font-size:0.9em;color:#444;}
"""
JS = """
() => {
  document.documentElement.lang = 'de';
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href^="#quelle-"]');
    if (!link) return;
    event.preventDefault();
    const card = document.getElementById(link.getAttribute('href').slice(1));
    if (card) { card.open = true; card.scrollIntoView({behavior: 'smooth', block: 'nearest'}); }
  });
}
"""


def escape_markdown(text: str) -> str:
    """User or document text as literal text inside Markdown (no markup, no HTML)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def highlighted(chunk: str, quote: str) -> str:
    """The chunk as escaped HTML with the quoted passage in <mark>."""
    text, wanted = collapse_whitespace(chunk), collapse_whitespace(quote)
    start = text.find(wanted)
    if start < 0:
        return html.escape(text)
    end = start + len(wanted)
    return f"{html.escape(text[:start])}<mark>{html.escape(text[start:end])}</mark>{html.escape(text[end:])}"


def source_cards(answer: Answer, turn: int) -> str:
    """One collapsible card per citation: title, date, kind and the highlighted passage."""
    chunks = {r.chunk_id: r for r in answer.retrieved}
    cards = []
    for c in answer.citations:
        chunk = chunks.get(c.chunk_id)
        kind = KIND_LABEL.get(chunk.kind if chunk else "", "Dokument")
        date = f" · {html.escape(c.date)}" if c.date else ""
        body = highlighted(chunk.text, c.quote) if chunk else html.escape(c.quote)
        cards.append(
            f"<details class='quelle' id='quelle-{turn}-{c.n}'><summary>[{c.n}] {html.escape(c.title)}</summary>"
            f"<div class='hinweis'>{kind}{date}</div><p>{body}</p></details>"
        )
    return "\n".join(cards)


def answer_markdown(text: str, turn: int) -> str:
    """The answer text, escaped, with each [n] as a link to its source card."""
    return _CITATION.sub(lambda m: f"[[{m.group(1)}]](#quelle-{turn}-{m.group(1)})", escape_markdown(text))


def streamed_answer(lotse: Lotse, question: str, place: str | None, previous: str | None) -> Iterator[str | Answer]:
    """Each answer sentence as soon as it is final, then the ``Answer`` (errors re-raised)."""
    sentences: queue.Queue[object] = queue.Queue()

    def work() -> None:
        try:
            sentences.put(lotse.ask(question, place=place, previous=previous, on_sentence=sentences.put))
        except BaseException as error:  # handed to the caller's thread
            sentences.put(error)

    threading.Thread(target=work, daemon=True).start()
    while True:
        item = sentences.get()
        if isinstance(item, BaseException):
            raise item
        yield item  # type: ignore[misc]
        if isinstance(item, Answer):
            return


@dataclass
class Session:
    """Per-browser state: the last question and the answers by chat message index."""

    previous: str | None = None
    answers: dict[int, Answer] | None = None

    def remember(self, index: int, answer: Answer) -> None:
        self.answers = {**(self.answers or {}), index: answer}


def build_app(lotse: Lotse, feedback: FeedbackStore) -> gr.Blocks:
    """The Gradio app around a ready ``Lotse`` and a feedback store."""
    places = [ALL_PLACES, *sorted(lotse.glossary.places.patterns)]
    programmes = load_programmes(lotse.settings.corpus_dir)
    titles = press_titles(lotse.settings.corpus_dir)
    limit = lotse.settings.max_question_chars

    def ask_api(question: str, place: str | None = None) -> dict[str, Any]:
        """The ``lotse ask --json`` object for one question (``error`` for unusable input)."""
        try:
            return lotse.ask(question, place=None if place in (None, "", ALL_PLACES) else place).to_dict()
        except LotseError as error:
            return {"question": question, "error": str(error)}

    def respond(message: str, history: list[dict[str, Any]], place: str, session: Session):
        history = [*history, {"role": "user", "content": escape_markdown(message)}]
        turn = len(history)
        shown = ""
        try:
            for item in streamed_answer(lotse, message, None if place == ALL_PLACES else place, session.previous):
                if isinstance(item, Answer):
                    answer = item
                    break
                shown = f"{shown} {item}".strip()
                yield [*history, {"role": "assistant", "content": answer_markdown(shown, turn)}], session, ""
        except LotseError as error:
            yield [*history, {"role": "assistant", "content": escape_markdown(str(error))}], session, ""
            return
        except Exception:  # the server must keep serving whatever goes wrong in one request
            log.exception("Antwort fehlgeschlagen")
            yield [*history, {"role": "assistant", "content": ERROR_TEXT}], session, ""
            return
        final = f"{answer_markdown(answer.answer, turn)}\n\n{source_cards(answer, turn)}"
        session.previous = answer.question
        session.remember(len(history), answer)
        if answer.abstained:
            feedback.record(answer, "abstained")
        yield [*history, {"role": "assistant", "content": final}], session, ""

    def on_like(data: gr.LikeData, session: Session) -> None:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        answer = (session.answers or {}).get(int(index))
        verdict = {True: "up", "Like": "up", False: "down", "Dislike": "down"}.get(data.liked)
        if answer is not None and verdict is not None:
            feedback.record(answer, verdict)

    def new_conversation() -> tuple[list, Session, str]:
        return [], Session(), ""

    def programme_table(place: str, search: str) -> list[list[str]]:
        return [p.row() for p in _filtered(place, search)]

    def _filtered(place: str, search: str) -> list[Programme]:
        return filter_programmes(programmes, None if place == ALL_PLACES else place, search or "")

    def programme_details(place: str, search: str, event: gr.SelectData) -> str:
        rows = _filtered(place, search)
        row = event.index[0] if isinstance(event.index, (list, tuple)) else event.index
        if not 0 <= int(row) < len(rows):
            return ""
        p = rows[int(row)]
        sources = "".join(f"<li>{html.escape(titles.get(s, s))}</li>" for s in p.sources)
        body = "".join(f"<p>{html.escape(line)}</p>" for line in p.body.splitlines() if line.strip())
        return f"<h3>{html.escape(p.name)}</h3>{body}<h4>Quellen (Pressemitteilungen)</h4><ul>{sources}</ul>"

    with gr.Blocks(title="Lotse – Integrationsangebote in NRW") as app:
        gr.Markdown("# Lotse\nFragen zu Integrationsangeboten in Nordrhein-Westfalen – kurze Antworten mit Quellen.")
        with gr.Tab("Fragen"):
            gr.Markdown(NOTE, elem_classes=["hinweis"])
            chatbot = gr.Chatbot(label="Unterhaltung", height=460, render_markdown=True, sanitize_html=True,
                                 allow_tags=False, elem_id="chat", buttons=["copy"])
            session = gr.State(Session())
            with gr.Row():
                place = gr.Dropdown(places, value=ALL_PLACES, label="Kreis oder Stadt", scale=1)
                question = gr.Textbox(label="Ihre Frage", placeholder="z. B. Was ist KOMM-AN NRW?", max_length=limit,
                                      scale=3, elem_id="frage", submit_btn="Senden")
            gr.Examples(EXAMPLES, inputs=question, label="Beispielfragen")
            clear = gr.Button("Neue Unterhaltung", variant="secondary")
        with gr.Tab("Programme"):
            gr.Markdown("Alle Programmbeschreibungen. Filter nach Kreis oder Stadt; eine Zeile wählen zeigt die Beschreibung mit Quellen.")
            with gr.Row():
                table_place = gr.Dropdown(places, value=ALL_PLACES, label="Kreis oder Stadt")
                search = gr.Textbox(label="Suche", placeholder="z. B. Eltern")
            table = gr.Dataframe(value=[p.row() for p in programmes], headers=list(FIELDS), interactive=False, wrap=True)
            details = gr.HTML()

        question.submit(respond, [question, chatbot, place, session], [chatbot, session, question])
        chatbot.like(on_like, [session], None)
        clear.click(new_conversation, None, [chatbot, session, question])
        table_place.change(programme_table, [table_place, search], table)
        search.change(programme_table, [table_place, search], table)
        table.select(programme_details, [table_place, search], details)
        gr.api(ask_api, api_name="ask")
    return app


class GermanPage(BaseHTTPMiddleware):
    """Gradio's page template says ``lang="en"``; Lotse's page is German."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        if not response.headers.get("content-type", "").startswith("text/html"):
            return response
        body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return Response(body.replace(b'lang="en"', b'lang="de"', 1), status_code=response.status_code, headers=headers)


def launch(app: gr.Blocks, host: str, port: int, concurrency: int, *, block: bool = True) -> gr.Blocks:
    """Queue for a CPU-bound handler and serve; never ``share=True``."""
    app.queue(default_concurrency_limit=concurrency, max_size=256)
    app.launch(server_name=host, server_port=port, share=False, prevent_thread_lock=not block, quiet=not block,
               css=CSS, js=JS, show_error=False, app_kwargs={"middleware": [Middleware(GermanPage)]})
    return app
