"""Evidence scoring, pure: the selector reads each retrieved document whole (one page, in
document order, as in training) and scores its sentences; only sentences of retrieved chunks
can become evidence, and the gates decide which of them can answer the understood query."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from app.answering.gates import evidence_fits, is_answer_sentence, is_labelled_detail, is_place_bound
from app.answering.selector import SentenceSelector
from app.conversation import Glossary, Intent, Query
from app.core import STATEWIDE, RetrievedChunk, collapse_whitespace, stems, without_source_note
from app.retrieval import REFERRAL_PROGRAMME, Page


@dataclass(frozen=True)
class Scored:
    """A sentence of a retrieved chunk with its selector score."""

    score: float
    text: str
    chunk: RetrievedChunk
    answered: bool  # the selector found an answer on this sentence's page
    position: int = 0  # the sentence's place on its page
    entities: frozenset[str] = frozenset()
    """Programmes and places the sentence and its document's title name (tagged at ingest)."""
    places: frozenset[str] = frozenset()
    """The places the sentence itself names, the whole Land included (tagged at ingest)."""

    def follows(self, other: Scored) -> bool:
        """Whether this sentence comes right after ``other`` in the same document."""
        return self.chunk.doc_id == other.chunk.doc_id and self.position == other.position + 1


def score_pages(
    question: str, vector: np.ndarray, pages: list[Page], retrieved: list[RetrievedChunk], selector: SentenceSelector
) -> list[Scored]:
    """The sentences of the retrieved chunks with their selector scores, best first."""
    by_id = {r.chunk_id: r for r in retrieved}
    scored: list[Scored] = []
    for page in pages:
        scores = selector.scores(question, vector, page.vectors, page.texts)
        answered = bool(selector.choose(scores))
        scored += [
            Scored(float(score), line.text, by_id[line.chunk_id], answered, position, line.entities, line.places)
            for position, (score, line) in enumerate(zip(scores, page.lines))
            if line.chunk_id in by_id
        ]
    return sorted(scored, key=lambda s: -s.score)


def unknown_to_the_evidence(query: Query, retrieved: list[RetrievedChunk]) -> list[str]:
    """The query's unknown terms that no retrieved chunk uses as the last part of a compound: the
    corpus never says "Stück" alone, but a chunk about the "Musiktheaterstück" knows the thing."""
    return [
        term
        for term in query.unknown_terms
        if not any(re.search(rf"\w{re.escape(term)}\b", chunk.text, re.IGNORECASE) for chunk in retrieved)
    ]


Gist = tuple[frozenset[str], frozenset[str]]
"""A sentence's stems and its numbers."""
RESTATED = 0.85
"""Two sentences say the same when each has at least this share of the other's stems (and the
same numbers): a programme description rephrasing its press release, two pages quoting one."""


def _gist(text: str) -> Gist:
    """A sentence's stems and its numbers, without the source note."""
    found = stems(without_source_note(text))
    return frozenset(found), frozenset(w for w in found if w.isdigit())


def _same_statement(a: Gist, b: Gist) -> bool:
    (a_stems, a_numbers), (b_stems, b_numbers) = a, b
    return a_numbers == b_numbers and len(a_stems & b_stems) >= RESTATED * max(len(a_stems), len(b_stems), 1)


def one_source_per_sentence(scored: list[Scored], retrieved: list[RetrievedChunk]) -> list[Scored]:
    """A statement that several documents share (a programme description quotes or rephrases
    its press release) once, cited from the copy retrieval ranked highest: which copy the
    selector happens to score higher flips with a typo or a greeting, the document retrieval
    finds most relevant does much less."""
    rank = {r.chunk_id: i for i, r in enumerate(retrieved)}
    groups: list[tuple[Gist, list[Scored]]] = []
    for s in scored:
        gist = _gist(s.text)
        group = next((copies for first, copies in groups if _same_statement(first, gist)), None)
        if group is None:
            groups.append((gist, [s]))
        else:
            group.append(s)
    kept = [_cited_copy(group, rank) for _, group in groups]
    return sorted(kept, key=lambda s: -s.score)


def _cited_copy(copies: list[Scored], rank: dict[str, int]) -> Scored:
    """The copy from the chunk retrieval ranked highest, with the best score its word-for-word
    copies got (a rephrasing's score is its own: a label like "KOMM-AN NRW gibt es seit 2015:"
    raised it for reasons the cited copy does not share)."""
    cited = min(copies, key=lambda s: rank[s.chunk.chunk_id])
    same = _words(cited.text)
    return replace(cited, score=max(s.score for s in copies if _words(s.text) == same))


def _words(text: str) -> str:
    return collapse_whitespace(without_source_note(text))


