"""The answer to "where do I get help": the offers in the asked place, one line each with what
they do, local ones first and then the statewide ones that apply there; pure, like the
extractive composer that calls it."""

from __future__ import annotations

from app.answering.gates import is_answer_sentence, is_fragment, stands_alone
from app.conversation import Query
from app.core import STATEWIDE, RetrievedChunk, without_source_note
from app.retrieval import Line, Page

MAX_OFFERS = 5
MAX_STATEWIDE = 2


def offer_order(chunks: list[RetrievedChunk], place: str | None) -> list[RetrievedChunk]:
    """One chunk per document (its most similar), best first: offers in ``place`` before statewide ones (at most
    ``MAX_STATEWIDE`` of those when there are local ones), ``MAX_OFFERS`` in all."""
    best: dict[str, RetrievedChunk] = {}
    for c in chunks:
        if c.doc_id not in best or c.score > best[c.doc_id].score:
            best[c.doc_id] = c
    firsts = sorted(best.values(), key=lambda c: -c.score)  # the offer most similar to the question first
    local = [c for c in firsts if place and place in c.places]
    others = [c for c in firsts if c not in local]
    if local:
        others = [c for c in others if STATEWIDE in c.places][:MAX_STATEWIDE]
    return (local + others)[:MAX_OFFERS]


def what_it_does(page: Page, chunk_ids: set[str], place: str | None, page_places: tuple[str, ...] = ()) -> Line | None:
    """The first sentence of the document (in the retrieved chunks) that says what the offer
    is or does and stands alone, one naming the place first; else the first full sentence;
    None if there is none."""
    lines = [line for line in page.lines if line.chunk_id in chunk_ids]
    usable = [line for line in lines if is_answer_sentence(line.text) and not is_fragment(line.text)]
    alone = [line for line in usable if stands_alone(line.text)]
    here = [line for line in alone if place and place.split()[-1] in line.text]
    if place and len(set(page_places) - {STATEWIDE}) > 1:
        return next(iter(here), None)  # a page about several places: only what it says about this one
    return next(iter(here + alone + usable), None)


def offer_line(title: str, sentence: str) -> str:
    """"Title: sentence", or the sentence alone when it already names the offer."""
    text = without_source_note(sentence)
    name = title.split(" (")[0].strip()
    return text if not name or name.lower() in text.lower() else f"{name}: {text}"


def offers(query: Query, chunks: list[RetrievedChunk], pages: list[Page]) -> list[tuple[RetrievedChunk, str]]:
    """(chunk, quoted sentence) for each offer to list, best first."""
    by_doc = {page.doc_id: page for page in pages}
    by_chunk = {c.chunk_id: c for c in chunks}
    found: dict[str, RetrievedChunk] = {}  # quoted sentence -> its chunk; a sentence is listed once
    for first in offer_order(chunks, query.place_filter):
        page = by_doc.get(first.doc_id)
        line = what_it_does(page, set(by_chunk), query.place_filter, first.places) if page is not None else None
        if line is not None and line.text not in found:
            found[line.text] = by_chunk[line.chunk_id]
    return [(chunk, sentence) for sentence, chunk in found.items()]
