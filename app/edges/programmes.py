"""The programme descriptions as a table for counsellors (read from their front matter)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import frontmatter

from app.core import STATEWIDE

FIELDS = ("Name", "Wo", "Seit", "Geld", "Träger")


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

    def row(self) -> list[str]:
        return [self.name, self.where, self.since, self.money, self.operator]


def _strings(value: object) -> tuple[str, ...]:
    """A front-matter list as strings (anything else: none)."""
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def load_programmes(corpus_dir: Path) -> list[Programme]:
    """Every ``programmes/*.md`` with front matter; unreadable files are left out."""
    programmes = []
    for path in sorted((corpus_dir / "programmes").glob("*.md")):
        try:
            post = frontmatter.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        m = post.metadata
        programmes.append(
            Programme(
                doc_id=f"programmes/{path.stem}", name=str(m.get("title", path.stem)), where=str(m.get("where", "")),
                since=str(m.get("since", "")), money=str(m.get("money", "")), operator=str(m.get("operator", "")),
                places=_strings(m.get("places")), body=post.content, sources=_strings(m.get("sources")),
            )
        )
    return programmes


def press_titles(corpus_dir: Path) -> dict[str, str]:
    """doc_id -> title of each press release (from its sidecar)."""
    titles = {}
    for sidecar in sorted((corpus_dir / "press").glob("*.meta.json")):
        try:
            titles[f"press/{sidecar.name.removesuffix('.meta.json')}"] = str(json.loads(sidecar.read_text(encoding="utf-8"))["title"])
        except (OSError, ValueError, KeyError):
            continue
    return titles


def filter_programmes(programmes: list[Programme], place: str | None, search: str) -> list[Programme]:
    """Programmes about ``place`` (or statewide), whose fields contain ``search``."""
    needle = search.strip().lower()
    return [
        p
        for p in programmes
        if (not place or place in p.places or STATEWIDE in p.places)
        and (not needle or needle in " ".join([*p.row(), p.body]).lower())
    ]


@dataclass(frozen=True)
class ProgrammeDirectory:
    """The counsellors' directory: every programme description and the press releases'
    titles they cite, read once from the corpus folder."""

    programmes: list[Programme]
    titles: dict[str, str]

    @classmethod
    def load(cls, corpus_dir: Path) -> ProgrammeDirectory:
        return cls(load_programmes(corpus_dir), press_titles(corpus_dir))

    def filter(self, place: str | None, search: str) -> list[Programme]:
        return filter_programmes(self.programmes, place, search)
