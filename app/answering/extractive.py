"""The default composer: extractive, offline, no LLM, and pure (all reads happened before).

The best-scored admissible sentences (``app.answering.evidence``) become a short German
answer with one [n] per sentence: full sentences that stand alone come first (no fragments
ever; sentences pointing back at an unseen one, or about a minister's visit, only when
nothing else answers; one pointing back at a shown sentence follows it); a definitional
question gets the defining sentence first. A question asking for offers gets one line per
offer (``app.answering.offers``). When no page has an answer it abstains and points to the
local Kommunales Integrationszentrum, citing the passage that says every Kreis and kreisfreie
Stadt has one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from app.answering.draft import Draft, Evidence
from app.answering.evidence import (
    Scored,
    admissible,
    at_the_asked_level,
    one_source_per_sentence,
    score_pages,
    unclear_place,
    unknown_to_the_evidence,
)
from app.answering.gates import is_fragment, is_labelled_detail, looks_back, stands_alone
from app.answering.near_miss import cited_referral, near_miss, referral_text
from app.answering.offers import offers, short_title
from app.answering.selector import SentenceSelector
from app.conversation import Glossary, Intent, Query
from app.core import (
    STATEWIDE,
    Citation,
    RetrievedChunk,
    addresses_an_ai,
    collapse_whitespace,
    source_note_year,
    stems,
    without_source_note,
)
from app.retrieval import Referral

ABSTAIN_TEXT = "Dazu finde ich in meinen Dokumenten keine verlässliche Antwort."
CURRENT_AFTER_YEARS = 1
"""A source from this year or the one before speaks for now; an older one's year is said ("Stand 2022")."""
DUPLICATE_OVERLAP = 0.6
_DEFINING_VERB = re.compile(r"^.{0,80}?\b(ist|sind|heißt|bezeichnet|versteht sich)\b")
_OPENING_QUOTES_AND_ARTICLES = re.compile(r"^[„\"'‚]?(?:(?:Das|Die|Der|Ein|Eine)\s+)?")


