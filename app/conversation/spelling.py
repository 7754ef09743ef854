"""Spell a turn the way the documents spell its words, before anything reads it.

People type without umlauts ("Koln", "fur", "Gefluechtete"), all in lower case, and with typing
slips ("Integrtaionszentren"). The embedder and the sentence selector were built on text spelled
as the documents are, so such a turn finds and picks other sentences than the well-spelled one.
The documents' own spellings decide the repair (ingest counts every word form,
``SentenceStore.spellings``); the text the user typed is kept for the answer.

- the glossary's words count as the documents' own: a question asks for "Hilfe" or
  "Einbürgerung", which the documents only write inside longer words ("Sozialhilfe",
  "Einbürgerungsstelle");
- a word typed without its umlauts gets them back when the documents write it with them;
- in a German sentence typed all in lower case, words get the documents' case ("kreis" ->
  "Kreis"; in another language a word may only look like a document's: Turkish "kim" is no KIM);
- a typing slip is corrected only in a word that is neither a common word of the Latin-script
  languages Lotse serves (wordfreq's lists: "Miete" and "suche" must not become "Mitte" and
  "suchen", nor "courses" "Kurses") nor a place, to the one document word it is one slip from;
  in a German text without such a document word, a lower-case word to the common German word
  it is one slip from if that word is far more frequent than any other ("leeitet" -> "leitet").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Container, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from wordfreq import get_frequency_dict, zipf_frequency

from app.conversation.cues import folded
from app.core import LETTER_RUN, spelling_key, without_umlauts


class Spellings(Protocol):
    """The documents' spellings (``SentenceStore``)."""

    def spellings(self, keys: Collection[str]) -> dict[str, str]:
        """For each key the documents use, the form they use most."""
        ...


@dataclass(frozen=True)
class WithWords:
    """The documents' spellings, and for a key they do not use, the spelling of a word list
    (``Glossary.words``)."""

    documents: Spellings
    words: Mapping[str, str]
    """``spelling_key`` of a word -> the word ("einburgerung" -> "Einbürgerung")."""

    def spellings(self, keys: Collection[str]) -> dict[str, str]:
        """For each key the documents or the word list use, the documents' form first."""
        return {key: self.words[key] for key in keys if key in self.words} | self.documents.spellings(keys)


_LETTERS = "abcdefghijklmnopqrstuvwxyzäöüßéèêàç"
"""German letters and the accents of loan words ("Sprachcafes" is one slip from "Sprachcafés")."""
_SENTENCE_END = re.compile(r"(?<=[.!?])(\s+)")
"""Where a sentence ends (the spaces kept as their own part)."""
MIN_SLIP_CHARS = 5
"""Shorter words are matched exactly: one slip turns many short words into others."""


def one_edit_away(word: str) -> set[str]:
    """Every string one typing slip from ``word``: a letter dropped, doubled or wrong, or two swapped."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
        | {a + c + b for a, b in splits for c in _LETTERS}
    )


def one_edit_apart(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with exactly one letter dropped, added, changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    start = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    if len(a) == len(b):
        swapped = a[start + 2 :] == b[start + 2 :] and a[start : start + 2] == b[start : start + 2][::-1]
        return a[start + 1 :] == b[start + 1 :] or swapped
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return shorter[start:] == longer[start + 1 :]


COMMON_WORD_LANGUAGES = ("de", "en", "tr")
"""The languages Lotse serves that are written in Latin letters (Kurmanji has no wordfreq list)."""
MAX_SLIP_CHARS = 40
MAX_SLIP_WORDS = 20
"""A turn's words searched for slips are capped: a variant set grows with the word (68,000 for a
1,000-letter "word"), and a stranger's message must not make one question expensive."""
FREQUENCY_EVIDENCE = 10.0
"""How many times as frequent (wordfreq, German) a word must be to replace a common word typed
without umlauts ("fur" -> "für", but "wurde", "zahlen" and "fordern" stay), or to be the word
meant by a slip rather than another one slip away ("leeitet" -> "leitet")."""


@cache
def german_frequencies() -> dict[str, float]:
    """wordfreq's small German list: word (lower case) -> frequency."""
    return get_frequency_dict("de", wordlist="small")


@cache
def common_words() -> frozenset[str]:
    """wordfreq's small lists of ``COMMON_WORD_LANGUAGES``, as listed and folded (Turkish typed
    without its letters: "yardim"); 153,000 forms, built on first use in about 0.1 s."""
    listed = set().union(*(get_frequency_dict(language, wordlist="small") for language in COMMON_WORD_LANGUAGES))
    return frozenset(listed | {folded(word) for word in listed if not word.isascii()})  # the lists are in lower case


