"""NRW's places from the official municipality directory (``places/``, © Statistisches
Bundesamt (Destatis), dl-de/by-2-0): every Gemeinde, Kreis and kreisfreie Stadt, the exonyms
and spellings people use, found in text by one compiled pattern.

A place is reported at the level Lotse's documents are about: its Kreis or kreisfreie Stadt
("Ich wohne in Brüggen" → "Kreis Viersen"), or the whole Land (``STATEWIDE``). Names that are
also ordinary words ("Essen", "Hamm", "Lage") count only right after a place word ("in Essen",
"Stadt Marl"); a longer name wins over the shorter one it contains ("Köln-Mülheim" is Köln,
"Rhein-Kreis Neuss" one place)."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import yaml

from app.core import STATEWIDE, kept_per_text, without_umlauts

PLACES = Path(__file__).parent / "places"
_PLACE_PHRASE = re.compile(
    r"\b(?:im|in|aus|bei|für|fuer)(?:\s+(?:der|dem|den))?(?:\s+(?:Kreis(?:es)?|Stadt|Gemeinde))?\s*$", re.I
)
"""The words that lead into a place name, removed with it."""
MIN_TAIL_CHARS = 6
"""Forms at least this long also match with an ending ("Dortmunder", "Bochums"); shorter ones
only whole ("Hamm" is not "Hammer") or with the Kurmanji ending ("li Hammê", "li Bonnê")."""
KURMANJI_ENDING = r"(?:y?ê)?"
"""Kurmanji puts a place after "li" (in) or "ji" (from) in the oblique case: "-ê", after a vowel "-yê"."""


def kreis_name(name: str, kind: str) -> str:
    """The canonical name of a row of ``nrw_kreise.csv``: "Köln", "Kreis Kleve", "Rhein-Kreis Neuss"."""
    return name if kind != "Kreis" or "kreis" in name.lower() else f"Kreis {name}"


def _spellings(form: str) -> set[str]:
    """A form as people type it: with and without umlauts, and without a bracketed addition
    ("Halle (Westf.)" → "Halle")."""
    bare = re.sub(r"\s*\(.*?\)$", "", form).strip()
    return {s for f in (form, bare) for s in (f, without_umlauts(f), without_umlauts(f, spelled_out=True))}


@dataclass(frozen=True)
class Gazetteer:
    """Surface forms (lower case) of every place and the canonical name each stands for."""

    canonical: dict[str, str]
    needs_cue: frozenset[str]
    pattern: re.Pattern[str]
    cities: frozenset[str] = frozenset()
    """The kreisfreie Städte among the canonical names."""
    districts: dict[str, str] = field(default_factory=dict)
    """Lower-case form → the city it is a district of, in a text that names that city."""
    after_place_word: re.Pattern[str] = re.compile(r"(?!)")
    """A word of at least four letters right after place words ("in", "im Kreis", …): the name, in group "name"."""

    @classmethod
    def build(
        cls,
        forms: dict[str, set[str]],
        needs_cue: set[str],
        cue_words: list[str],
        cities: frozenset[str] = frozenset(),
        districts: dict[str, str] | None = None,
    ) -> Gazetteer:
        """A gazetteer from canonical name → surface forms."""
        canonical = {form.lower(): name for name, names in forms.items() for form in names}
        alternatives = "|".join(
            re.escape(f) + (r"\w*" if len(f) >= MIN_TAIL_CHARS else rf"{KURMANJI_ENDING}(?!\w)")
            for f in sorted(canonical, key=len, reverse=True)
        )
        cues = "|".join(re.escape(c) for c in cue_words)
        pattern = re.compile(rf"(?:\b(?P<cue>{cues})\s+)?(?<![\w-])(?P<name>{alternatives})", re.IGNORECASE)
        after = re.compile(rf"\b(?:(?:{cues})\s+)+(?P<name>\w{{4,}})", re.IGNORECASE)
        return cls(
            canonical,
            frozenset(f.lower() for c in needs_cue for f in _spellings(c)),
            pattern,
            cities,
            {f.lower(): city for name, city in (districts or {}).items() for f in _spellings(name)},
            after,
        )

    @classmethod
    def official(cls, folder: Path = PLACES) -> Gazetteer:
        """The directory's places with the spellings of ``names.yaml``."""
        return _official(folder)

    @property
    def names(self) -> list[str]:
        """Every canonical name, the Land first."""
        return [STATEWIDE, *sorted(set(self.canonical.values()) - {STATEWIDE})]

    def mentions(self, text: str) -> list[re.Match[str]]:
        """Each place mention in ``text``. A name that is also an ordinary word counts only after
        a place word, and capitalised (or in a script without case) unless the whole text is typed
        in lower case ("in Enger", "ich wohne in essen", "در بن", not "in enger Zusammenarbeit")."""
        found = []
        all_lower = text == text.lower()
        for match in self.pattern.finditer(text):
            surface, name = self._surface(match.group("name")), match.group("name")
            if surface is not None and (
                surface not in self.needs_cue or match.group("cue") and (not name[:1].islower() or all_lower)
            ):
                found.append(match)
        return found

    def _surface(self, matched: str) -> str | None:
        """The known form a match stands for (it may carry an ending: "Dortmunder")."""
        lowered = matched.lower()
        while lowered and lowered not in self.canonical:
            lowered = lowered[:-1]
        return lowered or None

    @cached_property
    def exonyms(self) -> tuple[str, ...]:
        """The forms written in a script other than Latin ("дортмунді", "كولونيا")."""
        return tuple(f for f in self.canonical if f[:1].isalpha() and not unicodedata.name(f[0], "").startswith("LATIN"))

    @kept_per_text
    def find(self, text: str) -> list[str]:
        """The canonical places a text names, in order, each once (a district as its city
        when the text names that city)."""
        return list(dict.fromkeys(place for place, _ in self.located(text)))

    def located(self, text: str) -> list[tuple[str, int]]:
        """Each place mention in ``text`` as its canonical place and where it starts (a
        district as its city when the text names that city)."""
        mentions = self.mentions(text)
        surfaces = [self._surface(m.group("name")) or "" for m in mentions]
        named = {self.canonical[s] for s in surfaces}
        return [
            (self.districts[s] if self.districts.get(s) in named else self.canonical[s], m.start("name"))
            for s, m in zip(surfaces, mentions)
        ]

    def without_places(self, text: str) -> str:
        """The text with every place phrase ("im Kreis Kleve", "in Köln") removed."""
        kept, last = [], 0
        for match in self.mentions(text):
            lead = _PLACE_PHRASE.search(text, last, match.start())
            kept.append(text[last : lead.start() if lead else match.start()])
            last = match.end()
        kept.append(text[last:])
        return re.sub(r"\s+([?.!,])", r"\1", " ".join("".join(kept).split()))

    def dative(self, place: str, preposition: str) -> str:
        """The place after "in" or "zu", contracted as German does: "in Bonn", "im Kreis
        Viersen", "in der Städteregion Aachen", "Zum Märkischen Kreis" (capitalised like ``preposition``)."""
        word = preposition.lower()
        if place in self.cities or place == STATEWIDE:
            phrase = f"{word} {place}"
        elif place.startswith("Städteregion"):
            phrase = f"{'zur' if word == 'zu' else word + ' der'} {place}"
        else:
            phrase = f"{'zum' if word == 'zu' else 'im'} {_declined(place)}"
        return phrase[0].upper() + phrase[1:] if preposition[:1].isupper() else phrase

    def genitive(self, place: str) -> str:
        """The place as the owner of its office: "der Stadt Bonn", "des Kreises Viersen",
        "des Märkischen Kreises", "der Städteregion Aachen"."""
        if place in self.cities:
            return f"der Stadt {place}"
        if place.startswith("Städteregion"):
            return f"der {place}"
        return "des " + re.sub(r"([Kk]reis)\b", r"\1es", _declined(place))

    def canonical_place(self, name: str) -> str | None:
        """The canonical place for a user's spelling ("KÖLN", "kreis kleve", "Brüggen"), if known."""
        found = self.find(name.strip())
        return found[0] if found else self.canonical.get(name.strip().lower())


