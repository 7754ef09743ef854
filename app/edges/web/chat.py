"""The chat tab for newcomers: streamed, cited answers with source cards, follow-ups, a place
filter, 👍/👎 feedback and a copy-or-print version of the last answer for counsellors.

Every text around the answer is in the interface language (``app.edges.i18n``); the answer
itself quotes the German documents, with a one-line note in the asker's language."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
import uuid
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict, dataclass, field
from typing import Any

import gradio as gr

from app.conversation import speaks_of_harm
from app.core import GERMAN, Answer, Citation, InvalidQuestion, LotseError, grouped, normalize_text, question_language
from app.edges.feedback import FeedbackStore
from app.edges.i18n import N_, translate
from app.edges.plain_text import handout
from app.edges.web.emergency import emergency_notice
from app.edges.web.limits import TOO_LONG_CONVERSATION, TOO_MANY, RateLimiter
from app.edges.web.markup import answer_markdown, escape_markdown, in_language, source_cards
from app.edges.web.relabel import Relabel
from app.pipeline import Lotse

log = logging.getLogger(__name__)

ALL_PLACES = N_("Alle Orte")
NOTE = N_(
    "Lotse antwortet nur aus den Dokumenten, die unter jeder Antwort als Quelle stehen "
    "(Pressemitteilungen des Landes NRW und daraus erstellte Programmbeschreibungen). "
    "Persönliche Beratung gibt es beim Kommunalen Integrationszentrum Ihres Kreises oder Ihrer Stadt."
)
EXAMPLES = [
    N_("Was ist KOMM-AN NRW?"),
    N_("Wo bekomme ich Hilfe in Dortmund?"),
    N_("Was macht das Welcome Center im Kreis Kleve?"),
    N_("Was ist GriffbereitMini?"),
]
ERROR_TEXT = N_("Entschuldigung, da ist etwas schiefgegangen. Bitte versuchen Sie es noch einmal.")
QUOTES_GERMAN = N_(
    "Die Antwort zitiert deutsche Dokumente; die Quellen stehen darunter. Ihr Browser kann sie übersetzen: "
    "im Menü des Browsers „Übersetzen“ wählen."
)
NO_ANSWER = N_(
    "Dazu hat Lotse in den Dokumenten keine verlässliche Antwort gefunden. Persönliche Beratung gibt es "
    "beim Kommunalen Integrationszentrum Ihres Kreises oder Ihrer Stadt. Der Hinweis auf Deutsch:"
)
NOT_ANSWERABLE = N_("Lotse kann diese Frage so nicht beantworten. Der Hinweis auf Deutsch:")
SEARCHING = N_("Lotse sucht in den Dokumenten …")
EMPTY = N_("Bitte schreiben Sie eine Frage in das Feld.")
TOO_LONG = N_("Ihre Frage hat {length} Zeichen; Lotse nimmt höchstens {limit} Zeichen. Bitte kürzen Sie die Frage.")
SEND = N_("Senden")
THANKS = N_("Danke! Ihre Bewertung ist gespeichert.")
NO_FEEDBACK = N_("Bewertungen (👍/👎) werden zurzeit nicht gespeichert.")
PRIVACY_HINT = N_("Bitte geben Sie keine persönlichen Daten ein (Name, Adresse, Telefonnummer, Geburtsdatum).")
SHOW_LATEST_QUESTION_JS = """() => {
  const asked = [...document.querySelectorAll('#chat [data-testid=user]')].pop();
  const box = asked?.closest('.bubble-wrap');
  if (box) { box.scrollTop += asked.getBoundingClientRect().top - box.getBoundingClientRect().top - 36; }  // below the box's label
}"""  # noqa: E501 (script as the browser runs it)
"""After an answer: the question and the answer's first lines in view (the chat box would show
its end, the source cards, and on a phone the answer would start above the fold)."""
SKIP_TO_ANSWER = N_("Zur neuesten Antwort")
SKIP_TO_ANSWER_JS = """() => {
  const bots = document.querySelectorAll('[data-testid=bot]');
  const target = bots[bots.length - 1]?.querySelector('a[href^="#quelle-"]') ?? document.querySelector('#frage textarea');
  target?.focus();
  target?.scrollIntoView({block: 'nearest'});
}"""
"""Two Tab presses after asking (past "Senden"), the keyboard's way to the newest answer's first
citation (to the question field before the first answer); hidden until it has the focus."""
NEW_CONVERSATION_JS = "() => [[], {}, '']"
"""Empties the chat, the hidden conversation state and the handout (outputs in that order)."""
History = list[dict[str, Any]]


def place_or_none(place: str | None) -> str | None:
    """The place filter as the library takes it ("Alle Orte" or nothing: no filter)."""
    return None if place in (None, "", ALL_PLACES) else place


def place_choices(language: str, places: list[str]) -> list[tuple[str, str]]:
    """The place filter's choices: "all places" in ``language``, then the place names."""
    return [(translate(language, ALL_PLACES), ALL_PLACES), *((p, p) for p in places)]


