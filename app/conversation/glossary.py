"""The glossary: abbreviations and synonyms for query expansion, programme names for chunk
metadata; places come from the official directory (``gazetteer``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from app.conversation.gazetteer import Gazetteer
from app.core import STATEWIDE, in_source_note, is_german, kept_per_text, spelling_key, without_umlauts

_NAME_PARTS = re.compile(r"[\s-]+|(?<=[a-zäöüß]{3})(?=[A-ZÄÖÜ][a-zäöüß]{2})")
"""Where a name's parts meet: a space, a hyphen or a capital inside a word ("GriffbereitMini")."""


def _word_pattern(form: str, *, case_sensitive: bool) -> re.Pattern[str]:
    """A surface form as a whole-word pattern (a prefix of a longer word also counts
    when the form is long enough to be unambiguous, e.g. "Integrationsagentur" -> "…en").
    Its parts may be typed apart, joined or hyphenated ("Griffbereit Mini", "Welcome-Center",
    "Komm An")."""
    tail = r"\w*" if len(form) >= 6 else r"(?!\w)"
    flags = 0 if case_sensitive else re.IGNORECASE
    body = r"[\s-]*".join(re.escape(part) for part in _NAME_PARTS.split(form))
    return re.compile(rf"(?<!\w){body}{tail}", flags)


def spellings(form: str) -> list[str]:
    """A name as people type it without umlauts too ("Köln", "Koln", "Koeln")."""
    return list(dict.fromkeys([form, without_umlauts(form), without_umlauts(form, spelled_out=True)]))


@dataclass(frozen=True)
class _Names:
    """Canonical names with their surface-form patterns."""

    patterns: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)
    forms: dict[str, list[str]] = field(default_factory=dict)
    """The surface forms of each name, as the glossary writes them."""

    @classmethod
    def build(cls, table: dict[str, list[str]]) -> _Names:
        return cls(
            {
                name: [_word_pattern(spelling, case_sensitive=form.isupper()) for form in forms for spelling in spellings(form)]
                for name, forms in table.items()
            },
            {name: list(forms) for name, forms in table.items()},
        )

    @kept_per_text
    def find(self, text: str) -> list[str]:
        return [name for name, pats in self.patterns.items() if any(p.search(text) for p in pats)]

    def mentions(self, text: str) -> list[tuple[str, int, int]]:
        """Each occurrence of a name in ``text``: the name, where it starts and where it ends."""
        return [(name, *m.span()) for name, pats in self.patterns.items() for p in pats for m in p.finditer(text)]


def _followed_by(question: str, extra: list[str]) -> str:
    return f"{question} ({'; '.join(extra)})" if extra else question


