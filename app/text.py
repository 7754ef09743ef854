"""Small pure functions on German text: normalisation, sentences, stemmed terms."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from somajo import SoMaJo

_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD = re.compile(r"\w+", re.UNICODE)
_SOURCE_NOTE = re.compile(r"^\([^()]*\)$")
_LEADING_CITATIONS = re.compile(r"^((?:\[\d+\]\s*)+)")


def normalize_text(text: str) -> str:
    """NFC, one kind of line break, no invisible or control characters, single spaces."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(lines).strip()


def collapse_whitespace(text: str) -> str:
    """All runs of whitespace to one space (for comparing quotes with chunks)."""
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _sentence_splitter() -> SoMaJo:
    return SoMaJo("de_CMC", split_camel_case=False, character_offsets=True)


def split_sentences(paragraph: str) -> list[str]:
    """German sentences of one paragraph, verbatim slices of it.

    SoMaJo keeps abbreviations ("z. B.", "Nr.", "Art. 16a", "e.V.") and dates
    ("14. Juli 2022") inside their sentence. A trailing parenthetical such as
    "(Quelle: PM 14.07.2022)" or citation marks such as "[1]" stay with the sentence before.
    """
    paragraph = paragraph.strip()
    if not paragraph:
        return []
    sentences: list[str] = []
    for tokens in _sentence_splitter().tokenize_text([paragraph]):
        start, end = tokens[0].character_offset[0], tokens[-1].character_offset[1]
        sentence = paragraph[start:end].strip()
        marks = _LEADING_CITATIONS.match(sentence)
        if sentences and marks:
            sentences[-1] = f"{sentences[-1]} {marks.group(1).strip()}"
            sentence = sentence[marks.end():].strip()
        if sentences and _SOURCE_NOTE.match(sentence):
            sentences[-1] = f"{sentences[-1]} {sentence}"
        elif sentence:
            sentences.append(sentence)
    return sentences


@lru_cache(maxsize=1)
def german_stemmer() -> Stemmer.Stemmer:
    """The shared Snowball stemmer for German."""
    return Stemmer.Stemmer("german")


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return _WORD.findall(text.lower())


def stems(text: str) -> list[str]:
    """Snowball-stemmed German word tokens."""
    return german_stemmer().stemWords(words(text))
