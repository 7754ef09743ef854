"""The chat tab for newcomers: streamed, cited answers with source cards, follow-ups,
a place filter and 👍/👎 feedback."""

from __future__ import annotations

import logging
import queue
import threading
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

import gradio as gr

from app.core import Answer, Citation, LotseError, normalize_text
from app.edges.feedback import FeedbackStore
from app.edges.web.markup import answer_markdown, escape_markdown, source_cards
from app.pipeline import Lotse

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
History = list[dict[str, Any]]


def place_or_none(place: str | None) -> str | None:
    """The place filter as the library takes it ("Alle Orte" or nothing: no filter)."""
    return None if place in (None, "", ALL_PLACES) else place


def streamed_answer(lotse: Lotse, question: str, place: str | None, previous: str | None) -> Iterator[str | Answer]:
    """Each answer sentence as soon as it is final, then the ``Answer`` (errors re-raised)."""
    sentences: queue.Queue[str | Answer | BaseException] = queue.Queue()

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
        yield item
        if isinstance(item, Answer):
            return


Session = dict[str, Any]
"""Per-conversation state kept in the browser and sent with every event, so any worker can
answer: ``previous`` (the last question) and ``answers`` (what 👍/👎 rates, by message index,
each with a random id so that its verdict is stored once)."""


def remembered(session: Session | None, index: int, answer: Answer) -> Session:
    """The session after ``answer`` was shown as message ``index``."""
    kept = {"id": uuid.uuid4().hex, "question": answer.question, "answer": answer.answer, "abstained": answer.abstained,
            "citations": [asdict(c) for c in answer.citations]}
    return {"previous": answer.question, "answers": {**(session or {}).get("answers", {}), str(index): kept}}


def rated_answer(session: Session | None, index: int) -> tuple[Answer, str] | None:
    """The answer shown as message ``index`` and its id, as the browser sent them back."""
    kept = (session or {}).get("answers", {}).get(str(index))
    if not isinstance(kept, dict):
        return None
    try:
        answer = Answer(str(kept["question"]), str(kept["answer"]), bool(kept["abstained"]),
                        [Citation(**c) for c in kept.get("citations", [])])
        return answer, str(kept["id"])
    except (KeyError, TypeError):
        return None


@dataclass(frozen=True)
class Chat:
    """The chat's event handlers around a ready ``Lotse`` and a feedback store."""

    lotse: Lotse
    feedback: FeedbackStore

    def respond(self, message: str, history: History, place: str, session: Session | None) -> Iterator[tuple[History, Session | None, str]]:
        history = [*history, {"role": "user", "content": escape_markdown(normalize_text(message))}]
        turn = len(history)
        shown = ""
        try:
            previous = (session or {}).get("previous")
            for item in streamed_answer(self.lotse, message, place_or_none(place), str(previous) if previous else None):
                if isinstance(item, Answer):
                    answer = item
                    break
                shown += item
                yield [*history, {"role": "assistant", "content": answer_markdown(shown, turn)}], session, ""
        except LotseError as error:
            yield [*history, {"role": "assistant", "content": escape_markdown(str(error))}], session, ""
            return
        except Exception:  # the server must keep serving whatever goes wrong in one request
            log.exception("Antwort fehlgeschlagen")
            yield [*history, {"role": "assistant", "content": ERROR_TEXT}], session, ""
            return
        final = f"{answer_markdown(answer.answer, turn)}\n\n{source_cards(answer, turn)}"
        session = remembered(session, len(history), answer)
        if answer.abstained:
            self.feedback.record(answer, "abstained")
        yield [*history, {"role": "assistant", "content": final}], session, ""

    def on_like(self, data: gr.LikeData, session: Session | None) -> None:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        rated = rated_answer(session, int(index))
        verdict = {True: "up", "Like": "up", False: "down", "Dislike": "down"}.get(data.liked)
        if rated is not None and verdict is not None:
            answer, answer_id = rated
            self.feedback.record(answer, verdict, answer_id=answer_id)

    @staticmethod
    def new_conversation() -> tuple[list[Any], Session, str]:
        return [], {}, ""


def chat_tab(lotse: Lotse, feedback: FeedbackStore, places: list[str]) -> None:
    """The "Fragen" tab, inside an open ``gr.Blocks``."""
    chat = Chat(lotse, feedback)
    with gr.Tab("Fragen"):
        gr.Markdown(NOTE, elem_classes=["hinweis"])
        chatbot = gr.Chatbot(label="Unterhaltung", height=460, render_markdown=True, sanitize_html=True,
                             allow_tags=False, elem_id="chat", buttons=["copy"])
        session = gr.JSON({}, visible=False)  # in the browser, not in this worker: no sticky sessions
        with gr.Row():
            place = gr.Dropdown(places, value=ALL_PLACES, label="Kreis oder Stadt", scale=1)
            question = gr.Textbox(label="Ihre Frage", placeholder="z. B. Was ist KOMM-AN NRW?",
                                  max_length=lotse.settings.max_question_chars, scale=3, elem_id="frage", submit_btn="Senden")
        gr.Examples(EXAMPLES, inputs=question, label="Beispielfragen")
        clear = gr.Button("Neue Unterhaltung", variant="secondary")
    question.submit(chat.respond, [question, chatbot, place, session], [chatbot, session, question])
    chatbot.like(chat.on_like, [session], None)
    clear.click(chat.new_conversation, None, [chatbot, session, question])
