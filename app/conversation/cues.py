"""The rules of ``cues.yaml``, compiled once: which sentences of a message ask, which turns
follow up, and the cue features of the intent and detail classifier."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_GERMAN, STOPWORDS_RUSSIAN, STOPWORDS_TURKISH

from app.core import without_umlauts


def folded(text: str) -> str:
    """Lower case with German umlauts and other Latin accents folded ("Für" -> "fur", Turkish
    "açık" -> "acik"), as people type without them. Other scripts stay as they are."""
    return without_umlauts(text.lower().replace("i\u0307", "i")).translate(_LATIN_BASES)  # Turkish "İ" lower-cases to i + dot


class _LatinBases(dict[int, str]):
    """``str.translate``'s table of Latin letters without their accents, filled as characters
    are met (a character-by-character loop took 0.7 s to fold wordfreq's word lists)."""

    def __missing__(self, code: int) -> str:
        self[code] = base = _latin_base(chr(code))
        return base


_LATIN_BASES = _LatinBases({ord("’"): "'", ord("ʼ"): "'"})  # the apostrophes phones type are the plain one


def _latin_base(char: str) -> str:
    """A Latin letter without its accent ("ç" -> "c", "ı" -> "i"); any other character as it is."""
    if char.isascii() or not unicodedata.name(char, "").startswith("LATIN"):
        return char
    base = "i" if char == "ı" else unicodedata.normalize("NFKD", char)[0]
    return base if base.isascii() else char


def _words_pattern(phrases: list[str]) -> re.Pattern[str]:
    """Any of ``phrases`` as whole words (longest first); a ``*`` stands for any letters: after a
    word any ending ("немецк* язык*"), before one any beginning (Arabic writes "and", "in", "the"
    onto the word: "بالانتحار"), alone any one word ("welche * sprachen")."""
    alternatives = sorted({folded(p) for p in phrases}, key=len, reverse=True)
    body = "|".join(re.escape(a).replace(r"\*", r"\w*") for a in alternatives)
    return re.compile(r"(?<!\w)(?:" + body + r")(?!\w)")


@dataclass(frozen=True)
class Need:
    """Something a newcomer may seek help with (a flat, a German course): how people ask for it,
    in every language, and the German words documents speak of it with."""

    name: str
    asked: re.Pattern[str] = field(repr=False)
    documented: re.Pattern[str] = field(repr=False)
    broad: bool = False
    """Only narrows a list of offers (help for a family): never the reason to decline."""

    def met_in(self, text: str) -> bool:
        """Whether a document's text (``folded``) speaks of the need."""
        return bool(self.documented.search(text))


@dataclass(frozen=True)
class Cues:
    """The compiled rules."""

    asking: re.Pattern[str]
    run_on_asking: re.Pattern[str]
    """The asking words that may also start the ask inside a run-on sentence."""
    asking_only_in: dict[str, str]
    """Asking words that ask only in a sentence of one language, with that language ("من": ar)."""
    run_on_min_words: int
    run_on_min_ask_words: int
    continuing: re.Pattern[str]
    referring: frozenset[str]
    pointing: frozenset[str]
    function: frozenset[str]
    """Words that name nothing: asking, referring and function words of every language."""
    intents: dict[str, re.Pattern[str]]
    details: dict[str, re.Pattern[str]]
    """The details a question can ask for, in the order that decides between them (the first whose cue matches)."""
    courtesy: frozenset[str] = frozenset()
    """Words of thanks and greeting; a sentence of nothing else only thanks or greets."""
    harm: re.Pattern[str] = re.compile(r"(?!)")
    """Words of suicide, of wanting to die, of violence against the writer."""
    needs: tuple[Need, ...] = ()
    seeking: re.Pattern[str] = re.compile(r"(?!)")
    """Words with which a telling sentence seeks ("… und suchen eine Wohnung")."""
    wondering: re.Pattern[str] = re.compile(r"(?!)")
    """Words with which a telling sentence asks indirectly ("Ich weiß nicht, wie viel …")."""
    lacking: re.Pattern[str] = re.compile(r"(?!)")
    """A word saying the asker lacks something, with the one or two words after it as group 1
    ("kein Kinderarzt in …")."""
    the_land: re.Pattern[str] = re.compile(r"(?!)")
    """Words for the Land as the one who pays or acts ("Wie viel Geld hat das Land …?")."""

    def needs_in(self, text: str) -> tuple[Need, ...]:
        """The needs a text names."""
        words = folded(text)
        return tuple(need for need in self.needs if need.asked.search(words))

    def need_named(self, name: str | None) -> Need | None:
        """The need called ``name`` (None for None or a name ``cues.yaml`` no longer has)."""
        return next((need for need in self.needs if need.name == name), None)

    def features(self, text: str) -> dict[str, float]:
        """The cue features of a message for the intent and detail classifier (1.0: a cue is there)."""
        words = folded(text)
        found = {f"intent_cue:{name}": float(bool(p.search(words))) for name, p in self.intents.items()}
        found |= {f"detail_cue:{name}": float(bool(p.search(words))) for name, p in self.details.items()}
        return found | {"asks_with_question_mark": float("?" in text or "؟" in text)}


@cache
def cues() -> Cues:
    """The rules of ``app/conversation/cues.yaml`` (read and compiled on first use)."""
    data = yaml.safe_load(files("app.conversation").joinpath("cues.yaml").read_text(encoding="utf-8"))

    def every(key: str) -> list[str]:
        return [folded(p) for phrases in data[key].values() for p in phrases]

    referring = frozenset(every("referring"))
    stop_words = {folded(w) for words in (STOPWORDS_GERMAN, STOPWORDS_EN, STOPWORDS_RUSSIAN, STOPWORDS_TURKISH) for w in words}
    single_asking = {w for w in every("asking") if " " not in w}
    continuing = "|".join(re.escape(c) for c in sorted(set(every("continuing")), key=len, reverse=True))
    return Cues(
        asking=_words_pattern(every("asking")),
        run_on_asking=_words_pattern(sorted(set(every("asking")) - set(every("asking_at_start_only")))),
        asking_only_in={folded(w): lang for lang, words in data["asking_at_start_only"].items() for w in words},
        run_on_min_words=int(data["run_on_min_words"]),
        run_on_min_ask_words=int(data["run_on_min_ask_words"]),
        continuing=re.compile(rf"^\W*(?:{continuing})(?!\w)"),
        referring=referring,
        pointing=frozenset(every("pointing")),
        function=frozenset(stop_words | set(every("function")) | single_asking | referring),
        intents={name: _words_pattern(phrases) for name, phrases in data["intents"].items()},
        details={name: _words_pattern(phrases) for name, phrases in data["details"].items()},
        courtesy=frozenset(every("courtesy")),
        harm=_words_pattern(every("harm")),
        needs=tuple(_need(name, need) for name, need in data["needs"].items()),
        seeking=_words_pattern(every("seeking")),
        wondering=_words_pattern(every("wondering")),
        lacking=re.compile(_words_pattern(every("lacking")).pattern + r"\s+(\w+(?:\s+\w+)?)"),
        the_land=_words_pattern(every("the_land")),
    )


def _need(name: str, data: dict[str, Any]) -> Need:
    asked = [phrase for phrases in data["asks"].values() for phrase in phrases]
    return Need(name, _words_pattern(asked), _words_pattern(data["documents"]), bool(data.get("broad")))


def speaks_of(needs: tuple[Need, ...], text: str) -> bool:
    """Whether a document's text speaks of one of ``needs`` (folded once for all of them)."""
    words = folded(text)
    return any(need.met_in(words) for need in needs)


def speaks_of_harm(text: str) -> bool:
    """Whether a message speaks of suicide, of wanting to die or of violence against the writer."""
    return bool(cues().harm.search(folded(text)))
