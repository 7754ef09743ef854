"""Understand a user's turn once: a small immutable ``Query`` that retrieval and the
composers read, instead of each asking the glossary and the gates piece by piece.

- language: which one the turn is written in (one identifier, ``detect_language``);
- places and programmes the turn names (glossary);
- its intent and the detail it asks for (learned over the embedding, ``intent``);
- capitalised content words of the ask that the corpus never uses ("Bürgergeld");
- the standalone text to retrieve with (a follow-up completed with the previous turn);
- the ask: the sentences that ask, without the ones that tell the person's situation (the
  selector and the gates judge it; ``asking``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

import numpy as np

from app.conversation.asking import sought, split_ask, without_courtesies
from app.conversation.cues import Need, cues, folded
from app.conversation.followup import is_elliptical, resolve_followup
from app.conversation.gazetteer import Gazetteer
from app.conversation.glossary import Glossary
from app.conversation.intent import IntentModel, by_cues
from app.conversation.spelling import (
    MIN_SLIP_CHARS,
    Spellings,
    common_words,
    is_common_word,
    one_edit_apart,
    one_edit_away,
    restore_spelling,
)
from app.core import GENERIC_QUESTION_NOUNS, GERMAN, STATEWIDE, detect_language, is_german, stems, words

_CAPITALISED = re.compile(r"(?<![\w-])([A-ZÄÖÜ][\w*-]{3,})")
_SENTENCE_START = re.compile(r"(?<=[.!?])\s+")


class Intent(Enum):
    """What a newcomer or counsellor wants; each gets its own answer shape."""

    HELP = "help"  # "Wo bekomme ich Hilfe …", "Wer hilft mir …", "An wen wende ich mich …"
    DEFINITION = "definition"  # "Was ist …", "Was macht …"
    SERVICE = "service"  # "Gibt es … in …", "Welche Angebote gibt es in …"
    FACT = "fact"  # everything else: "Wie viele …", "Seit wann …"


def unknown_terms(question: str, vocabulary: Container[str]) -> list[str]:
    """Capitalised content words of a German question whose stems ``vocabulary`` (the
    corpus and glossary) never uses. A sentence's first word is skipped (capitalised anyway), and so
    are generic nouns such as "Themen" that name nothing the documents could lack. In a message
    written in another script the capitalised Latin words are German nouns or names, and count
    the same way ("Як записатися на Termin в Ausländerbehörde?")."""
    if is_german(question):
        openers = {words(s)[0] for s in _SENTENCE_START.split(question) if words(s)}
    elif in_other_script(question):
        openers = set()
    else:
        return []
    unknown = []
    for word in _CAPITALISED.findall(question):
        if words(word)[:1][0] in openers or word.lower() in GENERIC_QUESTION_NOUNS:
            continue
        word_stems = stems(word)
        if word_stems and not all(known(s, vocabulary) for s in word_stems):
            unknown.append(word)
    return unknown


_OTHER_SCRIPT_LETTER = r"[^\W\d_A-Za-z\u00C0-\u024F]"
"""A letter of a script other than Latin (Cyrillic, Arabic, …)."""


def in_other_script(text: str) -> bool:
    """Whether at least half the words of ``text`` are in a script other than Latin (Cyrillic,
    Arabic, …): long German compounds in such a message do not make it a Latin one."""
    found = re.findall(r"[^\W\d_]+", text)
    return bool(found) and sum(bool(re.match(_OTHER_SCRIPT_LETTER, w)) for w in found) >= len(found) / 2


CLEAR_LANGUAGE_SCORE = 0.3
"""fastText gives text it has no n-grams for ("asdf qwer", "lorem ipsum", "hi") its prior, about
0.12 for English; real sentences of a language score well above this."""


def says_nothing(ask: str, vocabulary: Container[str]) -> bool:
    """Whether a message is clearly in no language Lotse recognises and uses no word the
    documents or the glossary know ("asdf qwer", "lorem ipsum"): there is nothing to answer.
    A word one slip from a known one counts only when most words are: "ipsum" is one slip
    from the Gemeinde Issum and "dolor" from "color", but "lorem ipsum dolor" says nothing."""
    if detect_language(ask, CLEAR_LANGUAGE_SCORE) is not None:
        return False
    found = [s for word in words(ask) for s in stems(word)]
    if not found or any(s in vocabulary for s in found):
        return False
    return sum(known(s, vocabulary) for s in found) * 2 <= len(found)


def known(stem: str, vocabulary: Container[str]) -> bool:
    """Whether the corpus uses ``stem``, or (for longer stems) a stem one typing slip away."""
    if stem in vocabulary:
        return True
    return len(stem) >= MIN_SLIP_CHARS and any(variant in vocabulary for variant in one_edit_away(stem))


MIN_NAME_SLIP_CHARS = 8
"""Programme names this long or longer are recognised with one typing slip ("Welcome Cneter")."""
_NAME_TOKEN = re.compile(r"\w(?:[\w.\-]*\w)?")


def _slipped_start(form: str, span: str, typed: str) -> int:
    """How much of ``span`` (``typed`` is it in lower case) is ``form`` (in lower case) typed
    with one slip: all of it, or, since a glossary form names the words it starts ("integration
    cent" for "… centres"), its start ("integration cetres" -> 15 letters); 0 if neither."""
    if one_edit_apart(form, typed):
        return len(span)
    starts = (n for n in (len(form) - 1, len(form), len(form) + 1) if n < len(span) and span[n - 1].isalnum())
    return next((n for n in starts if one_edit_apart(form, span[:n].lower())), 0)


def _may_be_one_slip(a: str, b: str) -> bool:
    """A quick necessary condition for ``b`` (or its start) to be ``a`` with one slip: one slip
    leaves the first or the second letter in place, or moves one of them by one."""
    return a[:1] == b[:1] or a[1:2] == b[1:2] or a[:1] == b[1:2] or a[1:2] == b[:1]


def fix_programme_slips(text: str, glossary: Glossary, vocabulary: Container[str]) -> str:
    """The text with a programme name typed with one slip written right ("Tain of Hope",
    "NRWIntegrativ", "Welcome Cneter"): a span of the text one slip from exactly one programme's
    name of ``MIN_NAME_SLIP_CHARS`` or more, holding a word the corpus does not use (so
    "Kommunalen Integrationszentren" stays as it is), for a programme the text does not name yet."""
    tokens = list(_NAME_TOKEN.finditer(text))
    unknown = [any(not any(s in vocabulary for s in stems(w)) for w in words(t.group())) for t in tokens]
    if not any(unknown):  # the usual case: every word is one the corpus uses
        return text
    spans: dict[int, list[tuple[int, int, str]]] = {}  # by word count: (start, end, lower case) of spans with such a word

    def spans_of(size: int) -> list[tuple[int, int, str]]:
        if size not in spans:
            ends = [
                (tokens[i].start(), tokens[i + size - 1].end())
                for i in range(len(tokens) - size + 1)
                if any(unknown[i : i + size])
            ]
            spans[size] = [(start, end, text[start:end].lower()) for start, end in ends]
        return spans[size]

    named = set(glossary.programmes_in(text))
    fixes: dict[tuple[int, int], set[str]] = {}
    for name, forms in glossary.programmes.forms.items():
        if name in named:
            continue
        for form in (f for f in forms if len(f) >= MIN_NAME_SLIP_CHARS):
            lower = form.lower()
            for start, end, typed in spans_of(len(form.split())):
                if _may_be_one_slip(lower, typed) and (slipped := _slipped_start(lower, text[start:end], typed)):
                    fixes.setdefault((start, start + slipped), set()).add(form)
    for (start, end), found in sorted(fixes.items(), reverse=True):
        if len(found) == 1:
            text = text[:start] + found.pop() + text[end:]
    return text


MIN_PLACE_SLIP_CHARS = 7
"""Place names at least this long are recognised with one typing slip ("Dortmnud", "Vieren")."""
MIN_SHORT_PLACE_SLIP_CHARS = 5
"""Shorter names down to this length ("Aacchen", "в хагені") only when the typed word is no
common German, English, Turkish (or, in their scripts, Russian, Ukrainian, Arabic, Farsi) word:
they are one slip from many ("Herten", "Herren")."""


def fix_place_slips(text: str, places: Gazetteer, vocabulary: Container[str]) -> str:
    """The text with each place name typed with one slip after a place word written right ("in
    Dortmnud", "im Kreis Vieren"): a word that is no place and no word the corpus uses, one slip
    from the name of exactly one place. Only after a place word, and capitalised unless the whole
    text is in lower case: "sondern", "schwere" and "Muster" are one slip from Sundern, Schwerte
    and Munster."""
    all_lower = text == text.lower()

    def fixed(match: re.Match[str]) -> str:
        word = match.group("name")
        if (word[0].islower() and not all_lower) or places.find(word) or any(stem in vocabulary for stem in stems(word)):
            return match.group(0)
        common = folded(word) in common_words() or (not word.isascii() and is_common_word(word.lower(), EXONYM_LANGUAGES))
        shortest = MIN_PLACE_SLIP_CHARS if common else MIN_SHORT_PLACE_SLIP_CHARS
        near = {
            form
            for form in one_edit_away(word.lower())
            if len(form) >= shortest and form in places.canonical and form not in places.needs_cue
        }
        if len({places.canonical[form] for form in near}) != 1:
            return match.group(0)
        form = sorted(near)[0]
        name = form if word.islower() else form[0].upper() + form[1:]
        return match.group(0)[: match.start("name") - match.start()] + name

    return places.after_place_word.sub(fixed, text)


MIN_EXONYM_SLIP_CHARS = 6
"""Place names in Cyrillic or Arabic script at least this long are recognised with one slip."""
EXONYM_LANGUAGES = ("ru", "uk", "ar", "fa")
"""A common word of these languages (wordfreq) is never read as a misspelt place ("بولونيا",
Bologna, is one slip from "كولونيا", Köln)."""
ATTACHED_PREPOSITIONS = "بلو"
"""Arabic "in", "to", "and", written onto the next word ("بدورتموند", in Dortmund)."""


def fix_exonym_slips(text: str, places: Gazetteer) -> str:
    """The text with a place name in Cyrillic or Arabic script typed with one slip written right
    ("в Дотмунді", "у Кеельні") and an Arabic name with the preposition written on split off
    ("بدورتموند"): after a place word, a word that names no place and is no common Russian,
    Ukrainian, Arabic or Farsi word, one slip from the forms of exactly one place. Without a
    place word "Фризен" is a surname, not Viersen."""
    exonyms = [form for form in places.exonyms if len(form) >= MIN_EXONYM_SLIP_CHARS]

    def meant(word: str) -> str | None:
        lowered = word.lower()
        near = {form for form in exonyms if one_edit_apart(lowered, form)}
        if len({places.canonical[form] for form in near}) != 1 or places.find(word) or is_common_word(lowered, EXONYM_LANGUAGES):
            return None
        form = sorted(near)[0]
        return form[0].upper() + form[1:] if word[:1].isupper() else form

    def after_place_word(match: re.Match[str]) -> str:
        name = match.group("name")
        form = meant(name) if _OTHER_SCRIPT_WORD.fullmatch(name) else None
        return match.group(0) if form is None else match.group(0)[: match.start("name") - match.start()] + form

    def attached(match: re.Match[str]) -> str:
        word = match.group(0)
        rest = word[1:]
        return f"{word[0]} {rest}" if rest in places.canonical and not places.find(word) else word

    return _ARABIC_WORD.sub(attached, places.after_place_word.sub(after_place_word, text))


_OTHER_SCRIPT_WORD = re.compile(rf"{_OTHER_SCRIPT_LETTER}{{6,}}")
"""A word of six or more letters in a script other than Latin."""
MIN_ATTACHED_NAME_CHARS = 4
"""A known place form at least this long is split off an attached Arabic preposition ("بكولن", in
Köln); shorter ones are ordinary words too ("هام", important, is Hamm)."""
_ARABIC_WORD = re.compile(rf"(?<!\w)[{ATTACHED_PREPOSITIONS}][^\W\d_A-Za-z]{{{MIN_ATTACHED_NAME_CHARS},}}(?!\w)")
"""An Arabic word that may carry an attached preposition before a place name."""


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
        terms += [*glossary.places.canonical, *glossary.programmes.patterns]
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
    """A user's turn, understood once. ``turn`` is what the user typed (the answer repeats
    it); ``text`` is what is retrieved with (situation included); ``ask`` is what the selector
    and the gates judge: the asking sentences, with the programmes and places the telling ones
    name (a completed follow-up: its standalone text)."""

    turn: str
    text: str
    german: bool
    """Whether the ask is German (the selector's no-answer decision was learned from German
    questions): a German preamble does not make an Arabic question German."""
    places: tuple[str, ...]
    programmes: tuple[str, ...]
    unknown_terms: tuple[str, ...]
    place_filter: str | None = None
    intent: Intent = Intent.FACT
    land: str = STATEWIDE
    """Whose documents answer: NRW's, unless the question names a place in another Land only."""
    language: str | None = None
    """The language the turn is written in (``detect_language``: the interface's and others
    newcomers use, e.g. fa, ku, ti); None when unclear."""
    ask: str = ""
    """What the selector and the gates judge (defaults to ``text``)."""
    detail: str = "none"
    """The detail the turn asks for (a ``details`` key of ``cues.yaml``: phone, opening_hours, amount, date, …, or "none")."""
    says_nothing: bool = False
    """No recognised language and no word the documents know (``says_nothing``): declined."""
    unrelated: bool = False
    """About nothing the documents could answer (the learned topic head: a poem, the weather, a
    football result): declined, whatever retrieval finds."""
    needs: tuple[Need, ...] = ()
    """What the turn seeks help with (``asking.sought``: a flat, a German course; where the cues
    name none in a help or service request, the learned need head's, if applied); only documents
    that speak of one of them answer it."""
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)
    """The embedding of ``text`` (None when understood without an embedder)."""
    ask_vector: np.ndarray | None = field(default=None, compare=False, repr=False)
    """The embedding of ``ask`` (the same array when ask and text are the same)."""

    def __post_init__(self) -> None:
        if not self.ask:
            object.__setattr__(self, "ask", self.text)

    @property
    def wants_offers(self) -> bool:
        """Help-seeking, or a service lookup in a place, that names no programme: the answer lists offers."""
        wanted = self.intent is Intent.HELP or (self.intent is Intent.SERVICE and self.place_filter is not None)
        return wanted and not self.programmes

    @property
    def entities(self) -> set[str]:
        """Programmes and places (other than the whole Land) the turn names."""
        return {*self.programmes, *self.places} - {STATEWIDE}


