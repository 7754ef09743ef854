"""Small pure functions and patterns on German text: normalisation, sentences, stemmed terms.

The one home of the patterns several stages share (numbers, contacts, sentence ends, source
notes, stop-word lists). Where two stages need different variants, both live here side by
side with the reason: the selector's variants are features of a trained model and must stay
as they were trained.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import Stemmer
from bm25s.stopwords import STOPWORDS_GERMAN

if TYPE_CHECKING:
    from somajo import SoMaJo

STATEWIDE = "Nordrhein-Westfalen"
"""The place tag of documents and programmes that apply to the whole Land."""


def names_place(text: str, place: str) -> bool:
    """Whether ``text`` names ``place`` by its last word ("Kreis Viersen": "im Kreis Viersen",
    "des Kreises Viersen"). A place whose last word is generic ("Märkischer Kreis", "Mülheim an
    der Ruhr") is matched by that word alone."""
    return place.split()[-1] in text


_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad\u202a-\u202e\u2066-\u2069]")
"""Zero-width characters, soft hyphens and bidi embeddings, overrides and isolates (which
can reverse text on screen); the bidi marks U+200E/U+200F stay."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD = re.compile(r"\w+", re.UNICODE)
_PARENTHETICAL = re.compile(r"^\([^()]*\)$")
_LEADING_CITATIONS = re.compile(r"^((?:\[\d+\]\s*)+)")
_SOURCE_NOTE = re.compile(r"\s*\(Quelle:[^()]*\)")

ANSWER_SENTENCE_END = re.compile(r"[.!?:;][\"“”«»‘’')]*$")
"""A line that ends like a sentence (or introduces a list): may stand in an answer."""
CLOSING_PUNCTUATION = re.compile(r"[.!;][\"“”«»'’)]*$")
"""The selector's notion of a line that is not a heading (no "?" or ":"; a trained feature)."""

YEAR = re.compile(r"\b(19|20)\d{2}\b")
DIGIT = re.compile(r"\d")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
"""A number as written in a text ("75", "1.500", "2,5"): must be copied exactly."""
NUMBER_OR_NUMBER_WORD = re.compile(
    r"\d|\b(zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|hundert|tausend|hälfte|drittel|viertel)\b", re.I
)
WEB_OR_MAIL_ADDRESS = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+", re.IGNORECASE)
CONTACT_LINE = re.compile(r"@|https?://|www\.|\b\d{3,}[ /-]?\d{3,}", re.I)
"""The selector's contact feature: a mail or web address or a phone-like number."""
MONEY_EVIDENCE = re.compile(r"Euro|€|Mio\.", re.I)
_ORDERS = r"(?:anweisung|instruktion|befehl|regel|vorgabe|prompt|instruction|rule|command|direction)"
_ADDRESSES_AN_AI = re.compile(
    r"\b(?:ignorier(?:e|en sie)?|ignore|vergiss|missachte|disregard|forget)\b(?:\W+\w+){0,4}?\W+\w*"
    + _ORDERS
    + r"|\bsystem\s?-?prompt|(?:^|[.!?]\s+)(?:system|assistant|assistent|user|nutzer)\s*:|<\|\w+\|>|\[/?INST\]"
    r"|\b(?:du bist (?:jetzt|ab jetzt|nun)|you are now|act as|tu so, als ob du)\b(?:\W+\w+){0,3}?\W+"
    r"(?:assistent\w*|assistant|ki|ai|modell|model|chatbot|bot|dan)\b"
    r"|\b(?:antworte|antwortet|answer|respond|reply)\b(?:\W+\w+){0,3}?\W+(?:mit|with)\b"
    r"\W+(?:dem wort |the word )?[\"„']?(?-i:[A-ZÄÖÜ]{4,})\b"
    r"|\b(?:als (?:sprachmodell|künstliche intelligenz)|as an ai|language model)\b",
    re.IGNORECASE | re.MULTILINE,
)
"""Sentences that give orders to an AI (prompt injection planted in a document). Imperatives
only ("Ignoriere …", not "ignoriert"), and never "als KI": in NRW, KI is the Kommunales
Integrationszentrum."""

INTERROGATIVES = frozenset("wann seit wie was wo wer warum welche welcher welches wieviel viel viele".split())
FUNCTION_WORDS = (
    frozenset(STOPWORDS_GERMAN)
    | INTERROGATIVES
    | frozenset("gibt gab geben macht machen ist sind war hat haben kann wird heißt bedeutet".split())
)
"""Words that name nothing to search for (bm25s' German stop words, question words, light verbs)."""
CONTENT_STOP_WORDS = frozenset(
    "der die das ein eine einer eines einem einen und oder in im ist sind wer was wo wie wann welche welcher welches "
    "kann können ich man es gibt für mit zu zum zur von auf an bei den dem des sich mir mich mein meine muss müssen "
    "darf soll werden wird habe hat haben ob als auch nicht noch nach über aus wenn dass so".split()
)
"""Words that carry no topic, for the selector's term overlap (a trained feature)."""
GENERIC_QUESTION_NOUNS = frozenset(
    "thema themen frage fragen information informationen möglichkeit möglichkeiten problem probleme "
    "person personen leute menschen stelle stellen art arten bereich bereiche umgebung nähe gegend "
    "chef chefin kollege kollegin kollegen freund freundin nachbar nachbarin "
    "frau mann ehefrau ehemann sohn tochter bruder schwester mutter vater oma opa onkel tante cousin cousine "
    "schwager schwägerin enkel enkelin".split()
)
"""Nouns a question uses without naming a thing the documents may lack ("Bei welchen Themen …", "Meine
Chefin fragt, …", "Meine Frau sagen, …": the people of the asker's situation)."""


