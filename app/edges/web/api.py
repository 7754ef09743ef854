"""The API endpoint ``/ask``: the ``lotse ask --json`` object for one question.

Any client can call it, so its input is checked against a typed schema before Lotse sees it;
every failure is the JSON object ``{"question": …, "error": "<German message>"}``."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import gradio as gr
from gradio.events import api
from pydantic import BaseModel, ConfigDict, ValidationError

from app.core import LotseError
from app.edges.i18n import translate
from app.edges.web.chat import ERROR_TEXT, Chat, client_of, place_or_none
from app.edges.web.limits import TOO_MANY

log = logging.getLogger(__name__)
FIELD_NAMES = {"question": "Frage (question)", "place": "Ort (place)", "previous": "vorherige Frage (previous)"}


class AskRequest(BaseModel):
    """What ``/ask`` accepts: text or nothing, never a number, list or object."""

    model_config = ConfigDict(strict=True)
    question: str
    place: str | None = None
    previous: str | None = None


ASK_ROUTE = re.compile(r"/gradio_api/call/(?:v2/)?ask/?")
EXAMPLE = 'z. B. {"data": ["Was ist KOMM-AN NRW?", null, null]}'
TOO_FEW_VALUES = f"Ungültige Anfrage: data braucht {len(AskRequest.model_fields)} Werte (Frage, Ort, vorherige Frage), {EXAMPLE}."


def too_few_values(body: bytes) -> bool:
    """Whether an ``/ask`` body is a JSON object whose ``data`` list leaves out fields (Gradio
    checks the count before Lotse's schema does, and answers it only with ``{"error": null}``)."""
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested past Python's limit: Gradio's 4xx, made German
        return False
    data = parsed.get("data") if isinstance(parsed, dict) else None
    return isinstance(data, list) and len(data) < len(AskRequest.model_fields)


def invalid_request(error: ValidationError) -> str:
    """One German line naming the fields that are not text."""
    fields = sorted({FIELD_NAMES.get(str(e["loc"][0]), str(e["loc"][0])) for e in error.errors() if e["loc"]})
    return f"Ungültige Anfrage: {', '.join(fields)} muss Text sein."


def printable(value: object) -> str:
    """The question as it can be echoed in JSON (lone surrogates replaced)."""
    return value.encode("utf-8", "replace").decode("utf-8") if isinstance(value, str) else ""


def ask_api_endpoint(chat: Chat) -> None:
    """Register ``/ask`` inside an open ``gr.Blocks``; it shares the chat's per-client limit."""
    lotse = chat.lotse

    def ask_api(
        question: str, place: str | None = None, previous: str | None = None, http: gr.Request | None = None
    ) -> dict[str, Any]:
        """The ``lotse ask --json`` object for one question (``error`` for unusable input);
        ``previous`` is the conversation's last question, sent by the client (no server state)."""
        try:
            request = AskRequest(question=question, place=place, previous=previous)
            if not chat.limiter.allow(client_of(http)):
                return {"question": printable(question), "error": translate("de", TOO_MANY)}
            answer = lotse.ask(request.question, place=place_or_none(request.place), previous=request.previous or None)
            chat.record_if_unanswered(answer)
            return answer.to_dict()
        except ValidationError as error:
            return {"question": printable(question), "error": invalid_request(error)}
        except LotseError as error:
            return {"question": printable(question), "error": str(error)}
        except Exception:  # the server keeps serving; the client gets the same German line as the chat
            log.exception("Antwort fehlgeschlagen")
            return {"question": printable(question), "error": ERROR_TEXT}

    api(ask_api, api_name="ask")