def _may_be_a_slip(word: str, places: Container[str]) -> bool:
    key = spelling_key(word)
    return (
        MIN_SLIP_CHARS <= len(key) <= MAX_SLIP_CHARS
        and key.isascii()
        and word.casefold() not in common_words()
        and folded(word) not in common_words()
        and word.lower() not in places
    )


def is_common_word(word: str, languages: tuple[str, ...]) -> bool:
    """Whether ``word`` (lower case) is in wordfreq's small list of one of ``languages`` (its
    common words; the large lists would cost a quarter of a gigabyte)."""
    return any(zipf_frequency(word, language, wordlist="small") > 0 for language in languages)


def _common_german_slip(variants: set[str]) -> str | None:
    """The common German word among ``variants`` that is ``FREQUENCY_EVIDENCE`` times as frequent
    as any other ("leeitet" -> "leitet", "lannge" -> "lange"), if there is one."""
    ranked = sorted(((german_frequencies().get(v, 0.0), v) for v in variants), reverse=True)[:2]
    if not ranked or ranked[0][0] == 0.0:
        return None
    runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
    return ranked[0][1] if ranked[0][0] >= FREQUENCY_EVIDENCE * runner_up else None


def _slips(words: set[str], found: dict[str, str], spellings: Spellings, places: Container[str], german: bool) -> dict[str, str]:
    """The document word each unknown word is one slip from, where that word is the only one;
    in a German text otherwise the common German word a lower-case word is one slip from, if
    one stands out (a capitalised word may be a name: "Kölle" is no slip of "Hölle"; so may
    any word of a text typed all in lower case)."""
    candidates = sorted(w for w in words if spelling_key(w) not in found and _may_be_a_slip(w, places))[:MAX_SLIP_WORDS]
    unknown = {w: one_edit_away(spelling_key(w)) for w in candidates}
    near = spellings.spellings(set().union(*unknown.values())) if unknown else {}
    corrected = {}
    for word, variants in unknown.items():
        forms = {near[v] for v in variants if v in near}
        own = variants if spelling_key(word) == word else one_edit_away(word)  # the same set for a word without umlauts
        common = _common_german_slip(own) if german and word.islower() and not forms else None
        if len(forms) == 1:
            corrected[spelling_key(word)] = forms.pop()
        elif common is not None:
            corrected[spelling_key(word)] = common
    return corrected


def _umlauts_missing(word: str, form: str) -> bool:
    """Whether ``word`` is ``form`` typed without its umlauts, not a word of its own: the user
    typed none ("Mütter", "würde" stand), and it is no common German word, or a far rarer one."""
    if without_umlauts(word) != word:
        return False
    frequency = german_frequencies().get(word.lower(), 0.0)
    return frequency == 0.0 or german_frequencies().get(form.lower(), 0.0) >= FREQUENCY_EVIDENCE * frequency


def in_case_of(word: str, form: str) -> str:
    """``form`` in the case the user typed ``word`` in ("fur", "für" -> "für"; "Fur" -> "Für";
    "KOMMM", "KOMM" -> "KOMM")."""
    if word.isupper() and len(word) > 1:
        return form.upper()
    if word.islower():
        return form.lower()
    return form[0].upper() + form[1:] if word[:1].isupper() else form


def restore_spelling(text: str, spellings: Spellings, places: Container[str] = frozenset(), *, recase: bool = True) -> str:
    """``text`` with its words spelled as the documents spell them (see the module docstring);
    ``places`` are lower-case place names, never taken for slips; ``recase``: give a sentence
    typed all in lower case the documents' case (for German text; "Hallo, ich bin neu hier.
    wieviel geld kriegt kim 2023" gets "Wieviel Geld kriegt KIM 2023")."""
    typed = set(LETTER_RUN.findall(text))
    found = spellings.spellings({spelling_key(w) for w in typed})
    slipped = _slips(typed, found, spellings, places, german=recase and text != text.lower())

    def respelled(sentence: str) -> str:
        all_lower = recase and sentence == sentence.lower()

        def word(match: re.Match[str]) -> str:
            typed_word = match.group(0)
            if all_lower and typed_word in places:  # as the gazetteer reads a place after a place word
                return typed_word[0].upper() + typed_word[1:]
            key = spelling_key(typed_word)
            form = slipped.get(key) or found.get(key)
            if form is None or form == typed_word:
                return typed_word
            if key not in slipped and form.lower() != typed_word.lower() and not _umlauts_missing(typed_word, form):
                return typed_word
            if all_lower:
                return form
            return typed_word if form.lower() == typed_word.lower() else in_case_of(typed_word, form)  # the user's case stands

        restored = LETTER_RUN.sub(word, sentence)
        return restored[:1].upper() + restored[1:] if all_lower else restored

    return "".join(respelled(part) for part in _SENTENCE_END.split(text))
