"""Deterministic checks on evidence against an understood question.

Embedding similarity cannot tell "Wie viele Integrationsagenturen gibt es?" (in the domain,
not in the documents) from an answerable question, so besides the selector the composer asks:
- is the sentence a full sentence (not a heading, date line or label)?
- does the evidence sentence contain every year the question names?
- does the question ask for a detail (a phone number, opening hours, an amount, a date, a
  count, who leads something, …: ``Query.detail``), and does the sentence carry it (``DETAILS``)?
(Whether a German question uses a word the corpus never uses is part of understanding it:
``Query.unknown_terms``.)

And whether a sentence can stand in an answer on its own: not a phrase without a verb
(``is_fragment``), not pointing back at a sentence not shown (``looks_back``), not about a
visit or about what the press releases do not say (``stands_alone``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.core import (
    ANSWER_SENTENCE_END,
    MONEY_EVIDENCE,
    NUMBER_OR_NUMBER_WORD,
    YEAR,
    without_source_note,
)

MIN_SENTENCE_CHARS = 30
_AUXILIARIES = frozenset(
    "ist sind war hat gibt gab kann soll muss wird wurde sei habe werde beschloss kam ging fand stand hielt lag sah "
    "sprach nahm traf bot blieb schrieb rief zog trug wuchs".split()
)
MAX_FRAGMENT_WORDS = 14
"""Longer runs of words are sentences even when no verb form is recognised (strong verbs vary)."""
_NOT_VERBS = frozenset("nicht seit jetzt erst meist zuerst zunächst insgesamt selbst heute weit bereit fast".split())
_DETERMINERS = frozenset(
    "der die das den dem des ein eine einen einem einer eines im am zum zur vom beim mit für von zu aus bei nach "
    "ihr ihre ihren ihrem seine seinen seinem alle allen vielen mehreren diesen jeden jedem".split()
)
_TOKEN = re.compile(r"\w+")
_LOOKS_BACK_START = re.compile(r"^(?:Dies(?:e|er|es|em|en)?|Sie|Er|Es(?! gibt)|Dort|Damit|Dazu|Dafür|Davon|Hier|Ihre?)\b")
_DEMONSTRATIVE = re.compile(r"\b(?:dies|solch)(?:e|er|es|em|en)\s+[A-ZÄÖÜ]")
_VISIT = re.compile(r"besuch|informierte sich|Einblick", re.IGNORECASE)
_ABOUT_THE_SOURCES = re.compile(r"^Die Pressemitteilung(?:en)? nenn")


def is_answer_sentence(text: str) -> bool:
    """A full sentence, not a heading, date line or label: long enough and ending in
    sentence punctuation (a trailing source note does not count)."""
    core = without_source_note(text)
    return len(core) >= MIN_SENTENCE_CHARS and bool(ANSWER_SENTENCE_END.search(core))


def _verb_like(token: str, before: str) -> bool:
    """Could this lower-case token be a verb form? (-t/-st, or -en/-te not right after an
    article or preposition, where it is an adjective: "im ersten Lebensjahr")."""
    if token in _AUXILIARIES:
        return True
    if len(token) < 4 or not token[0].islower() or token in _NOT_VERBS or token.endswith("weit"):
        return False
    if token.endswith(("en", "te")):
        return before not in _DETERMINERS
    return token.endswith(("t", "st"))


def is_fragment(text: str) -> bool:
    """A phrase without a verb ("Für Zugewanderte auf dem Weg in Ausbildung und Beruf."). German
    nouns are capitalised, so a sentence needs a lower-case word that can be a verb form."""
    tokens = _TOKEN.findall(without_source_note(text))
    return len(tokens) <= MAX_FRAGMENT_WORDS and not any(
        _verb_like(token, tokens[i - 1].lower() if i else "") for i, token in enumerate(tokens)
    )


def looks_back(text: str) -> bool:
    """Opens with a word pointing at an earlier sentence ("Sie …", "Dort …"), or names its
    subject only as "dieses Programm": it does not stand alone in an answer."""
    core = without_source_note(text).lstrip("„\"'‚")
    return bool(_LOOKS_BACK_START.match(core) or _DEMONSTRATIVE.search(core))


def is_about_a_visit(text: str) -> bool:
    """A sentence about a minister's or official's visit, not about the service."""
    return bool(_VISIT.search(text))


def is_about_the_sources(text: str) -> bool:
    """A description's note on what its press releases do not say ("Die Pressemitteilungen
    nennen keinen Betrag …"): true, but not about the service."""
    return bool(_ABOUT_THE_SOURCES.match(text))


def is_statement(text: str) -> bool:
    """A full sentence about the service (it may point back at an earlier one)."""
    return is_answer_sentence(text) and not is_fragment(text) and not is_about_a_visit(text) and not is_about_the_sources(text)


def stands_alone(text: str) -> bool:
    """A full sentence about the service that a reader understands without its neighbours."""
    return is_statement(text) and not looks_back(text)


def years_in(text: str) -> set[str]:
    """The years (19xx, 20xx) that ``text`` mentions."""
    return {m.group(0) for m in YEAR.finditer(text)}


@dataclass(frozen=True)
class Detail:
    """A detail a question can ask for (``Query.detail``): how a near-miss answer says it is
    missing, and what a sentence must contain to give it."""

    missing: str
    evidence: re.Pattern[str]
    label: re.Pattern[str] | None = None
    """How a contact line labels this detail ("Telefon: 01234 5678"), if it can."""
    place_bound: bool = False
    """It differs from place to place: one Welcome Center's phone number is not another's."""


def _label(names: str) -> re.Pattern[str]:
    """A contact line that opens with one of ``names`` and a colon."""
    return re.compile(rf"^\s*(?:{names})\s*:\s*\S")


