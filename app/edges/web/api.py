"""The API endpoint ``/ask``: the ``lotse ask --json`` object for one question."""

from __future__ import annotations

from typing import Any

import gradio as gr

from app.core import LotseError
from app.edges.web.chat import place_or_none
from app.pipeline import Lotse


def ask_api_endpoint(lotse: Lotse) -> None:
    """Register ``/ask`` inside an open ``gr.Blocks``."""

    def ask_api(question: str, place: str | None = None, previous: str | None = None) -> dict[str, Any]:
        """The ``lotse ask --json`` object for one question (``error`` for unusable input);
        ``previous`` is the conversation's last question, sent by the client (no server state)."""
        try:
            return lotse.ask(question, place=place_or_none(place), previous=previous or None).to_dict()
        except LotseError as error:
            return {"question": question, "error": str(error)}

    gr.api(ask_api, api_name="ask")
