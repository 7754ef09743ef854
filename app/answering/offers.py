"""The answer to "where do I get help": the offers in the asked place, one line each (two for
an offer listed alone) with what they do, local ones first and then the statewide ones that
apply there; pure, like the extractive composer that calls it.

Each offer (a retrieved document) is shown with its sentence most similar to the whole message
among those that stand alone (and speak of what the asker seeks, if any does), so "Hilfe für
Eltern" shows what an offer does for parents and a baker asking for apprentices sees the line
for employers. When some offers' sentences speak of the need, only those are listed; they
are ordered by their sentence's similarity to the ask alone: a preamble about the asker's
shelter or children does not reorder "Welche Hilfe gibt es in Köln?" (measured in ``lotse
eval robustness``).
A sentence that speaks of the need may also point back ("Train of Hope: Beispiele für solche
Angebote sind … Angebote für LSBTIQ*-Geflüchtete"): the offer's name before it says what it
points at. A document about several places shows only a sentence naming the asked one.
An offer listed alone is shown with its next sentence as well, in document order: one line saying
whom the Servicestelle in Köln serves does not yet say what it does for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.answering.gates import is_statement, looks_back, stands_alone
from app.conversation import Query, speaks_of
from app.core import STATEWIDE, RetrievedChunk, names_place, without_source_note
from app.retrieval import Line, Page

MAX_OFFERS = 5
FILLED_UP_TO = 3
"""Statewide offers fill a list of fewer local ones up to this many lines; a longer local list
gets none (the asker in Dortmund wants Dortmund's offers, not the Land's programme again)."""


@dataclass(frozen=True)
class Offer:
    """A retrieved document offered as help, shown by one of its sentences: whether that
    sentence speaks of the asker's need, and its similarity to the ask."""

    chunk: RetrievedChunk
    line: Line
    fits_need: bool
    similarity: float
    next_line: Line | None = None
    """Its stand-alone sentence second most similar to the message, shown if the offer is listed alone."""


def shown_lines(page: Page, chunk_ids: set[str], query: Query, vector: np.ndarray, places: tuple[str, ...]) -> list[Line]:
    """The page's stand-alone sentences (in a retrieved chunk), most similar to the message first;
    on a page about several places, only sentences naming the asked place. Those that speak of
    what the asker seeks (a Kita place) come before the others, even if they point back when the
    need is a specific one (for a family's, "Dazu zählen Bildungspartnerschaften …" would be filler)."""
    retrieved = [line for line in page.lines if line.chunk_id in chunk_ids]
    place = query.place_filter
    if place and len(set(places) - {STATEWIDE}) > 1:
        retrieved = [line for line in retrieved if names_place(line.text, place)]
    full = is_statement if not all(need.broad for need in query.needs) else stands_alone
    speaks = [speaks_of(query.needs, line.text) and full(line.text) for line in retrieved]
    speaking = [line for line, said in zip(retrieved, speaks) if said]
    others = [line for line, said in zip(retrieved, speaks) if not said and stands_alone(line.text)]
    return [line for group in (speaking, others) for line in sorted(group, key=lambda line: -float(line.vector @ vector))]


def _said(offer: Offer) -> str:
    """What an offer's line says: its sentence, and for one pointing back also whose offers it means
    (Train of Hope's and VMDO's pages share "Beispiele für solche Angebote sind …")."""
    return offer_line(offer.chunk.title, offer.line.text) if looks_back(offer.line.text) else offer.line.text


def choose_offers(offers: list[Offer], place: str | None) -> list[Offer]:
    """Best first: offers in ``place``, then statewide ones (only to fill a list of fewer than
    ``FILLED_UP_TO`` local ones), ``MAX_OFFERS`` in all, each sentence once. When some offer's
    line speaks of the need, only those are listed (SOFRA's line for queer people is no answer
    to a mother, although its page names families elsewhere); without a place, statewide offers
    lead the rest (one city's office is no answer to "Wo bekomme ich Hilfe?")."""
    fitting = [o for o in offers if o.fits_need]
    ranked = sorted(
        fitting or offers,
        key=lambda o: (
            not place and STATEWIDE not in o.chunk.places,
            -o.similarity,
            len(o.chunk.places),  # equal sentences: the most specific page
        ),
    )
    local = [o for o in ranked if place and place in o.chunk.places]
    others = [o for o in ranked if o not in local]
    unique = {_said(o): o for o in reversed(local + others)}  # the first of equal sentences wins
    local, others = ([o for o in group if unique[_said(o)] is o] for group in (local, others))
    if local:
        others = [o for o in others if STATEWIDE in o.chunk.places][: max(FILLED_UP_TO - len(local), 0)]
    return (local + others)[:MAX_OFFERS]


def short_title(title: str) -> str:
    """A document's title without its bracketed addition: the name of what it is about
    ("GriffbereitMini (Dortmund)" -> "GriffbereitMini")."""
    return title.split(" (")[0].strip()


def offer_line(title: str, sentence: str) -> str:
    """ "Title: sentence", or the sentence alone when it already names the offer."""
    text = without_source_note(sentence)
    name = short_title(title)
    return text if not name or name.lower() in text.lower() else f"{name}: {text}"


def alone(offer: Offer, chunks: dict[str, RetrievedChunk]) -> list[tuple[RetrievedChunk, str, str]]:
    """A lone offer's lines: its sentence and the next one that stands alone, in document order,
    the first with the offer's name."""
    lines = [offer.line]
    if offer.next_line is not None and stands_alone(offer.next_line.text):
        lines = sorted([offer.line, offer.next_line], key=lambda line: line.order)
    first, *rest = lines
    return [
        (chunks[first.chunk_id], offer_line(offer.chunk.title, first.text), first.text),
        *((chunks[line.chunk_id], without_source_note(line.text), line.text) for line in rest),
    ]


def offers(
    query: Query, vector: np.ndarray, ask_vector: np.ndarray, chunks: list[RetrievedChunk], pages: list[Page]
) -> list[tuple[RetrievedChunk, str, str]]:
    """(chunk, shown line, quoted sentence) for each offer to list, best first (two for an offer
    listed alone); ``vector`` is the whole message's embedding, ``ask_vector`` the ask's."""
    by_chunk = {c.chunk_id: c for c in chunks}
    places = {c.doc_id: c.places for c in chunks}
    found = []
    for page in pages:
        lines = shown_lines(page, set(by_chunk), query, vector, places.get(page.doc_id, ()))
        if lines:
            line, fits = lines[0], speaks_of(query.needs, lines[0].text)
            after = lines[1] if len(lines) > 1 else None
            found.append(Offer(by_chunk[line.chunk_id], line, fits, float(line.vector @ ask_vector), after))
    chosen = choose_offers(found, query.place_filter)
    if len(chosen) == 1:
        return alone(chosen[0], by_chunk)
    return [(o.chunk, offer_line(o.chunk.title, o.line.text), o.line.text) for o in chosen]