_WEEKDAY_OR_DATE = (
    r"\b(mon|diens|mittwoch|donners|frei|sams|sonn)tags?\b|\b\d{1,2}\.\s?\d{1,2}\."
    r"|\b\d{1,2}\.\s(januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember)\b"
)
LANGUAGE_NAMES = re.compile(
    r"\b(arabisch|türkisch|russisch|ukrainisch|persisch|farsi|dari|paschtu|kurdisch|kurmandschi|sorani|tigrinya|tigrinisch"
    r"|somali|amharisch|englisch|französisch|spanisch|italienisch|portugiesisch|polnisch|rumänisch|bulgarisch|albanisch"
    r"|serbisch|kroatisch|bosnisch|griechisch|urdu|hindi|bengali|tamil|vietnamesisch|chinesisch|georgisch|armenisch"
    r"|aramäisch|hebräisch|romanes|gebärdensprache)(e|en|er|es|sprachig\w*)?\b|\bauf Deutsch\b|\bin deutscher Sprache\b",
    re.I,
)
"""A language named in a German sentence ("Beratung auf Arabisch und Farsi"): which languages, not how many."""
DETAILS: dict[str, Detail] = {
    "phone": Detail(
        "keine Telefonnummer",
        re.compile(r"\d[\d /-]{5,}\d"),
        _label("Telefon|Telefonnummer|Tel\\.|Fon|Hotline"),
        place_bound=True,
    ),
    "email": Detail("keine E-Mail-Adresse", re.compile(r"@|\[at\]", re.I), _label("E-Mail|Mail"), place_bound=True),
    "opening_hours": Detail(
        "keine Öffnungszeiten",
        re.compile(r"\bUhr\b|\b\d{1,2}[.:]\d{2}\b|\b(mon|diens|mittwoch|donners|frei|sams|sonn)tags?\b|täglich", re.I),
        _label("Öffnungszeiten|Sprechzeiten|Geöffnet|Beratungszeiten"),
        place_bound=True,
    ),
    "address": Detail(
        "keine Adresse",
        re.compile(r"straße|str\.|\bweg\b|\bplatz\b|allee|\b\d{5}\b", re.I),
        _label("Adresse|Anschrift"),
        place_bound=True,
    ),
    "website": Detail(
        "keine Internetseite",
        re.compile(r"www\.|https?://", re.I),
        _label("Internet|Website|Webseite|Homepage|Web"),
        place_bound=True,
    ),
    "age": Detail(
        "kein Alter",
        re.compile(
            r"\b\d+\s*Jahre?\b|\bJahre alt\b|Lebensjahr|\b\d+-?jährig|geboren|Jahrgang|"
            r"\b(ab|bis|unter|über) \d+\b",
            re.I,
        ),
    ),
    "leader": Detail(
        "nicht, wer es leitet",
        re.compile(
            r"\bleitet\b|\bLeiter(in)?\b|\bLeitung\b|\bgeleitet\b|\bLandr(at|ätin)\b|(Ober)?[Bb]ürgermeister(in)?\b|\bVorsitz"
            r"|\bDirektor(in)?\b|\bGeschäftsführer(in)?\b|\bMinister(in)?\b|\bTräger\b",
            re.I,
        ),
        place_bound=True,
    ),
    "duration": Detail(
        "keine Dauer oder Wartezeit",
        re.compile(
            r"\b(\d+|eine?[nm]?|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|wenigen?|einigen?|mehreren?)\s+"
            r"(Minuten?|Stunden?|Tage?n?|Wochen?|Monate?n?|Jahre?n?)\b|\bdauert\b|\bDauer\b|Wartezeit|Bearbeitungszeit|Laufzeit",
            re.I,
        ),
    ),
    "documents": Detail(
        "nicht, welche Unterlagen nötig sind",
        re.compile(
            r"Unterlagen|Dokumente\b|Nachweis|Ausweis|Reisepass|Bescheinigung|Formular|vorzulegen|vorlegen|mitzubringen", re.I
        ),
    ),
    "amount": Detail("keinen Betrag", MONEY_EVIDENCE, place_bound=True),
    "date": Detail("kein Datum", re.compile(YEAR.pattern + "|" + _WEEKDAY_OR_DATE, re.I)),
    "count": Detail("keine Zahl", NUMBER_OR_NUMBER_WORD, place_bound=True),
    "languages": Detail("nicht, welche Sprachen gesprochen werden", LANGUAGE_NAMES, place_bound=True),
}
"""Every detail ``Query.detail`` can name except "none" (the ``details`` of ``cues.yaml``)."""


def evidence_fits(question: str, sentence: str, detail: str) -> bool:
    """Whether a sentence (without its source note) can answer the question: it names the
    question's years and carries the detail asked for (any sentence, if none is asked)."""
    if not years_in(question) <= years_in(sentence):
        return False
    wanted = DETAILS.get(detail)
    return wanted is None or bool(wanted.evidence.search(sentence))


def is_place_bound(detail: str) -> bool:
    """Whether the asked detail differs from place to place (``Detail.place_bound``)."""
    wanted = DETAILS.get(detail)
    return wanted is not None and wanted.place_bound


def is_labelled_detail(text: str, detail: str) -> bool:
    """A contact line that gives the asked detail under its label ("Telefon: 01234 202122."):
    not a sentence, but the answer to "Welche Telefonnummer …?" when its document names what is asked."""
    wanted = DETAILS.get(detail)
    core = without_source_note(text)
    return wanted is not None and wanted.label is not None and bool(wanted.label.search(core) and wanted.evidence.search(core))