def interface_language(current: str, question: str) -> str:
    """The language to answer around: the question's when it is clear, else the current one
    (a German question keeps Einfache Sprache)."""
    detected = question_language(question)
    if detected is None or (detected == GERMAN and current.startswith(GERMAN)):
        return current
    return detected


def lead_note(language: str, text: str) -> str:
    """A German ``N_`` text in ``language`` as the italic note above an answer; ``dir="auto"``
    lets an Arabic note run right to left inside Gradio's left-to-right bubble."""
    return f'<p dir="auto"><em>{escape_markdown(translate(language, text))}</em></p>\n\n'


def framed(answer: Answer, language: str, turn: int) -> str:
    """The answer with its source cards, led by a note in ``language`` when that is not German."""
    body = f"{in_language(answer_markdown(answer.answer, turn), answer.language)}\n\n{source_cards(answer, turn, language)}"
    if language == GERMAN:
        return body
    return lead_note(language, NO_ANSWER if answer.abstained else QUOTES_GERMAN) + body


Session = dict[str, Any]
"""Per-conversation state kept in the browser and sent with every event, so any worker can
answer: ``previous`` (the last question) and ``answers`` (what 👍/👎 rates, by message index,
each with a random id so that its verdict is stored once, and signed by the server)."""
MAX_RATED_CHARS = 64_000
"""A rated answer as the browser sends it back; Lotse's answers are far shorter."""


def _signature(kept: dict[str, Any], key: bytes) -> str:
    body = json.dumps({k: v for k, v in kept.items() if k != "sig"}, sort_keys=True, ensure_ascii=False)
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def remembered(session: Session | None, index: int, answer: Answer, key: bytes) -> Session:
    """The session after ``answer`` was shown as message ``index``; the answer is signed with
    ``key``, so a 👍/👎 can only ever rate what this server answered."""
    kept: dict[str, Any] = {
        "id": uuid.uuid4().hex,
        "question": answer.question,
        "standalone": answer.standalone,
        "answer": answer.answer,
        "abstained": answer.abstained,
        "citations": [asdict(c) for c in answer.citations],
    }
    kept["sig"] = _signature(kept, key)
    return {"previous": answer.question, "answers": {**(session or {}).get("answers", {}), str(index): kept}}


def rated_answer(session: Session | None, index: int, key: bytes) -> tuple[Answer, str] | None:
    """The answer shown as message ``index`` and its id, as the browser sent them back, if the
    server's signature still holds (else None: a forged or changed answer is never stored)."""
    kept = (session or {}).get("answers", {}).get(str(index))
    if not isinstance(kept, dict) or len(json.dumps(kept, ensure_ascii=False)) > MAX_RATED_CHARS:
        return None
    if not hmac.compare_digest(str(kept.get("sig", "")), _signature(kept, key)):
        return None
    try:
        answer = Answer(
            str(kept["question"]),
            str(kept["answer"]),
            bool(kept["abstained"]),
            [Citation(**c) for c in kept.get("citations", [])],
            standalone=str(kept.get("standalone", "")),
        )
        return answer, str(kept["id"])
    except (KeyError, TypeError):
        return None


Turn = tuple[History, Session | None, str, str, str]
"""What one chat event shows: messages, session, the question box, interface language, handout."""


def client_of(request: gr.Request | None) -> str:
    """The client address the server sees (the proxy's, behind a proxy)."""
    return str(getattr(getattr(request, "client", None), "host", "") or "unbekannt")


VERDICTS_PER_MINUTE = 30
"""👍/👎 one client may give per minute; more are not stored."""
MAX_PENDING_WRITES = 200
"""Feedback writes queued at most; beyond that (a store that hangs) new ones are dropped and logged."""
LIKE_WAIT_S = 2.0
"""How long a 👍/👎 waits for its write before the chat stops waiting (and shows no thanks)."""