def _overlap(a: set[str], b: set[str]) -> float:
    """Share of the smaller stem set found in the other (1.0 = one says the other)."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


@dataclass(frozen=True)
class Thresholds:
    """The retrieval gate (see ``Settings``) and the answer length."""

    min_chunk_score: float
    max_sentences: int = 3


def select_sentences(scored: list[Scored], max_sentences: int) -> list[Scored]:
    """The best ``max_sentences``, leaving out sentences another one already says."""
    chosen: list[Scored] = []
    seen: list[set[str]] = []
    for s in scored:
        if len(chosen) == max_sentences:
            break
        terms = set(stems(without_source_note(s.text)))
        if any(_overlap(terms, other) >= DUPLICATE_OVERLAP for other in seen):
            continue
        seen.append(terms)
        chosen.append(s)
    return chosen


def defines(sentence: str, query: Query, glossary: Glossary, title: str) -> bool:
    """Whether a sentence defines what the query names: it opens with the programme's name
    (or its document's title) and says what it "ist" / "sind" / "heißt"."""
    text = _OPENING_QUOTES_AND_ARTICLES.sub("", without_source_note(sentence))
    if not _DEFINING_VERB.search(text):
        return False
    names = [p for name in query.programmes for p in glossary.programmes.patterns.get(name, [])]
    name = short_title(title)
    return any(p.match(text) for p in names) or bool(name and text.startswith(name))


def describes(chunk: RetrievedChunk, query: Query, glossary: Glossary) -> bool:
    """Whether the chunk belongs to the general description of the programme the query names
    (its title names the programme and no other place than the query does: the KI in
    general, not the KI Köln)."""
    other_places = set(glossary.places_in(chunk.title)) - set(query.places) - {STATEWIDE}
    return (
        chunk.kind == "programme" and bool(set(glossary.programmes_in(chunk.title)) & set(query.programmes)) and not other_places
    )


def about_the_asked_place(scored: Scored, asked: set[str]) -> bool:
    """Whether a sentence names an asked place, or names no place and comes from a local document
    about one (a statewide document's sentences hold for every place; one naming only the Land,
    "Migration und Integration werden in Nordrhein-Westfalen zusammen gedacht.", is about the Land)."""
    if scored.places:
        return bool(asked & scored.places)
    return STATEWIDE not in scored.chunk.places and bool(asked & set(scored.chunk.places))


def best_first(scored: list[Scored], query: Query, glossary: Glossary) -> list[Scored]:
    """No fragments (a contact line with the asked detail is not one); sentences that stand alone
    before the rest; for "Was ist …" a sentence about the asked place first ("Was macht das KI
    in Bonn?": what Bonn's does, before what every KI does), then a defining sentence, then the
    named programme's own description."""
    whole = [s for s in scored if not is_fragment(s.text) or is_labelled_detail(s.text, query.detail)]
    ordered = [s for s in whole if stands_alone(s.text)] or whole
    if query.intent is Intent.DEFINITION:
        asked = set(query.places) - {STATEWIDE}
        ordered = sorted(
            ordered,
            key=lambda s: (
                bool(asked) and not about_the_asked_place(s, asked),
                not defines(s.text, query, glossary, s.chunk.title),
                not describes(s.chunk, query, glossary),
            ),
        )
    return ordered


def with_follow_ups(chosen: list[Scored], scored: list[Scored], max_sentences: int) -> list[Scored]:
    """Add a sentence that points back ("Beispiele für solche Angebote …") right after the
    sentence it points at, when that one is shown and it outscores the weakest other one."""
    result = list(chosen)
    for s in scored:
        antecedent = next((c for c in result if s.follows(c)), None)
        if antecedent is None or s in result or not looks_back(s.text) or is_fragment(s.text):
            continue
        if len(result) >= max_sentences:
            weakest = min((c for c in result if c is not antecedent), key=lambda c: c.score, default=None)
            if weakest is None or weakest.score >= s.score:
                continue
            result.remove(weakest)
        result.insert(result.index(antecedent) + 1, s)
    return result


def shown(sentence: Scored, query: Query) -> str:
    """How a sentence appears in the answer: as it stands, or a contact line ("Telefon: …") with
    the name of what it belongs to, its document's title ("Welcome Center Dortmund-Nordstadt, Telefon: …")."""
    text = without_source_note(sentence.text)
    name = short_title(sentence.chunk.title)
    return f"{name}, {text}" if name and is_labelled_detail(text, query.detail) else text


@dataclass(frozen=True)
class ExtractiveComposer:
    """Selects evidence sentences; see the module docstring."""

    thresholds: Thresholds
    selector: SentenceSelector
    glossary: Glossary
    current_year: int = field(default_factory=lambda: date.today().year)

    def abstain(self, referral: Referral | None, place: str | None = None) -> Draft:
        """The German "no answer" with the cited referral to the KI (of ``place``, if known)."""
        if referral is None:
            return Draft(
                answer=f"{ABSTAIN_TEXT} Bitte wenden Sie sich an das Kommunale Integrationszentrum vor Ort.",
                citations=[],
                abstained=True,
            )
        referred = cited_referral(referral, 1, local=True)
        answer = f"{ABSTAIN_TEXT} {referral_text(place, self.glossary, 'bitte')} {referred.text}"
        return Draft(answer=answer, citations=referred.citations, abstained=True, extra=referred.chunks)

    def compose(self, evidence: Evidence) -> Draft:
        """A cited extractive answer, or the abstention when the evidence is weak."""
        query, retrieved = evidence.query, evidence.retrieval.chunks
        # Offers in the asked place are listed even if the question also uses words the documents
        # lack ("Jobsuche", "Syrien"); anything else with such a word cannot be answered from them
        # (nor can a need in a place whose own offers the documents do not have: housing in Essen),
        # unless a retrieved chunk has it at the end of a compound ("Stück": "Musiktheaterstück").
        local_offers = query.wants_offers and any(query.place_filter in r.places for r in retrieved if query.place_filter)
        unknown_matters = bool(unknown_to_the_evidence(query, retrieved)) and not local_offers
        weak = not retrieved or max(r.score for r in retrieved) < self.thresholds.min_chunk_score
        if weak or unknown_matters or query.says_nothing or query.unrelated:
            return self.decline(evidence)
        scored: list[Scored] | None = None  # every sentence of the retrieved pages, scored once
        if query.wants_offers:
            lines = offers(query, evidence.retrieval.vector, evidence.retrieval.ask_vector, retrieved, evidence.pages)
            lines = self.with_the_local_ki(lines, query, evidence.referral)
            separator = "\n"
        else:
            scored = score_pages(evidence.retrieval.ask, evidence.retrieval.ask_vector, evidence.pages, retrieved, self.selector)
            unclear = unclear_place(query, retrieved, self.glossary)  # then only statewide documents may answer
            admitted = one_source_per_sentence(
                at_the_asked_level(
                    query, [s for s in scored if admissible(s, query) and (not unclear or STATEWIDE in s.chunk.places)]
                ),
                retrieved,
            )
            chosen = select_sentences(best_first(admitted, query, self.glossary), self.thresholds.max_sentences)
            chosen = with_follow_ups(chosen, admitted, self.thresholds.max_sentences)
            lines = [(s.chunk, shown(s, query), s.text) for s in chosen]
            separator = " "
        if not lines:
            return self.decline(evidence, scored)
        beyond = list({chunk.chunk_id: chunk for chunk, _, _ in lines if chunk not in retrieved}.values())  # the referral's
        return replace(_cited(dated(lines, self.current_year), separator), extra=beyond)

    def with_the_local_ki(
        self, lines: list[tuple[RetrievedChunk, str, str]], query: Query, referral: Referral | None
    ) -> list[tuple[RetrievedChunk, str, str]]:
        """A list of offers for a place in NRW whose own offers the documents lack (every line is
        from a statewide document) opens with that place's KI, as the abstention would send the
        asker there: "Wo gehe ich in Hagen zuerst hin?" is not answered with a statewide
        programme's final report alone."""
        place = query.place_filter
        if not lines or referral is None or not place or place == STATEWIDE or query.land != STATEWIDE:
            return lines
        if any(place in chunk.places for chunk, _, _ in lines):
            return lines
        lead = f"{referral_text(place, self.glossary, 'zuerst')} {without_source_note(referral.passage)}"
        return [(referral.chunk, lead, referral.passage), *lines]

    def decline(self, evidence: Evidence, scored: list[Scored] | None = None) -> Draft:
        """No answer: the question back when the asked detail differs by place and the question names
        none, else the near-miss answer when the question asks for a detail of something the
        documents talk about (see ``near_miss``; ``scored`` if the pages were scored already),
        else the abstention with the referral."""
        unclear = unclear_place(evidence.query, evidence.retrieval.chunks, self.glossary)
        if unclear:
            return which_place(unclear, self.glossary)
        return near_miss(evidence, self.selector, self.glossary, scored) or self.abstain(
            evidence.referral, evidence.query.place_filter
        )


def source_year(chunk: RetrievedChunk, quote: str) -> int | None:
    """The year a quoted sentence speaks from: its source note's (a programme description's
    sentences each name their press release), else its document's date; None if undated."""
    year = source_note_year(quote)
    return year if year is not None else int(chunk.date[:4]) if chunk.date and chunk.date[:4].isdigit() else None


def dated(lines: list[tuple[RetrievedChunk, str, str]], current_year: int) -> list[tuple[RetrievedChunk, str, str]]:
    """(chunk, shown text, quote) with "(Stand 2018)" in the shown text of the first line from an old
    source, so an outdated figure never looks current."""
    said: set[tuple[str, int]] = set()
    result = []
    for chunk, shown, quote in lines:
        year = source_year(chunk, quote)
        if year is not None and year < current_year - CURRENT_AFTER_YEARS and (chunk.doc_id, year) not in said:
            said.add((chunk.doc_id, year))
            shown = re.sub(r"([.!?:;]?)$", rf" (Stand {year})\1", shown, count=1)
        result.append((chunk, shown, quote))
    return result


def which_place(places: list[str], glossary: Glossary) -> Draft:
    """No answer but a question back: the documents give this detail for several places."""
    named = ", ".join(f"Stadt {p}" if p in glossary.places.cities else p for p in places)
    return Draft(
        answer=f"Ihre Frage nennt keinen Ort, und meine Dokumente nennen das für mehrere Orte: {named}. "
        "Für welchen Ort möchten Sie es wissen?",
        citations=[],
        abstained=True,
    )


def spanning(text: str, first: str, second: str) -> str:
    """The verbatim passage of ``text`` (whitespace collapsed) from the earlier to the end of
    the later of two quotes it holds."""
    text = collapse_whitespace(text)
    spans = [(text.find(q), text.find(q) + len(q)) for q in (collapse_whitespace(first), collapse_whitespace(second))]
    return text[min(s for s, _ in spans) : max(e for _, e in spans)]


def _cited(lines: list[tuple[RetrievedChunk, str, str]], separator: str) -> Draft:
    """(chunk, shown text, verbatim quote) -> the answer with an [n] after each line; a list of
    offers has one line per sentence (``separator`` "\\n"). Sentences from the same chunk share one
    source, whose quote is the passage spanning them, unless that passage would take in a
    sentence that gives orders to an AI (never evidence): then the sentence gets its own source."""
    pieces: list[str] = []
    citations: list[Citation] = []
    latest: dict[str, int] = {}  # chunk id -> its last citation's position
    for chunk, shown, quote in lines:
        at = latest.get(chunk.chunk_id)
        merged = spanning(chunk.text, citations[at].quote, quote) if at is not None else ""
        if at is not None and not addresses_an_ai(merged):  # each quote is clean: an order can only lie between them
            citations[at] = replace(citations[at], quote=merged)
        else:
            at = latest[chunk.chunk_id] = len(citations)
            citations.append(Citation.of(at + 1, chunk, quote))
        pieces.append(f"{separator if pieces else ''}{shown} [{citations[at].n}]")
    return Draft(answer="".join(pieces), citations=citations, abstained=False, pieces=tuple(pieces))
