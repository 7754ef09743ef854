"""The programme tab for counsellors: a filterable table of the programme descriptions;
selecting a row shows the description as formatted text right under the table (scrolled into
view, also on a phone), with the press releases behind it: title, date, link and passages."""

from __future__ import annotations

import gradio as gr
import pandas as pd

from app.core import GERMAN
from app.edges.i18n import N_, translate
from app.edges.programmes import FIELDS, Programme, ProgrammeDirectory
from app.edges.web.chat import ALL_PLACES, place_choices, place_or_none
from app.edges.web.markup import escape_markdown
from app.edges.web.relabel import Relabel

INTRO = N_("Alle Programmbeschreibungen. Filter nach Kreis oder Stadt; eine Zeile wählen zeigt die Beschreibung mit Quellen.")
SOURCES = N_("Quellen")
SEARCH_EXAMPLE = N_("z. B. Eltern")
NOTHING_FOUND = N_("Keine Programmbeschreibung passt zu diesem Filter.")
COLUMN_WIDTHS: list[str | int] = ["26%", "16%", "16%", "21%", "21%"]
SHOW_DETAILS_JS = "() => document.getElementById('programm')?.scrollIntoView({behavior: 'smooth', block: 'start'})"


def programme_details(programme: Programme, directory: ProgrammeDirectory, language: str) -> str:
    """A programme's description (its own Markdown) and, per source, title, date, link and passages."""
    parts = [programme.body.strip(), f"### {escape_markdown(translate(language, SOURCES))}"]
    for doc_id in programme.sources:
        source = directory.sources.get(doc_id)
        if source is None:
            parts.append(f"- {escape_markdown(doc_id)}")
            continue
        title = escape_markdown(source.title)
        heading = f"[{title}](<{source.url}>)" if source.url else title
        date = f" · {escape_markdown(source.date)}" if source.date else ""
        quotes = "".join(f"\n\n  > {escape_markdown(p)}" for p in source.passages(programme))
        parts.append(f"- **{heading}**{date}{quotes}")
    return "\n\n".join(parts)


def table(programmes: list[Programme], language: str) -> pd.DataFrame:
    """The programmes as table rows, with the column headings in ``language``."""
    return pd.DataFrame([p.row() for p in programmes], columns=[translate(language, h) for h in FIELDS])


def programmes_tab(directory: ProgrammeDirectory, places: list[str], language: gr.Dropdown, relabel: Relabel) -> None:
    """The programme tab, inside an open ``gr.Blocks``; its texts follow the interface language."""

    def filtered(place: str, search: str, language: str) -> tuple[pd.DataFrame, str]:
        """The matching rows; the details of an earlier selection are cleared."""
        rows = directory.filter(place_or_none(place), search or "")
        return table(rows, language), "" if rows else escape_markdown(translate(language, NOTHING_FOUND))

    def details(place: str, search: str, language: str, event: gr.SelectData) -> str:
        rows = directory.filter(place_or_none(place), search or "")
        row = event.index[0] if isinstance(event.index, (list, tuple)) else event.index
        return programme_details(rows[int(row)], directory, language) if 0 <= int(row) < len(rows) else ""

    with gr.Tab(N_("Programme"), id="programme") as tab:
        intro = gr.Markdown(INTRO)
        with gr.Row():
            place = gr.Dropdown(place_choices(GERMAN, places), value=ALL_PLACES, label=N_("Kreis oder Stadt"))
            search = gr.Textbox(label=N_("Suche"), placeholder=SEARCH_EXAMPLE, elem_id="programmsuche")
        rows = gr.Dataframe(
            value=table(directory.programmes, GERMAN),
            interactive=False,
            wrap=True,
            column_widths=COLUMN_WIDTHS,
            elem_id="programmtabelle",
            max_height=420,
        )
        shown = gr.Markdown(elem_id="programm", sanitize_html=True)

    relabel.label(tab, place, search)
    relabel.value(intro)
    relabel.placeholder(search)
    relabel.add(place, lambda lang: gr.update(choices=place_choices(lang, places)))
    for control in (place, search, language):
        control.change(filtered, [place, search, language], [rows, shown])
    rows.select(details, [place, search, language], shown).then(None, None, None, js=SHOW_DETAILS_JS)