@dataclass(frozen=True)
class Chat:
    """The chat's event handlers around a ready ``Lotse``, a feedback store and the per-client
    limit. Feedback is written by one background thread: an answer never waits for the store."""

    lotse: Lotse
    feedback: FeedbackStore
    limiter: RateLimiter
    writer: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="feedback"), repr=False, compare=False
    )
    pending: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(MAX_PENDING_WRITES), repr=False, compare=False
    )
    signing_key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False, compare=False)
    """Signs the answers the browser keeps for 👍/👎 (``LOTSE_FEEDBACK_SECRET``; else random per process)."""
    verdicts: RateLimiter = field(default_factory=lambda: RateLimiter(VERDICTS_PER_MINUTE), repr=False, compare=False)

    def refusal(self, text: str, history: History, language: str, request: gr.Request | None) -> str | None:
        """Why ``text`` is not answered (empty, too long, too many questions, conversation too long), if it is not."""
        settings = self.lotse.settings
        limit = settings.max_question_chars
        if not text:
            return translate(language, EMPTY)
        if len(text) > limit:
            return translate(language, TOO_LONG, length=grouped(len(text)), limit=grouped(limit))
        if sum(m.get("role") == "user" for m in history) >= settings.max_turns:
            return translate(language, TOO_LONG_CONVERSATION)
        if not self.limiter.allow(client_of(request)):
            return translate(language, TOO_MANY)
        return None

    def respond(
        self,
        message: str,
        history: History,
        place: str,
        session: Session | None,
        language: str,
        shown_handout: str,
        request: gr.Request | None = None,
    ) -> Iterator[Turn]:
        """The chat's states for one message: a refusal, or a searching note, the answer as it grows and the
        finished answer (led by an emergency notice when the message speaks of harm)."""
        text = normalize_text(message or "").strip()
        refused = self.refusal(text, history, language, request)
        if refused is not None:  # no empty or unanswered bubble; a question stays in the box, nothing is lost
            yield (
                [*history, {"role": "assistant", "content": escape_markdown(refused)}],
                session,
                message if text else "",
                language,
                shown_handout,
            )
            return
        language = interface_language(language, text)
        notice = emergency_notice(self.lotse.settings, language) if speaks_of_harm(text) else ""
        alert = f"{notice}\n\n" if notice else ""
        history = [*history, {"role": "user", "content": escape_markdown(text)}]
        turn = len(history)

        def showing(content: str, box: str = "", kept: Session | None = session, copy: str = shown_handout) -> Turn:
            return [*history, {"role": "assistant", "content": content}], kept, box, language, copy

        yield showing(f"{alert}*{escape_markdown(translate(language, SEARCHING))}*")
        try:
            answer = yield from self._stream(
                text, place, session, lambda shown: showing(alert + in_language(answer_markdown(shown, turn), GERMAN))
            )
        except InvalidQuestion as error:
            lead = "" if language.startswith(GERMAN) else lead_note(language, NOT_ANSWERABLE)
            yield showing(alert + lead + escape_markdown(str(error)))
            return
        except LotseError as error:
            yield showing(alert + escape_markdown(str(error)))
            return
        except Exception:  # the server must keep serving whatever goes wrong in one request
            log.exception("Antwort fehlgeschlagen")
            yield showing(alert + escape_markdown(translate(language, ERROR_TEXT)))
            return
        self.record_if_unanswered(answer)
        yield showing(
            alert + framed(answer, language, turn), kept=remembered(session, turn, answer, self.signing_key), copy=handout(answer)
        )

    def _stream(
        self, text: str, place: str, session: Session | None, show: Callable[[str], Turn]
    ) -> Generator[Turn, None, Answer]:
        """Show the verified answer as it grows, line by line; return the finished ``Answer``."""
        previous = (session or {}).get("previous")
        shown = ""
        for item in self.lotse.stream(text, place_or_none(place), str(previous) if previous else None):
            if isinstance(item, Answer):
                return item
            shown += item
            yield show(shown)
        raise AssertionError("Lotse.stream ends with the Answer")

    def on_like(self, data: gr.LikeData, session: Session | None, language: str, request: gr.Request | None = None) -> None:
        """Store a 👍/👎 on a signed answer (at most ``VERDICTS_PER_MINUTE`` per client), thanking the asker or
        saying that it was not stored."""
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        if not self.verdicts.allow(client_of(request)):
            log.warning("Rückmeldung verworfen: mehr als %d pro Minute von einem Client", VERDICTS_PER_MINUTE)
            return
        rated = rated_answer(session, int(index), self.signing_key)
        verdict = {True: "up", "Like": "up", False: "down", "Dislike": "down"}.get(data.liked)
        if rated is not None and verdict is not None:
            answer, answer_id = rated
            if self.record(answer, verdict, answer_id, wait_s=LIKE_WAIT_S):
                gr.Info(translate(language, THANKS), duration=4)
            else:
                gr.Warning(translate(language, NO_FEEDBACK), duration=6)

    def record_if_unanswered(self, answer: Answer) -> None:
        """An abstention is a gap for the maintainers' dashboard, whether the chat or ``/ask`` gave it."""
        if answer.abstained:
            self.record(answer, "abstained")

    def record(self, answer: Answer, verdict: str, answer_id: str | None = None, wait_s: float = 0.0) -> bool:
        """Queue a verdict for the background writer; with ``wait_s``, wait that long for it to be
        stored. True: stored (or, without waiting, queued). A store that fails or hangs is logged
        for the operator and never costs the asker the answer."""
        if not self.pending.acquire(blocking=False):
            log.warning("Rückmeldung verworfen: %d Schreibvorgänge warten schon (Speicher hängt?)", MAX_PENDING_WRITES)
            return False
        future = self.writer.submit(self._write, answer, verdict, answer_id)
        future.add_done_callback(lambda _: self.pending.release())
        if wait_s <= 0:
            return True
        try:
            return future.result(timeout=wait_s)
        except FutureTimeout:
            log.warning("Rückmeldung nach %.0f s noch nicht gespeichert (Speicher antwortet nicht)", wait_s)
            return False

    def settle(self, timeout_s: float = 30.0) -> None:
        """Wait until the feedback queued so far is written (tests, shutdown)."""
        self.writer.submit(lambda: None).result(timeout=timeout_s)

    def _write(self, answer: Answer, verdict: str, answer_id: str | None) -> bool:
        try:
            self.feedback.record(answer, verdict, answer_id=answer_id)
        except LotseError as error:
            log.warning("%s (%s)", error, error.detail)
            return False
        except Exception:  # the writer thread must survive whatever one write does
            log.exception("Rückmeldung nicht gespeichert")
            return False
        return True


