"""Checks for an LLM answer written in the asker's language (not German).

Words cannot be compared across languages, so a translated sentence is checked by what it
must copy: every number, date, link or mail address, and every name in Latin script (in an
English or Turkish sentence: acronyms and names with inner capitals or hyphens such as
"KOMM-AN", "NRW", "GriffbereitMini") must occur in one sentence of a source it cites; that
German sentence is the quote shown for it. A sentence with nothing to check, in the wrong
language, or with one fact no cited sentence has, fails, and the composer then falls back to
the German extractive answer."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.answering.verify import CITATION_MARK
from app.core import (
    NUMBER,
    WEB_OR_MAIL_ADDRESS,
    RetrievedChunk,
    addresses_an_ai,
    collapse_whitespace,
    question_language,
    sentences_of,
)

WRITTEN_IN = {"en": "Englisch", "uk": "Ukrainisch", "ar": "Arabisch", "tr": "Türkisch", "ru": "Russisch"}
"""The languages an LLM may answer in (their German names, for the prompt)."""
LATIN_SCRIPT = frozenset({"en", "tr"})
_LATIN_WORD = re.compile(r"[A-Za-zÄÖÜäöüß][\w-]*")
_NAME_IN_LATIN_TEXT = re.compile(r"\b(?:[A-ZÄÖÜ]{2,}[\w-]*|[A-ZÄÖÜ]\w*[a-zäöüß][A-ZÄÖÜ][\w-]*|[A-ZÄÖÜ]\w*-[\w-]+)")


def facts(sentence: str, language: str) -> set[str]:
    """What a sentence in ``language`` must copy from its source: numbers, addresses, names."""
    body = CITATION_MARK.sub("", sentence)
    found = set(WEB_OR_MAIL_ADDRESS.findall(body))
    rest = WEB_OR_MAIL_ADDRESS.sub(" ", body)
    found |= set(NUMBER.findall(rest))
    names = _NAME_IN_LATIN_TEXT if language in LATIN_SCRIPT else _LATIN_WORD
    found |= {name.strip("-") for name in names.findall(rest)}
    return {f.rstrip(".,;:!?)") for f in found if f}


@dataclass(frozen=True)
class CheckedTranslation:
    """A translated sentence without its marks, the sources it cites, and the German quote per source."""

    text: str
    numbers: list[int]
    quotes: dict[int, str]


def supporting_quote(required: set[str], chunk: RetrievedChunk) -> str | None:
    """The chunk's first sentence that contains every required fact, if there is one."""
    for sentence in sentences_of(chunk.text):
        if not addresses_an_ai(sentence) and all(fact in collapse_whitespace(sentence) for fact in required):
            return sentence
    return None


def check_translation(sentence: str, chunks: list[RetrievedChunk], language: str) -> CheckedTranslation | None:
    """A sentence in ``language`` whose citations are valid and whose facts are all in one
    sentence of each cited source; None if it fails any check."""
    numbers = list(dict.fromkeys(int(n) for n in CITATION_MARK.findall(sentence)))
    text = CITATION_MARK.sub("", sentence).strip()
    if not numbers or any(not 1 <= n <= len(chunks) for n in numbers) or question_language(text) not in (language, None):
        return None
    required = facts(text, language)
    if not required:  # nothing that could be checked against the German source
        return None
    quotes = {n: supporting_quote(required, chunks[n - 1]) for n in numbers}
    if any(quote is None for quote in quotes.values()):
        return None
    return CheckedTranslation(text, numbers, {n: q for n, q in quotes.items() if q is not None})
