"""The programme descriptions as a table for counsellors (read from their front matter), with
the press releases behind each one: title, date, link where known, and the passages used."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from app.conversation import Glossary
from app.core import (
    CONTENT_STOP_WORDS,
    STATEWIDE,
    BadMetadata,
    collapse_whitespace,
    read_front_matter,
    read_json_metadata,
    sentences_of,
    stems,
    words,
)
from app.edges.i18n import N_

FIELDS = (N_("Name"), N_("Wo"), N_("Seit"), N_("Geld"), N_("Träger"))
"""The table's columns (German; translated where shown), in the order of ``Programme.row``."""
_SOURCE_NOTE = re.compile(r"\(Quelle: ([^)]*)\)")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
log = logging.getLogger(__name__)
MIN_PREFIX = 4
"""A search stem this long also finds longer words it begins ("Eltern" -> "Elternarbeit")."""


@dataclass(frozen=True)
class Programme:
    """One description: table fields, the Markdown body, and the press releases behind it."""

    doc_id: str
    name: str
    where: str
    since: str
    money: str
    operator: str
    places: tuple[str, ...]
    body: str
    sources: tuple[str, ...]
    stems: frozenset[str] = field(default=frozenset(), compare=False)

    def row(self) -> list[str]:
        """The table fields, in the order of ``FIELDS``."""
        return [self.name, self.where, self.since, self.money, self.operator]

    def statements(self, source_label: str) -> list[str]:
        """The description's bullet points that name ``source_label`` as their source."""
        found = []
        for line in self.body.splitlines():
            bullet = _BULLET.match(line)
            notes = _SOURCE_NOTE.findall(line)
            if bullet and any(source_label in note for note in notes):
                found.append(_SOURCE_NOTE.sub("", bullet.group(1)).strip())
        return found


@dataclass(frozen=True)
class Source:
    """A press release a description rests on."""

    doc_id: str
    title: str
    date: str | None
    label: str
    url: str | None
    sentences: tuple[str, ...]

    def passages(self, programme: Programme) -> list[str]:
        """The release's sentences closest to each statement the description takes from it."""
        chosen: list[str] = []
        stemmed = [(sentence, set(stems(sentence))) for sentence in self.sentences]  # once, not per statement
        for statement in programme.statements(self.label):
            wanted = set(stems(statement))
            best, shared = max(((s, len(wanted & have)) for s, have in stemmed), key=lambda pair: pair[1], default=("", 0))
            if shared and best not in chosen:
                chosen.append(best)
        return chosen


def _strings(value: object) -> tuple[str, ...]:
    """A front-matter list as strings (anything else: none)."""
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def load_programmes(corpus_dir: Path) -> list[Programme]:
    """Every ``programmes/*.md`` with front matter; an unreadable file is left out with one log line."""
    programmes = []
    for path in sorted((corpus_dir / "programmes").glob("*.md")):
        try:
            m, content = read_front_matter(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, BadMetadata) as error:
            log.warning("Programmverzeichnis: %s übersprungen (%s)", path.name, " ".join(str(error).split())[:160])
            continue
        fields = [str(m.get(k, "")) for k in ("title", "where", "since", "money", "operator")]
        programmes.append(
            Programme(
                doc_id=f"programmes/{path.stem}",
                name=fields[0] or path.stem,
                where=fields[1],
                since=fields[2],
                money=fields[3],
                operator=fields[4],
                places=_strings(m.get("places")),
                body=content,
                sources=_strings(m.get("sources")),
                stems=frozenset(stems(" ".join([*fields, content]))),
            )
        )
    return programmes


def load_sources(corpus_dir: Path, doc_ids: set[str]) -> dict[str, Source]:
    """The press releases ``doc_ids`` names (only those: the press folder may be huge)."""
    sources = {}
    for doc_id in sorted(doc_ids):
        base = corpus_dir / doc_id
        try:
            meta = read_json_metadata(base.with_name(base.name + ".meta.json"))
            text = base.with_name(base.name + ".txt").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError, BadMetadata) as error:
            log.warning("Programmverzeichnis: Quelle %s übersprungen (%s)", doc_id, " ".join(str(error).split())[:160])
            continue
        sources[doc_id] = Source(
            doc_id,
            str(meta.get("title") or doc_id),
            meta.get("date_text") or meta.get("date"),
            str(meta.get("source_label") or ""),
            meta.get("url"),
            tuple(collapse_whitespace(s) for s in sentences_of(text)),
        )
    return sources


def search_alternatives(search: str, glossary: Glossary) -> list[list[list[str]]]:
    """Per search word, its alternatives (the word and its glossary synonyms), each as stems."""
    return [
        [stems(alternative) for alternative in glossary.alternatives(word)]
        for word in words(search)
        if word not in CONTENT_STOP_WORDS
    ]


def _found(stem: str, programme: Programme) -> bool:
    return stem in programme.stems or (len(stem) >= MIN_PREFIX and any(have.startswith(stem) for have in programme.stems))


def matches(programme: Programme, wanted: list[list[list[str]]]) -> bool:
    """Every search word is found: one of its alternatives has all its stems at the start of a
    word of the programme (so "Eltern" finds "Elternarbeit" and, as a synonym, "Familien")."""
    return all(
        any(alternative and all(_found(stem, programme) for stem in alternative) for alternative in alternatives)
        for alternatives in wanted
    )


def filter_programmes(
    programmes: list[Programme], place: str | None, search: str, glossary: Glossary | None = None
) -> list[Programme]:
    """Programmes about ``place`` (or statewide) that match every word of ``search``."""
    wanted = search_alternatives(search, glossary or Glossary())
    return [p for p in programmes if (not place or place in p.places or STATEWIDE in p.places) and matches(p, wanted)]


@dataclass(frozen=True)
class ProgrammeDirectory:
    """The counsellors' directory: every programme description and the press releases they
    cite, read once from the corpus folder."""

    programmes: list[Programme]
    sources: dict[str, Source]
    glossary: Glossary

    @classmethod
    def load(cls, corpus_dir: Path, glossary: Glossary | None = None) -> ProgrammeDirectory:
        """Every programme description in ``corpus_dir`` and the press releases they cite (with the corpus's
        glossary unless ``glossary`` is given)."""
        programmes = load_programmes(corpus_dir)
        cited = {s for p in programmes for s in p.sources}
        return cls(
            programmes, load_sources(corpus_dir, cited), glossary or Glossary.load(corpus_dir / "glossary" / "glossary.yaml")
        )

    def filter(self, place: str | None, search: str) -> list[Programme]:
        """The programmes about ``place`` (or statewide) that match every word of ``search``."""
        return filter_programmes(self.programmes, place, search, self.glossary)
