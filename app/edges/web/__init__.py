"""The Gradio web chat (a leaf: nothing imports it but the CLI): the chat tab for newcomers,
the programme tab for counsellors and the API endpoint ``/ask``, one module each."""

from __future__ import annotations

import gradio as gr

from app.edges.feedback import FeedbackStore
from app.edges.programmes import ProgrammeDirectory
from app.edges.web.api import ask_api_endpoint
from app.edges.web.chat import ALL_PLACES, chat_tab
from app.edges.web.page import launch
from app.edges.web.programmes_tab import programmes_tab
from app.pipeline import Lotse

__all__ = ["build_app", "launch"]


def build_app(lotse: Lotse, feedback: FeedbackStore, directory: ProgrammeDirectory) -> gr.Blocks:
    """The Gradio app around a ready ``Lotse``, a feedback store and the programme directory."""
    places = [ALL_PLACES, *sorted(lotse.glossary.places.patterns)]
    with gr.Blocks(title="Lotse – Integrationsangebote in NRW") as app:
        gr.Markdown("# Lotse\nFragen zu Integrationsangeboten in Nordrhein-Westfalen – kurze Antworten mit Quellen.")
        chat_tab(lotse, feedback, places)
        programmes_tab(directory, places)
        ask_api_endpoint(lotse)
    return app
