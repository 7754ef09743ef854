"""The Gradio web chat (a leaf: nothing imports it but the CLI): the chat tab for newcomers,
the programme tab for counsellors and the API endpoint ``/ask``, one module each; the page's
interface language follows the browser, the asker's question or the language switch. The
maintainers' dashboard is a separate app behind a login (``dashboard``)."""

from __future__ import annotations

import dataclasses

import gradio as gr

from app.core import GERMAN, LANGUAGES, browser_language
from app.edges.feedback import FeedbackStore
from app.edges.i18n import N_, translate
from app.edges.programmes import ProgrammeDirectory
from app.edges.web.api import ask_api_endpoint
from app.edges.web.chat import Chat, chat_tab
from app.edges.web.dashboard import Dashboard, build_dashboard, launch_dashboard
from app.edges.web.limits import RateLimiter
from app.edges.web.page import SWITCH_LANGUAGE_JS, launch
from app.edges.web.programmes_tab import programmes_tab
from app.edges.web.relabel import Relabel
from app.pipeline import Lotse

__all__ = ["Dashboard", "build_app", "build_dashboard", "launch", "launch_dashboard"]
SUBTITLE = N_("Fragen zu Integrationsangeboten in Nordrhein-Westfalen – kurze Antworten mit Quellen.")


def first_language(request: gr.Request) -> str:
    """The interface language the browser asks for (``Accept-Language``), German if none fits."""
    return browser_language(request.headers.get("accept-language"))


def build_app(lotse: Lotse, feedback: FeedbackStore, directory: ProgrammeDirectory) -> gr.Blocks:
    """The Gradio app around a ready ``Lotse``, a feedback store and the programme directory."""
    places = lotse.glossary.places.names
    relabel = Relabel()
    chat = Chat(lotse, feedback, RateLimiter(lotse.settings.rate_limit_per_minute))  # one limit for chat and /ask
    secret = lotse.settings.feedback_secret
    if secret is not None:  # several workers: each signs and checks with the same key
        chat = dataclasses.replace(chat, signing_key=secret.get_secret_value().encode())
    app = gr.Blocks(title="Lotse – Integrationsangebote in NRW", analytics_enabled=False)
    with app:
        with gr.Row(elem_id="kopf", equal_height=True):
            subtitle = gr.Markdown(f"# Lotse\n{SUBTITLE}", elem_id="titel")
            language = gr.Dropdown(
                [(name, code) for code, name in LANGUAGES.items()],
                value=GERMAN,
                label=N_("Sprache"),
                elem_id="sprache",
                min_width=160,
                scale=0,
            )
        relabel.add(subtitle, lambda lang: gr.update(value=f"# Lotse\n{translate(lang, SUBTITLE)}"))
        relabel.label(language)
        with gr.Tabs():
            chat_tab(chat, places, language, relabel)
            programmes_tab(directory, places, language, relabel)
        ask_api_endpoint(chat)
        language.change(relabel.apply, language, relabel.components, js=SWITCH_LANGUAGE_JS)
        app.load(first_language, None, language).then(None, language, None, js=SWITCH_LANGUAGE_JS)
    return app