def about_the_land(ask: str) -> bool:
    """Whether an ask speaks of the Land as the one who pays or acts (``cues.yaml``, ``the_land``)."""
    return cues().the_land.search(folded(ask)) is not None


@dataclass(frozen=True)
class Understanding:
    """What understanding a turn needs: the glossary, the corpus vocabulary and, optionally,
    a condenser for follow-ups (else the rules in ``followup``)."""

    glossary: Glossary
    vocabulary: Container[str]
    condenser: Condenser | None = None
    embed: Callable[[str], list[float]] | None = None
    """The question embedder (its vectors feed the intent classifier and the retrieval)."""
    classifier: IntentModel | None = None
    """The learned intent and detail heads for ``embed``'s vectors; None: the cues decide."""
    spellings: Spellings | None = None
    """The documents' spellings (``restore_spelling``); None: a turn is read as typed."""

    def respelled(self, text: str) -> str:
        """``text`` with place and programme names typed with a slip written right and its
        other words spelled as the documents spell them."""
        text = fix_exonym_slips(fix_place_slips(text, self.glossary.places, self.vocabulary), self.glossary.places)
        if self.spellings is not None:
            recase = detect_language(text) in (GERMAN, None)
            text = restore_spelling(text, self.spellings, self.glossary.places.canonical, recase=recase)
        return fix_programme_slips(text, self.glossary, self.vocabulary)

    def standalone(self, turn: str, previous: str | None) -> str:
        """The turn completed with the previous question if it cannot stand alone."""
        if previous and self.condenser is not None and is_elliptical(turn, self.glossary):
            condensed = self.condenser.condense(previous, turn)
            if condensed:
                return condensed
        return resolve_followup(turn, previous, self.glossary)

    def _subject(self, previous: str, context: str) -> str | None:
        """What an elliptical ask after ``context`` refers back to: the previous question, without
        its places when the context names the asker's own ("Ich wohne jetzt in Bochum. Und was
        kostet das?"); nothing when the context names a programme, which is then the subject
        ("Ich habe von der Integrationsagentur gehört. Gibt es das auch in Bochum?")."""
        if self.glossary.programmes_in(context):
            return None
        return self.glossary.places.without_places(previous) if self.glossary.places_in(context) else previous

    def focus(self, ask: str, context: str, unasked: set[str]) -> str:
        """The ask with the programmes and places only the context names ("Was machen die?"
        after "… ich soll zur Integrationsagentur gehen."), except the ``unasked`` places."""
        if not context:
            return ask
        named = [*self.glossary.programmes_in(context), *self.glossary.places_in(context)]
        own = {*self.glossary.programmes_in(ask), *self.glossary.places_in(ask)}
        extra = [name for name in dict.fromkeys(named) if name not in own | unasked and name != STATEWIDE]
        return " ".join([ask, *extra])

    def unasked(self, ask: str, context: str) -> set[str]:
        """The places only the situation names when the ask is about the Land: they do not narrow
        it ("Wie viel Geld hat das Land 2022 … ausgegeben? … für unseren Verein hier in Krefeld")."""
        if not context or not about_the_land(ask):
            return set()
        return set(self.glossary.places_in(context)) - set(self.glossary.places_in(ask))

    def scope(self, text: str, ask: str, unasked: set[str]) -> str | None:
        """The one place (Kreis or Stadt, not the whole Land) a question names, if exactly one; of a
        message naming several, the one its ask names ("Eine Freundin in Dortmund macht bei
        GriffbereitMini mit. Wir wohnen aber in Essen, gibt es das da auch?" asks about Essen),
        unless the ask also names the Land ("Gibt es in NRW so etwas wie in Dortmund?");
        never an ``unasked`` place."""
        places = [p for p in self.glossary.places_in(text) if p not in unasked]
        if len(local := [p for p in places if p != STATEWIDE]) == 1:
            return local[0]
        asked = self.glossary.places_in(ask) if ask != text else []
        return asked[0] if len(asked) == 1 and asked[0] != STATEWIDE else None

    def learned_need(self, text: str, vector: np.ndarray, ask: str, ask_vector: np.ndarray) -> str | None:
        """The need the learned head names for the whole message if it names the same one for the
        ask (with the places and programmes the situation names): a need only the situation tells
        ("… wohne in einer Unterkunft. Wo finde ich Unterstützung?") is not what the message seeks."""
        if self.classifier is None:
            return None
        need = self.classifier.sought_need(vector, text)
        if need is None or ask == text:  # one sentence: the message is its ask
            return need
        return need if self.classifier.sought_need(ask_vector, ask) == need else None

    def __call__(self, turn: str, previous: str | None = None, place_filter: str | None = None) -> Query:
        """Understand one (cleaned) turn of a conversation. A place the question names (also
        with a typing slip) narrows the search when the user has set no filter."""
        typed, plain = turn, without_courtesies(turn)
        turn = self.respelled(plain)
        before = self.respelled(without_courtesies(previous)) if previous else None
        split = split_ask(turn)
        completed = self.standalone(split.ask, self._subject(before, split.context)) if split.context and before else split.ask
        unasked = self.unasked(split.ask, split.context)
        if completed != split.ask:  # an elliptical ask after the asker's situation ("… Und in Bochum?")
            text, ask = f"{split.context} {completed}", completed
            own_ask = completed
        else:
            text = self.standalone(turn, before)
            own_ask = text if text != turn else split.ask
            ask = text if text != turn else self.focus(split.ask, split.context, unasked)
        language = detect_language(turn)
        vector = np.asarray(self.embed(text), dtype=np.float32) if self.embed is not None else None
        ask_vector = vector if ask == text or self.embed is None else np.asarray(self.embed(ask), dtype=np.float32)
        asked = self.classifier.asked(ask_vector, ask) if self.classifier is not None and ask_vector is not None else by_cues(ask)
        intent = Intent(asked.intent)
        told = "" if intent is Intent.DEFINITION else split.context  # "Was ist KIM?" asks that, whatever is told
        needs = sought(own_ask, told)  # not the focused ask: a programme the situation names is sought by no one
        seeks = intent in (Intent.HELP, Intent.SERVICE) and all(need.broad for need in needs)
        if seeks and vector is not None and ask_vector is not None:  # the cues name no specific need
            learned = cues().need_named(self.learned_need(text, vector, ask, ask_vector))
            needs = (learned, *needs) if learned and learned not in needs else needs
        return Query(
            turn=typed,
            text=text,
            german=(language if ask == turn else detect_language(ask)) == GERMAN,  # the ask's: the selector judges it
            places=tuple(p for p in self.glossary.places_in(turn) if p not in unasked),
            programmes=tuple(self.glossary.programmes_in(turn)),
            unknown_terms=tuple(unknown_terms(split.ask, self.vocabulary)),
            place_filter=place_filter or self.scope(text, own_ask, unasked),
            intent=intent,
            land=STATEWIDE if place_filter else self.glossary.land_in(text),
            language=language,
            ask=ask,
            detail=asked.detail,
            says_nothing=says_nothing(plain, self.vocabulary),  # as typed: respelling makes every word a document's
            unrelated=asked.unrelated,
            needs=needs,
            vector=vector,
            ask_vector=ask_vector,
        )