def chat_tab(chat: Chat, places: list[str], language: gr.Dropdown, relabel: Relabel) -> None:
    """The chat tab, inside an open ``gr.Blocks``; its texts follow ``language``."""
    with gr.Tab(N_("Fragen"), id="fragen") as tab:
        chatbot = gr.Chatbot(
            label=N_("Unterhaltung"),
            height=460,
            render_markdown=True,
            sanitize_html=True,
            autoscroll=False,
            allow_tags=False,
            elem_id="chat",
            buttons=["copy"],
        )
        session = gr.JSON({}, visible=False)  # in the browser, not in this worker: no sticky sessions
        question = gr.Textbox(
            label=N_("Ihre Frage"),
            placeholder=N_("z. B. Was ist KOMM-AN NRW?"),
            lines=1,
            max_lines=6,
            elem_id="frage",
            submit_btn=SEND,
            autofocus=True,
        )
        skip = gr.Button(SKIP_TO_ANSWER, elem_id="zur-antwort", size="sm")
        privacy = gr.Markdown(PRIVACY_HINT, elem_classes=["hinweis"], elem_id="datenschutz")
        with gr.Row(elem_id="beispiele"):
            examples = [gr.Button(text, size="sm", variant="secondary", min_width=120) for text in EXAMPLES]
        with gr.Row():
            place = gr.Dropdown(place_choices(GERMAN, places), value=ALL_PLACES, label=N_("Kreis oder Stadt"), scale=1)
            clear = gr.Button(N_("Neue Unterhaltung"), variant="secondary", scale=1)
        with gr.Accordion(N_("Antwort zum Weitergeben"), open=False, elem_id="weitergeben-bereich") as sharing:
            shared = gr.Textbox(
                label=N_("Kopieren: Symbol rechts oben im Feld. Drucken: Knopf darunter."),
                lines=8,
                interactive=False,
                buttons=["copy"],
                elem_id="weitergeben",
            )
            print_button = gr.Button(N_("Drucken"), size="sm", elem_id="drucken")
        note = gr.Markdown(NOTE, elem_classes=["hinweis"])
        feedback_off = gr.Markdown(
            NO_FEEDBACK, elem_classes=["hinweis"], elem_id="keine-bewertungen", visible=not chat.feedback.stores
        )

    relabel.label(tab, chatbot, question, place, sharing, shared)
    relabel.placeholder(question, SEND)
    relabel.value(*examples, clear, print_button, note, privacy, feedback_off, skip)
    relabel.add(place, lambda lang: gr.update(choices=place_choices(lang, places)))

    turn_inputs = [question, chatbot, place, session, language, shared]
    turn_outputs = [chatbot, session, question, language, shared]
    question.submit(chat.respond, turn_inputs, turn_outputs).then(None, js=SHOW_LATEST_QUESTION_JS)
    for example, text in zip(examples, EXAMPLES):
        (
            example.click(lambda lang, text=text: translate(lang, text), language, question)
            .then(chat.respond, turn_inputs, turn_outputs)
            .then(None, js=SHOW_LATEST_QUESTION_JS)
        )
    chatbot.like(chat.on_like, [session, language], None)
    # In the browser, without a round trip: a question typed right after clearing is neither wiped by
    # a late reply nor answered with the old conversation; the half-typed question stays in its box.
    for trigger in (clear.click, chatbot.clear):
        trigger(None, None, [chatbot, session, shared], js=NEW_CONVERSATION_JS)
    skip.click(None, js=SKIP_TO_ANSWER_JS)
    print_button.click(None, None, None, js="() => { window.lotsePrintCopy(); window.print(); }")