@dataclass(frozen=True)
class Glossary:
    """Abbreviations, synonym groups, programme names, NRW's places and other Länder's."""

    abbreviations: dict[str, str] = field(default_factory=dict)
    misread: frozenset[str] = frozenset()
    """Abbreviations everyday language uses for something else ("KI": Künstliche Intelligenz)."""
    synonyms: list[list[str]] = field(default_factory=list)
    programmes: _Names = field(default_factory=_Names)
    places: Gazetteer = field(default_factory=Gazetteer.official)
    lands: _Names = field(default_factory=_Names)
    """Other Länder: each with the names of its places."""

    @classmethod
    def load(cls, path: Path) -> Glossary:
        """Read the YAML glossary; a missing file gives an empty glossary."""
        if not path.is_file():
            return cls()
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls(
            abbreviations=dict(data.get("abbreviations") or {}),
            misread=frozenset(data.get("misread_abbreviations") or ()),
            synonyms=[list(group) for group in data.get("synonyms") or []],
            programmes=_Names.build(data.get("programmes") or {}),
            lands=_Names.build(data.get("lands") or {}),
        )

    def expansions(self, question: str) -> list[str]:
        """Terms to add to a question: full forms of its abbreviations (exact case, so
        "KI" is the Kommunales Integrationszentrum), the head of each synonym group hit, and the
        German name of a programme the question names in another language."""
        found = self.full_forms(question)
        lowered = question.lower()
        for group in self.synonyms:
            head = group[0]
            if head.lower() in lowered:
                continue
            if any(re.search(rf"(?<!\w){re.escape(t.lower())}", lowered) for t in group[1:]):
                found.append(head)
        if not is_german(question):
            found += [name for name in self.programmes_in(question) if name.lower() not in lowered]
        return list(dict.fromkeys(found))

    def words(self) -> dict[str, str]:
        """The single words of the synonym groups by ``spelling_key`` ("hilfe" -> "Hilfe"): words
        questions use that the documents may only write inside longer ones."""
        return {spelling_key(word): word for group in self.synonyms for word in group if word.isalpha()}

    def alternatives(self, term: str) -> list[str]:
        """``term`` and every member of each synonym group that has a member ``term`` starts with
        ("Eltern" -> Mütter, Väter, Familien …)."""
        lowered = term.lower()
        found = [term]
        for group in self.synonyms:
            if any(lowered.startswith(member.lower()) for member in group):
                found += group
        return list(dict.fromkeys(found))

    def full_forms(self, question: str, *, misread_only: bool = False) -> list[str]:
        """The full forms of the question's abbreviations (exact case: "KI" is the Kommunales
        Integrationszentrum, "ki" is not), or only of those everyday language misreads."""
        return [
            full
            for abbreviation, full in self.abbreviations.items()
            if (abbreviation in self.misread or not misread_only)
            and re.search(rf"(?<!\w){re.escape(abbreviation)}(?!\w)", question)
        ]

    def expand(self, question: str) -> str:
        """The question followed by its expansions (unchanged when there are none)."""
        return _followed_by(question, self.expansions(question))

    def spelled_out(self, question: str) -> str:
        """The question followed by the full forms of the abbreviations everyday language reads
        otherwise (unchanged when it has none)."""
        return _followed_by(question, self.full_forms(question, misread_only=True))

    def places_in(self, text: str) -> list[str]:
        """Canonical place names mentioned in a text."""
        return self.places.find(text)

    def programmes_in(self, text: str) -> list[str]:
        """Canonical programme names mentioned in a text."""
        return self.programmes.find(text)

    def sentence_tags(self, sentence: str, title: str) -> tuple[set[str], set[str]]:
        """What ingest stores with a sentence of a document titled ``title``: the programmes
        and places the sentence and the title name (the whole Land left out), and the places the
        sentence itself names (the Land included, but not as part of a programme's name, "KOMM-AN
        NRW"; not those of its source note, "(Quelle: PM Kreis Viersen)"). A district counts as its
        city when either names that city ("die Einrichtung ist in Mülheim" in "Stadtteilmütter Köln")."""
        text = f"{sentence} {title}"
        located = self.places.located(text)
        programmes = self.programmes.mentions(text)

        def said_by_the_sentence(place: str, start: int) -> bool:
            in_a_name = place == STATEWIDE and any(a <= start < b for _, a, b in programmes)
            return start < len(sentence) and not in_a_name and not in_source_note(sentence, start)

        own = {place for place, start in located if said_by_the_sentence(place, start)}
        return {*(name for name, _, _ in programmes), *(place for place, _ in located)} - {STATEWIDE}, own

    def land_in(self, text: str) -> str:
        """The Land a text is about: another Land when it names places of exactly one other
        Land and no place in NRW; otherwise Nordrhein-Westfalen, Lotse's home."""
        others = self.lands.find(text)
        in_nrw = [p for p in self.places_in(text) if p != STATEWIDE]
        return others[0] if len(others) == 1 and not in_nrw else STATEWIDE

    def canonical_land(self, name: str) -> str:
        """A document's stated Land in the glossary's spelling ("NRW" -> Nordrhein-Westfalen);
        a Land the glossary does not know stays as written."""
        known = self.lands.find(name) or [p for p in self.places_in(name) if p == STATEWIDE]
        return known[0] if known else name.strip()

    def canonical_place(self, name: str) -> str | None:
        """The canonical place for a user's spelling ("KÖLN", "kreis kleve", "Brüggen"), if known."""
        return self.places.canonical_place(name)
