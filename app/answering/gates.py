"""Deterministic checks on evidence against an understood question.

Embedding similarity cannot tell "Wie viele Integrationsagenturen gibt es?" (in the domain,
not in the documents) from an answerable question, so besides the selector the composer asks:
- is the sentence a full sentence (not a heading, date line or label)?
- does the question ask for a number, a year, money or contact details, and does the
  evidence sentence contain one?
- does the evidence sentence contain every year the question names?
(Whether a German question uses a word the corpus never uses is part of understanding it:
``Query.unknown_terms``.)
"""

from __future__ import annotations

from app.conversation import AnswerType
from app.core import (
    ANSWER_SENTENCE_END,
    CONTACT_EVIDENCE,
    MONEY_EVIDENCE,
    NUMBER_OR_NUMBER_WORD,
    YEAR,
    without_source_note,
)

MIN_SENTENCE_CHARS = 30


def is_answer_sentence(text: str) -> bool:
    """A full sentence, not a heading, date line or label: long enough and ending in
    sentence punctuation (a trailing source note does not count)."""
    core = without_source_note(text)
    return len(core) >= MIN_SENTENCE_CHARS and bool(ANSWER_SENTENCE_END.search(core))


def years_in(text: str) -> set[str]:
    return {m.group(0) for m in YEAR.finditer(text)}


def evidence_fits(question: str, sentence: str, answer_type: AnswerType | None) -> bool:
    """Whether a sentence (without its source note) can answer the question: it names the
    question's years and carries the kind of answer asked for."""
    if not years_in(question) <= years_in(sentence):
        return False
    if answer_type is AnswerType.MONEY:
        return bool(MONEY_EVIDENCE.search(sentence))
    if answer_type is AnswerType.CONTACT:
        return bool(CONTACT_EVIDENCE.search(sentence))
    if answer_type is AnswerType.YEAR:
        return bool(YEAR.search(sentence))
    if answer_type is AnswerType.NUMBER:
        return bool(NUMBER_OR_NUMBER_WORD.search(sentence))
    return True