def _declined(place: str) -> str:
    """An adjective in a Kreis's name in the dative: "Märkischer Kreis" → "Märkischen Kreis"."""
    return re.sub(r"(\w+)er Kreis\b", r"\1en Kreis", place)


@cache
def _official(folder: Path) -> Gazetteer:
    rows = _rows(folder / "nrw_kreise.csv")
    kreise = {row["ags"]: kreis_name(row["name"], row["kind"]) for row in rows}
    cities = frozenset(row["name"] for row in rows if row["kind"] == "kreisfreie Stadt")
    forms: dict[str, set[str]] = {name: _spellings(name) for name in kreise.values()}
    for name in kreise.values():  # declined: "des Kreises Kleve", "im Märkischen Kreis", "des Rhein-Kreises Neuss"
        declined = _declined(name)
        forms[name] |= _spellings(declined) | _spellings(re.sub(r"([Kk]reis)\b", r"\1es", declined))
    for row in _rows(folder / "nrw_gemeinden.csv"):
        forms[kreise[row["kreis_ags"]]] |= _spellings(row["name"])
    data = yaml.safe_load((folder / "names.yaml").read_text(encoding="utf-8"))
    forms[STATEWIDE] = {s for f in data["statewide"] for s in _spellings(f)}
    for name, extra in data["forms"].items():
        forms[name] |= {s for f in extra for s in _spellings(f)}
    return Gazetteer.build(forms, set(data["needs_cue"]), data["cue_words"], cities, data["districts"])


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def places_digest(folder: Path = PLACES) -> bytes:
    """The directory's files as bytes for the ingest's fingerprint: new place data re-tags every chunk."""
    return b"".join(path.read_bytes() for path in sorted(folder.glob("*.*")))