def names_what_is_asked(query: Query, named: set[str], anywhere: bool = False) -> bool:
    """Whether a sentence (with its document's title and places) names one of the places the query names
    and one of its programmes: a sentence about the Welcome Center in Detmold does not answer
    a question about the one in Bielefeld, however much it is about a Welcome Center. With
    ``anywhere`` (``holds_everywhere``) the places need not be named."""
    places, programmes = set() if anywhere else set(query.places) - {STATEWIDE}, set(query.programmes)
    return (not places or bool(places & named)) and (not programmes or bool(programmes & named))


def holds_everywhere(query: Query, scored: Scored) -> bool:
    """Whether the Land's own description answers the query wherever the asker lives: what a
    programme of the Land is ("Meine Beraterin in Münster hat von KIM erzählt. Was ist das?"),
    and, for the Kommunale Integrationszentren, which the documents say every Kreis and kreisfreie
    Stadt has (the referral passage), whether there is one ("Gibt es in Hamm ein Kommunales
    Integrationszentrum?"), from a sentence naming no other place. Not for other programmes (the
    Land funding Integrationsagenturen does not put one in every town), nor for a detail that
    differs by place (its phone number, its budget there)."""
    local = scored.entities & set(scored.chunk.places) - {STATEWIDE}
    everywhere = query.intent is Intent.SERVICE and REFERRAL_PROGRAMME in query.programmes and not local
    return (
        bool(query.programmes)
        and STATEWIDE in scored.chunk.places
        and (query.intent is Intent.DEFINITION or everywhere)
        and not is_place_bound(query.detail)
    )


def at_the_asked_level(query: Query, admitted: list[Scored]) -> list[Scored]:
    """The admitted sentences that may answer at the query's level. A question about the whole
    Land (it names NRW and no place in it) is answered from documents about the whole Land: one
    Kreis's figure is not the Land's. Only when they give nothing may a detail it asks for come
    from a sentence that names the Land and no place in it ("Rund ein Drittel der Menschen in
    Nordrhein-Westfalen hat eine Einwanderungsgeschichte." in a press release about Dortmund);
    without a detail such sentences are mostly a release's praise of the Land."""
    if STATEWIDE not in query.places or set(query.places) - {STATEWIDE}:
        return admitted
    statewide = [s for s in admitted if STATEWIDE in s.chunk.places]
    if statewide or query.detail == "none":
        return statewide
    return [s for s in admitted if s.places == {STATEWIDE}]


def unclear_place(query: Query, retrieved: list[RetrievedChunk], glossary: Glossary) -> list[str]:
    """The places whose local documents answer a question that asks for a place-bound detail
    but names no place ("telefonnummer welcome center"), when they are more than one: any one
    of them would be a guess. Only documents naming the question's programme count, if it names
    one (the Welcome Office is Bochum's alone). Empty when the place is clear."""
    if query.places or query.place_filter or not is_place_bound(query.detail):
        return []
    wanted = set(query.programmes)
    relevant = [
        c
        for c in retrieved
        if STATEWIDE not in c.places and (not wanted or wanted & set(glossary.programmes_in(f"{c.title} {c.text}")))
    ]
    places = list(dict.fromkeys(p for c in relevant for p in c.places))
    return places if len(places) > 1 else []


def names_a_place(scored: Scored) -> bool:
    """Whether the sentence (or its document's title) names a place of its chunk: then it is
    about that place, whatever else the chunk names ("Der Kreis Minden-Lübbecke setzt …" in a
    press release that also speaks of Kleve answers nothing about Kleve)."""
    return bool(scored.entities & set(scored.chunk.places))


def named_by(scored: Scored) -> set[str]:
    """The programmes and places a sentence is about. A sentence naming places itself is about
    those, not about the other places its document's title names ("Im Kommunalen
    Integrationszentrum der Stadt Bonn …" in "Kommunale Integrationszentren in Bonn, im Kreis
    Minden-Lübbecke und in Solingen" says nothing about Minden-Lübbecke); one naming none is
    about its title's places, or else its chunk's."""
    own = scored.places - {STATEWIDE}
    if own:
        return set(scored.entities) - set(scored.chunk.places) | own
    return set(scored.entities) | (set() if names_a_place(scored) else set(scored.chunk.places) - {STATEWIDE})


def admissible(scored: Scored, query: Query) -> bool:
    """Whether a scored sentence may answer the query: the selector found an answer on its
    page (German questions only: the selector learned its no-answer decision from German
    questions; other languages rely on the retrieval gate and these gates, as measured in
    the NRW suite), it is a full sentence (or a contact line labelled with the asked detail:
    "Telefon: …"), names what the question names, and fits the
    expected answer type and years. A question naming several programmes or places may be
    answered sentence by sentence: each sentence must name one of them."""
    named = named_by(scored)
    full_or_labelled = is_answer_sentence(scored.text) or is_labelled_detail(scored.text, query.detail)
    return (
        (scored.answered or not query.german)
        and full_or_labelled
        and names_what_is_asked(query, named, holds_everywhere(query, scored))
        and evidence_fits(query.ask, without_source_note(scored.text), query.detail)
    )
