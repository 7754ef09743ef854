"""Understand a user's turn once: a small immutable ``Query`` that retrieval and the
composers read, instead of each asking the glossary and the gates piece by piece.

- language: is the turn German (Latin script, more German than English function words)?
- places and programmes the turn names (glossary);
- the kind of answer it asks for, if one we can check (number, year, money, contact);
- capitalised content words of a German turn that the corpus never uses ("Bürgergeld");
- the standalone text to retrieve with (a follow-up completed with the previous turn).
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from app.conversation.followup import is_elliptical, resolve_followup
from app.conversation.glossary import Glossary
from app.core import GENERIC_QUESTION_NOUNS, STATEWIDE, is_german, question_language, stems, words

_CAPITALISED = re.compile(r"(?<![\w-])([A-ZÄÖÜ][\w*-]{3,})")
_SENTENCE_START = re.compile(r"(?<=[.!?])\s+")


class Intent(Enum):
    """What a newcomer or counsellor wants; each gets its own answer shape."""

    HELP = "help"  # "Wo bekomme ich Hilfe …", "Wer hilft mir …", "An wen wende ich mich …"
    DEFINITION = "definition"  # "Was ist …", "Was macht …"
    SERVICE = "service"  # "Gibt es … in …", "Welche Angebote gibt es in …"
    FACT = "fact"  # everything else: "Wie viele …", "Seit wann …"


_INTENT_CUES: list[tuple[Intent, re.Pattern[str]]] = [
    (Intent.HELP, re.compile(
        r"\b(hilfe|unterstützung|berat|berät|hilft|helfen|unterstützt|wende ich mich|an wen|ich brauche|ich bin neu|anlaufstelle"
        r"|wohin|wo muss ich hin|wo gehe ich hin"
        r"|help|support|advice|who can i|where can i go|i am new|i'm new"
        r"|допомог|підтримк|куди звернутися|помощ|помог|поддержк|куда обратиться"
        r"|مساعدة|يساعد|دعم|أين أجد|yardım|destek|kime başvur)", re.I)),
    (Intent.DEFINITION, re.compile(
        r"^(was (ist|sind|bedeutet|heißt|macht|machen|bietet|versteht man unter)\b|erkläre?n? (mir )?|"
        r"what (is|are|does|do)\b|what's\b|що (таке|це|робить|роблять)\b|что (такое|это|делает|делают)\b|"
        r"ما (هو|هي|هى|معنى)|ماذا (يفعل|تفعل|يقدم|تقدم))"
        r"|\b(nedir|ne demek|ne yapar|ne yapıyor)\b", re.I)),
    (Intent.SERVICE, re.compile(
        r"^(gibt es|existiert|is there|are there|чи є|есть ли|هل (يوجد|توجد|هناك))\b|\bvar mı\b"
        r"|^welche (angebote|programme|vereine|projekte|stellen)\b.*\bgibt es\b|^which (offers|services|programmes|programs)\b"
        r"|^what (offers|services|programmes|programs)\b|^які (є|пропозиції|послуги)\b|^какие (есть|предложения|услуги)\b"
        r"|^ما هي (الخدمات|العروض|البرامج)|\bhangi (hizmet|program|teklif)", re.I)),
]


def question_intent(text: str, answer_type: AnswerType | None) -> Intent:
    """The intent of a question; one that asks for a number, year, amount or contact is a fact question."""
    if answer_type is not None:
        return Intent.FACT
    return next((intent for intent, cue in _INTENT_CUES if cue.search(text)), Intent.FACT)


class AnswerType(Enum):
    MONEY = "money"
    NUMBER = "number"
    YEAR = "year"
    CONTACT = "contact"


_TYPE_CUES: list[tuple[AnswerType, re.Pattern[str]]] = [
    (AnswerType.CONTACT, re.compile(r"telefon|e-mail|adresse|öffnungszeit|sprechzeit|website|webseite|internetseite|phone|address|opening hours", re.I)),
    (AnswerType.YEAR, re.compile(r"\b(seit wann|wann|in welchem jahr|ab wann|when|since when|коли|متى|ne zaman)\b", re.I)),
    (AnswerType.MONEY, re.compile(r"wie ?viel (geld|euro)|wie hoch (ist|war|sind|waren) die (förderung|mittel|summe)|how much money|скільки грошей|كم من المال|ne kadar para", re.I)),
    (AnswerType.NUMBER, re.compile(r"\b(wie ?viele?|wieviele?|wie hoch|how many|how much|скільки|كم|kaç)\b", re.I)),
]


def unknown_terms(question: str, vocabulary: Container[str]) -> list[str]:
    """Capitalised content words of a German question whose stems ``vocabulary`` (the
    corpus and glossary) never uses. A sentence's first word is skipped (capitalised anyway), and so
    are generic nouns such as "Themen" that name nothing the documents could lack."""
    if not is_german(question):
        return []
    openers = {words(s)[0] for s in _SENTENCE_START.split(question) if words(s)}
    unknown = []
    for word in _CAPITALISED.findall(question):
        if words(word)[:1][0] in openers or word.lower() in GENERIC_QUESTION_NOUNS:
            continue
        word_stems = stems(word)
        if word_stems and not all(s in vocabulary for s in word_stems):
            unknown.append(word)
    return unknown


def expected_answer_type(question: str) -> AnswerType | None:
    """What kind of answer the question asks for, if it is one we can check."""
    return next((kind for kind, cue in _TYPE_CUES if cue.search(question)), None)


@dataclass(frozen=True)
class Vocabulary:
    """The stems the corpus and the glossary use (for ``unknown_terms``). The corpus side is
    any container of stems, e.g. the BM25 index searched on disk, so nothing is loaded."""

    corpus: Container[str]
    extra: frozenset[str]

    @classmethod
    def of(cls, corpus: Container[str], glossary: Glossary, also: Iterable[str] = ()) -> Vocabulary:
        """``corpus`` plus every stem of the glossary's terms and the stems in ``also``."""
        terms = [*glossary.abbreviations, *glossary.abbreviations.values(), *(t for g in glossary.synonyms for t in g)]
        terms += [*glossary.places.patterns, *glossary.programmes.patterns]
        return cls(corpus, frozenset({s for text in terms for s in stems(text)} | set(also)))

    def __contains__(self, stem: object) -> bool:
        return stem in self.extra or stem in self.corpus


