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
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from app.conversation.followup import is_elliptical, resolve_followup
from app.conversation.glossary import Glossary
from app.core import ENGLISH_CUES, GERMAN_CUES, STATEWIDE, stems, words

_CAPITALISED = re.compile(r"(?<![\w-])([A-ZÄÖÜ][\w*-]{3,})")


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


def is_german(text: str) -> bool:
    """Latin script and more German than English function words."""
    tokens = words(text)
    if any(ord(ch) > 0x24F and ch.isalpha() for ch in text):
        return False
    return sum(t in GERMAN_CUES for t in tokens) > sum(t in ENGLISH_CUES for t in tokens)


def unknown_terms(question: str, vocabulary: set[str]) -> list[str]:
    """Capitalised content words of a German question whose stems ``vocabulary`` (the
    corpus and glossary) never uses. The first word is skipped (capitalised anyway)."""
    if not is_german(question):
        return []
    first = words(question)[:1]
    unknown = []
    for word in _CAPITALISED.findall(question):
        if words(word)[:1] == first:
            continue
        word_stems = stems(word)
        if word_stems and not all(s in vocabulary for s in word_stems):
            unknown.append(word)
    return unknown


def expected_answer_type(question: str) -> AnswerType | None:
    """What kind of answer the question asks for, if it is one we can check."""
    return next((kind for kind, cue in _TYPE_CUES if cue.search(question)), None)


def corpus_vocabulary(texts: Iterable[str], glossary: Glossary) -> set[str]:
    """Every stem the given corpus texts and the glossary use (for ``unknown_terms``)."""
    terms = [*texts, *glossary.abbreviations, *glossary.abbreviations.values(), *(t for g in glossary.synonyms for t in g)]
    terms += [*glossary.places.patterns, *glossary.programmes.patterns]
    return {s for text in terms for s in stems(text)}


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

    @property
    def entities(self) -> set[str]:
        """Programmes and places (other than the whole Land) the turn names."""
        return {*self.programmes, *self.places} - {STATEWIDE}


@dataclass(frozen=True)
class Understanding:
    """What understanding a turn needs: the glossary, the corpus vocabulary and, optionally,
    a condenser for follow-ups (else the rules in ``followup``)."""

    glossary: Glossary
    vocabulary: set[str]
    condenser: Condenser | None = None

    def standalone(self, turn: str, previous: str | None) -> str:
        """The turn completed with the previous question if it cannot stand alone."""
        if previous and self.condenser is not None and is_elliptical(turn, self.glossary):
            condensed = self.condenser.condense(previous, turn)
            if condensed:
                return condensed
        return resolve_followup(turn, previous, self.glossary)

    def __call__(self, turn: str, previous: str | None = None, place_filter: str | None = None) -> Query:
        """Understand one (cleaned) turn of a conversation."""
        return Query(
            turn=turn,
            text=self.standalone(turn, previous),
            german=is_german(turn),
            places=tuple(self.glossary.places_in(turn)),
            programmes=tuple(self.glossary.programmes_in(turn)),
            answer_type=expected_answer_type(turn),
            unknown_terms=tuple(unknown_terms(turn, self.vocabulary)),
            place_filter=place_filter,
        )
