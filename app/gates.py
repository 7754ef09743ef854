"""Deterministic checks that decide whether the evidence can answer a question at all.

Embedding similarity cannot tell "Wie viele Integrationsagenturen gibt es?" (in the domain,
not in the documents) from an answerable question, so the composer also asks:
- does a German question use a content word the corpus never uses ("Öffnungszeiten",
  "Bürgergeld", "Aachen")? Then the documents cannot answer it;
- does the question ask for a number, a year or contact details, and does the evidence
  sentence contain one?
- does the evidence sentence contain every year the question names?
"""

from __future__ import annotations

import re
from enum import Enum

from app.text import stems, words

_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_NUMBER = re.compile(r"\d|\b(zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|hundert|tausend)\b", re.I)
_CAPITALISED = re.compile(r"(?<![\w-])([A-ZÄÖÜ][\w*-]{3,})")
_GERMAN_CUES = frozenset(
    "der die das und ist sind was wie wo wer wann gibt es ein eine einen im in für mit von zu den dem des sich "
    "auf nicht ich kann können seit welche welcher welches viel viele macht machen bekommt hat haben wird".split()
)
_ENGLISH_CUES = frozenset("the what how is are where who does do of to for many much which when can".split())


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
_MONEY_EVIDENCE = re.compile(r"Euro|€|Mio\.", re.I)
_CONTACT_EVIDENCE = re.compile(r"\d{3,}|@|\[at\]|https?://|www\.", re.I)


def is_german(question: str) -> bool:
    """Latin script and more German than English function words."""
    tokens = words(question)
    if any(ord(ch) > 0x24F and ch.isalpha() for ch in question):
        return False
    return sum(t in _GERMAN_CUES for t in tokens) > sum(t in _ENGLISH_CUES for t in tokens)


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


def years_in(text: str) -> set[str]:
    return {m.group(0) for m in _YEAR.finditer(text)}


def evidence_fits(question: str, sentence: str, answer_type: AnswerType | None) -> bool:
    """Whether a sentence (without its source note) can answer the question: it names the
    question's years and carries the kind of answer asked for."""
    if not years_in(question) <= years_in(sentence):
        return False
    if answer_type is AnswerType.MONEY:
        return bool(_MONEY_EVIDENCE.search(sentence))
    if answer_type is AnswerType.CONTACT:
        return bool(_CONTACT_EVIDENCE.search(sentence))
    if answer_type is AnswerType.YEAR:
        return bool(_YEAR.search(sentence))
    if answer_type is AnswerType.NUMBER:
        return bool(_NUMBER.search(sentence))
    return True