class Condenser(Protocol):
    """Rewrites an elliptical follow-up as a standalone question (e.g. with an LLM)."""

    def condense(self, previous: str, turn: str) -> str | None:
        """The standalone question, or None to fall back to the rules."""
        ...


@dataclass(frozen=True)
class Query:
    """A user's turn, understood once. ``turn`` is what the user typed (the gates judge it,
    the answer repeats it); ``text`` is what is retrieved with."""

    turn: str
    text: str
    german: bool
    places: tuple[str, ...]
    programmes: tuple[str, ...]
    answer_type: AnswerType | None
    unknown_terms: tuple[str, ...]
    place_filter: str | None = None
    intent: Intent = Intent.FACT
    land: str = STATEWIDE
    """Whose documents answer: NRW's, unless the question names a place in another Land only."""
    language: str | None = None
    """The interface language the turn is written in (``question_language``); None when unclear."""

    @property
    def wants_offers(self) -> bool:
        """Help-seeking, or a service lookup in a place, that names no programme: the answer lists offers."""
        wanted = self.intent is Intent.HELP or (self.intent is Intent.SERVICE and self.place_filter is not None)
        return wanted and not self.programmes

    @property
    def entities(self) -> set[str]:
        """Programmes and places (other than the whole Land) the turn names."""
        return {*self.programmes, *self.places} - {STATEWIDE}


@dataclass(frozen=True)
class Understanding:
    """What understanding a turn needs: the glossary, the corpus vocabulary and, optionally,
    a condenser for follow-ups (else the rules in ``followup``)."""

    glossary: Glossary
    vocabulary: Container[str]
    condenser: Condenser | None = None

    def standalone(self, turn: str, previous: str | None) -> str:
        """The turn completed with the previous question if it cannot stand alone."""
        if previous and self.condenser is not None and is_elliptical(turn, self.glossary):
            condensed = self.condenser.condense(previous, turn)
            if condensed:
                return condensed
        return resolve_followup(turn, previous, self.glossary)

    def scope(self, text: str) -> str | None:
        """The one place (Kreis or Stadt, not the whole Land) a question names, if exactly one."""
        places = [p for p in self.glossary.places_in(text) if p != STATEWIDE]
        return places[0] if len(places) == 1 else None

    def __call__(self, turn: str, previous: str | None = None, place_filter: str | None = None) -> Query:
        """Understand one (cleaned) turn of a conversation. A place the question names
        narrows the search when the user has set no filter."""
        text = self.standalone(turn, previous)
        answer_type = expected_answer_type(turn)
        return Query(
            turn=turn,
            text=text,
            german=is_german(turn),
            places=tuple(self.glossary.places_in(turn)),
            programmes=tuple(self.glossary.programmes_in(turn)),
            answer_type=answer_type,
            unknown_terms=tuple(unknown_terms(turn, self.vocabulary)),
            place_filter=place_filter or self.scope(text),
            intent=question_intent(text, answer_type),
            land=STATEWIDE if place_filter else self.glossary.land_in(text),
            language=question_language(turn),
        )
