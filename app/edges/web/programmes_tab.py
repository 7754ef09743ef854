"""The programme tab for counsellors: a filterable table of the programme descriptions;
selecting a row shows the description with the press releases behind it."""

from __future__ import annotations

import html

import gradio as gr

from app.edges.programmes import FIELDS, Programme, ProgrammeDirectory
from app.edges.web.chat import ALL_PLACES, place_or_none


def programme_details(programme: Programme, titles: dict[str, str]) -> str:
    """A programme's description and sources as escaped HTML."""
    sources = "".join(f"<li>{html.escape(titles.get(s, s))}</li>" for s in programme.sources)
    body = "".join(f"<p>{html.escape(line)}</p>" for line in programme.body.splitlines() if line.strip())
    return f"<h3>{html.escape(programme.name)}</h3>{body}<h4>Quellen (Pressemitteilungen)</h4><ul>{sources}</ul>"


def programmes_tab(directory: ProgrammeDirectory, places: list[str]) -> None:
    """The "Programme" tab, inside an open ``gr.Blocks``."""

    def table_rows(place: str, search: str) -> list[list[str]]:
        return [p.row() for p in directory.filter(place_or_none(place), search or "")]

    def details(place: str, search: str, event: gr.SelectData) -> str:
        rows = directory.filter(place_or_none(place), search or "")
        row = event.index[0] if isinstance(event.index, (list, tuple)) else event.index
        return programme_details(rows[int(row)], directory.titles) if 0 <= int(row) < len(rows) else ""

    with gr.Tab("Programme"):
        gr.Markdown("Alle Programmbeschreibungen. Filter nach Kreis oder Stadt; eine Zeile wählen zeigt die Beschreibung mit Quellen.")
        with gr.Row():
            place = gr.Dropdown(places, value=ALL_PLACES, label="Kreis oder Stadt")
            search = gr.Textbox(label="Suche", placeholder="z. B. Eltern")
        table = gr.Dataframe(value=[p.row() for p in directory.programmes], headers=list(FIELDS), interactive=False, wrap=True)
        shown = gr.HTML()
    place.change(table_rows, [place, search], table)
    search.change(table_rows, [place, search], table)
    table.select(details, [place, search], shown)
