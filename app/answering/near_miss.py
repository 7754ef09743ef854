"""Near-miss answers: the documents talk about what the question names, but not about the
asked detail (a phone number, opening hours, an age, an amount, a date, who leads it, how long
it takes, which documents are needed).

Instead of a bare abstention Lotse says, in German, which detail its documents do not give,
quotes the best sentence they do have about the thing, and cites where to ask. Every quote is
a verbatim sentence of a retrieved chunk or the referral passage; nothing is invented.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from app.answering.draft import Draft, Evidence
from app.answering.evidence import Scored, score_pages
from app.answering.gates import DETAILS, is_answer_sentence, is_fragment
from app.answering.selector import SentenceSelector
from app.conversation import Glossary, Query
from app.core import FUNCTION_WORDS, STATEWIDE, Citation, RetrievedChunk, without_source_note
from app.retrieval import Referral


def referral_text(place: str | None, glossary: Glossary, word: str = "dazu") -> str:
    """ "Fragen Sie <word> beim Kommunalen Integrationszentrum …": the asker's own when the
    question or the filter names a place in NRW, else "Ihres Kreises oder Ihrer kreisfreien Stadt"."""
    office = glossary.places.genitive(place) if place and place != STATEWIDE else "Ihres Kreises oder Ihrer kreisfreien Stadt"
    return f"Fragen Sie {word} beim Kommunalen Integrationszentrum {office} nach:"


class CitedReferral(NamedTuple):
    """The referral as it is appended to an answer: its text with the ``[n]`` marks, the
    citations and the chunks they quote."""

    text: str
    citations: list[Citation]
    chunks: list[RetrievedChunk]


def cited_referral(referral: Referral, first: int, *, local: bool) -> CitedReferral:
    """The referral's passage, cited as ``[first]``, and with ``local`` its sentence about the
    asked place's own KI if the documents have one, cited as ``[first + 1]``."""
    quoted = [referral] + ([referral.local] if local and referral.local else [])
    return CitedReferral(
        " ".join(f"{without_source_note(q.passage)} [{first + i}]" for i, q in enumerate(quoted)),
        [Citation.of(first + i, q.chunk, q.passage) for i, q in enumerate(quoted)],
        [q.chunk for q in quoted],
    )


_CAPITALISED_RUN = re.compile(r"(?:\b[A-ZÄÖÜ][\w.-]*[?!.,]?(?:\s+|$)){2,}")


def named_things(query: Query) -> list[str]:
    """What the question names: its programmes and places, else a run of capitalised words
    that is not the sentence's first word ("Ministerin Josefine Paul" -> "Josefine Paul")."""
    if query.entities:
        return sorted(query.entities)
    body = query.ask.split(maxsplit=1)[1] if " " in query.ask else ""
    runs = [m.group(0).strip(" ?.!") for m in _CAPITALISED_RUN.finditer(body)]
    names = []
    for run in runs:
        tokens = [t for t in run.split() if t.lower() not in FUNCTION_WORDS]
        if len(tokens) >= 2:
            names.append(" ".join(tokens[-2:]))  # drops titles such as "Ministerin"
    return names


def about(things: list[str], query: Query, glossary: Glossary) -> str:
    """How the answer opens on what the question names: "Zu" the programme (or name), with the
    place unless the programme's name already holds it ("Zu Welcome Center Kreis Kleve", "Zu
    Kommunale Integrationszentren in Bonn", "Zum Kreis Viersen")."""
    named = [t for t in things if t not in query.places]
    places = [p for p in query.places if p in things and not any(p in n for n in named)]
    if not named:
        return " und ".join(glossary.places.dative(p, "Zu") if n == 0 else p for n, p in enumerate(places))
    return "Zu " + " und ".join(named) + (" " + " und ".join(glossary.places.dative(p, "in") for p in places) if places else "")


def _names_all(sentence: Scored, things: list[str]) -> bool:
    text = f"{sentence.text} {sentence.chunk.title}"
    return all(thing in sentence.entities or thing in text for thing in things)


def about_the_thing(scored: list[Scored], things: list[str]) -> Scored | None:
    """The best full sentence of the retrieved documents (``scored``, best first) that names
    everything the question names."""
    return next((s for s in scored if _names_all(s, things) and is_answer_sentence(s.text) and not is_fragment(s.text)), None)


def near_miss(
    evidence: Evidence, selector: SentenceSelector, glossary: Glossary, scored: list[Scored] | None = None
) -> Draft | None:
    """The near-miss answer, or None when the question asks for no known detail, names
    nothing, or the documents say nothing about what it names. ``scored``: the retrieved
    pages' sentences if the composer scored them already (else they are scored here)."""
    detail, things = DETAILS.get(evidence.query.detail), named_things(evidence.query)
    if detail is None or not things or evidence.referral is None:
        return None
    if scored is None:
        retrieval = evidence.retrieval
        scored = score_pages(retrieval.ask, retrieval.ask_vector, evidence.pages, retrieval.chunks, selector)
    # a sentence that carries such a detail would contradict "nennen meine Dokumente keine Zahl"
    silent = [s for s in scored if not detail.evidence.search(without_source_note(s.text))]
    sentence = about_the_thing(silent, things)
    if sentence is None:
        return None
    shown = without_source_note(sentence.text)
    # one sentence about the thing asked for is enough: often it is the place's KI itself
    referred = cited_referral(evidence.referral, 2, local=False)
    answer = (
        f"{about(things, evidence.query, glossary)} nennen meine Dokumente {detail.missing}. Was sie darüber sagen: {shown} [1] "
        f"{referral_text(evidence.query.place_filter, glossary)} {referred.text}"
    )
    citations = [Citation.of(1, sentence.chunk, sentence.text), *referred.citations]
    return Draft(answer=answer, citations=citations, abstained=True, extra=referred.chunks)