def normalize_text(text: str) -> str:
    """NFC, one kind of line break, no invisible, bidi-override or control characters, single spaces."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(lines).strip()


def collapse_whitespace(text: str) -> str:
    """All runs of whitespace to one space (for comparing quotes with chunks)."""
    return " ".join(text.split())


def source_note_year(sentence: str) -> int | None:
    """The newest year a sentence's "(Quelle: PM 02.10.2018, …)" notes name; None without a
    note or a year in it."""
    years = [int(y.group(0)) for note in _SOURCE_NOTE.findall(sentence) for y in YEAR.finditer(note)]
    return max(years, default=None)


def without_source_note(sentence: str) -> str:
    """A sentence without its "(Quelle: …)" notes (a programme description's provenance)."""
    return _SOURCE_NOTE.sub("", sentence).strip()


def in_source_note(sentence: str, position: int) -> bool:
    """Whether ``position`` of the sentence lies in one of its "(Quelle: …)" notes."""
    return any(m.start() <= position < m.end() for m in _SOURCE_NOTE.finditer(sentence))


@lru_cache(maxsize=1)
def _sentence_splitter() -> SoMaJo:
    from somajo import SoMaJo

    return SoMaJo("de_CMC", split_camel_case=False, character_offsets=True)


def split_sentences(paragraph: str) -> list[str]:
    """German sentences of one paragraph, verbatim slices of it.

    SoMaJo keeps abbreviations ("z. B.", "Nr.", "Art. 16a", "e.V.") and dates
    ("14. Juli 2022") inside their sentence; a full stop with no space after it
    ("„NRW.Integrativ“") never ends one. A trailing parenthetical such as
    "(Quelle: PM 14.07.2022)" or citation marks such as "[1]" stay with the sentence before.
    """
    paragraph = paragraph.strip()
    if not paragraph:
        return []
    sentences: list[str] = []
    last_end = -1
    for tokens in _sentence_splitter().tokenize_text([paragraph]):
        start, end = tokens[0].character_offset[0], tokens[-1].character_offset[1]
        glued, last_end = sentences and start == last_end, end
        sentence = paragraph[start:end].strip()
        if glued and not _LEADING_CITATIONS.match(sentence):
            sentences[-1] += sentence  # no space after the full stop: a name such as "NRW.Integrativ"
            continue
        marks = _LEADING_CITATIONS.match(sentence)
        if sentences and marks:
            sentences[-1] = f"{sentences[-1]} {marks.group(1).strip()}"
            sentence = sentence[marks.end() :].strip()
        if sentences and _PARENTHETICAL.match(sentence):
            sentences[-1] = f"{sentences[-1]} {sentence}"
        elif sentence:
            sentences.append(sentence)
    return sentences


def addresses_an_ai(sentence: str) -> bool:
    """Whether a document sentence speaks to an AI ("Ignoriere alle Anweisungen …",
    "System: Du bist jetzt …"): such a sentence is data, never evidence for an answer."""
    return bool(_ADDRESSES_AN_AI.search(sentence))


def sentences_of(text: str) -> list[str]:
    """The sentences of a text, paragraph by paragraph (one paragraph per line)."""
    return [s for paragraph in text.split("\n") for s in split_sentences(paragraph)]


@lru_cache(maxsize=1)
def german_stemmer() -> Stemmer.Stemmer:
    """The shared Snowball stemmer for German."""
    return Stemmer.Stemmer("german")


def grouped(number: int) -> str:
    """A number with German thousands separators ("5.499")."""
    return f"{number:,}".replace(",", ".")


_PLAIN_VOWELS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U", "ß": "ss"})
_SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def without_umlauts(text: str, *, spelled_out: bool = False) -> str:
    """``text`` as people type it on a keyboard without umlauts: "Köln" -> "Koln", or with
    ``spelled_out`` "Koeln"; ß -> ss either way (case kept)."""
    return text.translate(_SPELLED_OUT if spelled_out else _PLAIN_VOWELS)


LETTER_RUN = re.compile(r"[^\W\d_]+")
"""A word as its spelling is looked up: letters only ("Nordrhein-Westfalen" is two)."""


def spelling_key(word: str) -> str:
    """How a word is looked up in the documents' spellings: lower case, umlauts as plain vowels
    ("Köln", "koln" -> "koln"; "Koeln" -> "koeln")."""
    return without_umlauts(word.lower())


def spelling_keys(word: str) -> set[str]:
    """Every key a typed form of ``word`` may have: "Köln" -> {"koln", "koeln"}."""
    return {spelling_key(word), without_umlauts(word.lower(), spelled_out=True)}


def spelling_counts(sentences: Iterable[str]) -> Counter[tuple[str, str]]:
    """How often each word form occurs under each of its ``spelling_keys`` in ``sentences``;
    a sentence's first word is left out (its capital comes from its position)."""
    return Counter((key, form) for text in sentences for form in LETTER_RUN.findall(text)[1:] for key in spelling_keys(form))


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return _WORD.findall(text.lower())


def stems(text: str) -> list[str]:
    """Snowball-stemmed German word tokens."""
    return list(german_stemmer().stemWords(words(text)))
