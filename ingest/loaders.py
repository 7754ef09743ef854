"""Find and read corpus files (.txt, .md, .html, .pdf) with their metadata.

Metadata comes from a sidecar ``<name>.meta.json`` or Markdown front matter; the raw
files are never changed. Anything unreadable raises ``LoadError`` naming the file.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core import BadMetadata, grouped, read_front_matter, read_json_metadata
from ingest.metadata import parse_meta
from ingest.visible import visible_page

SUFFIXES = {".txt", ".md", ".html", ".htm", ".pdf"}
SIDECAR_SUFFIX = ".meta.json"
SKIPPED_DIRS = {"glossary", "emergency"}
"""Folders of the corpus that hold data for the app, not documents (the glossary, the emergency numbers)."""
SKIPPED_FILES = {"sources.yaml"}
"""Configuration beside the documents, not a document."""
KIND_BY_FOLDER = {"press": "press", "programmes": "programme"}
SKIPPED = "übersprungen"
"""The word that marks a discovery warning about a file left out (others are notes on ingested files)."""
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_LINE_CHARS = 20_000
MAX_TEXT_CHARS = 500_000
"""About 150 pages of text; longer files are not press releases or programme pages."""
_MD_MARKUP = [
    (re.compile(r"^#{1,6}\s*", re.MULTILINE), ""),
    (re.compile(r"^\s*(?:[-*+]|\d+\.)\s+", re.MULTILINE), ""),
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"(\*\*|__|`)"), ""),
]


class LoadError(Exception):
    """A file that cannot be ingested; the message says why, in German, on one line."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


@dataclass(frozen=True)
class CorpusFile:
    """A file found in the corpus, identified before it is parsed."""

    path: Path
    doc_id: str
    kind: str
    fingerprint: str


@dataclass(frozen=True)
class SourceDocument:
    """A parsed document: extracted text plus metadata as the document states it."""

    doc_id: str
    kind: str
    title: str
    date: str | None
    text: str
    fingerprint: str
    places: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    land: str | None = None
    """The Land the document says it is about (else ingest derives it from its places)."""
    url: str | None = None
    """The web page it was fetched from (sidecar of a fetched page), else None."""
    warnings: tuple[str, ...] = ()
    """Metadata fields that were dropped (the document itself is fine)."""


def sidecar_of(path: Path) -> Path:
    """The metadata file beside a document (``<name>.meta.json``)."""
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def discover(corpus_dir: Path, prefix: str = "") -> tuple[list[CorpusFile], list[str]]:
    """All ingestible files below ``corpus_dir`` and a warning for each skipped one; with a
    ``prefix`` (fetched web pages: "web") the document ids start with it."""
    files: list[CorpusFile] = []
    warnings: list[str] = []
    for path in sorted(_walk(corpus_dir, warnings)):
        rel = readable(path.relative_to(corpus_dir).as_posix())
        if path.name.endswith(SIDECAR_SUFFIX) or path.name.startswith("."):
            continue
        if path.suffix.lower() not in SUFFIXES:
            warnings.append(f"{rel}: {SKIPPED} (Dateityp '{readable(path.suffix) or 'ohne Endung'}' wird nicht unterstützt)")
            continue
        if rel != path.relative_to(corpus_dir).as_posix():
            warnings.append(f"{rel}: Dateiname ist kein gültiges UTF-8, ungültige Bytes als '\ufffd' übernommen")
        try:
            fingerprint = _fingerprint(path)
        except (OSError, LoadError) as error:
            warnings.append(f"{rel}: {SKIPPED} ({error})")
            continue
        parts = rel.split("/")
        kind = KIND_BY_FOLDER.get(parts[0], "document") if len(parts) > 1 else "document"
        doc_id = rel.rsplit(".", 1)[0]
        files.append(CorpusFile(path=path, doc_id=f"{prefix}/{doc_id}" if prefix else doc_id, kind=kind, fingerprint=fingerprint))
    return files, warnings


def readable(name: str) -> str:
    """A file name as valid text: bytes that are not UTF-8 become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _walk(root: Path, warnings: list[str]) -> Iterator[Path]:
    """Regular files below ``root``; links that loop, lead nowhere or leave ``root`` are reported."""
    top = root.resolve()
    seen: set[Path] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            resolved = folder.resolve(strict=True)
        except (OSError, RuntimeError):
            warnings.append(f"{readable(str(folder.relative_to(root)))}: {SKIPPED} (Ordner nicht lesbar)")
            continue
        if resolved in seen:
            warnings.append(f"{readable(str(folder.relative_to(root)))}: {SKIPPED} (Verknüpfung im Kreis)")
            continue
        seen.add(resolved)
        for entry in sorted(folder.iterdir()):
            rel = readable(str(entry.relative_to(root)))
            if (entry.name in SKIPPED_DIRS or entry.name in SKIPPED_FILES) and folder == root:
                continue
            if entry.is_symlink() and not entry.resolve().is_relative_to(top):
                warnings.append(f"{rel}: {SKIPPED} (Verknüpfung zeigt aus dem Korpus-Ordner hinaus)")
            elif entry.is_dir():
                stack.append(entry)
            elif entry.is_file():
                yield entry
            else:
                warnings.append(f"{rel}: {SKIPPED} (keine lesbare Datei)")


def _fingerprint(path: Path) -> str:
    """Hash of the file and its sidecar: a changed file or changed metadata re-ingests."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise LoadError(f"größer als {MAX_FILE_BYTES // (1024 * 1024)} MB")
    digest = hashlib.sha256(path.read_bytes())
    sidecar = sidecar_of(path)
    if sidecar.is_file():
        digest.update(sidecar.read_bytes())
    return digest.hexdigest()[:32]


def load(file: CorpusFile) -> SourceDocument:
    """Parse one corpus file into a ``SourceDocument``."""
    raw = file.path.read_bytes()
    suffix = file.path.suffix.lower()
    notes: list[str] = []
    if suffix == ".pdf":
        text, stated = read_pdf(raw)
    elif suffix in {".html", ".htm"}:
        text, stated, notes = _read_html(raw)
    elif suffix == ".md":
        text, stated = _read_markdown(_decode(raw))
    else:
        text, stated = _decode(raw), {}
    meta, warnings = parse_meta(stated, "den Metadaten der Datei")
    sidecar, sidecar_warnings = parse_meta(_read_sidecar(file.path), sidecar_of(file.path).name)
    meta = meta.model_copy(update=sidecar.model_dump(exclude_unset=True))
    if not text.strip():
        raise LoadError("kein Text gefunden")
    if len(text) > MAX_TEXT_CHARS:
        raise LoadError(f"Text zu lang ({grouped(len(text))} Zeichen, höchstens {grouped(MAX_TEXT_CHARS)})")
    if any(len(line) > MAX_LINE_CHARS for line in text.splitlines()):
        raise LoadError(f"eine Zeile hat mehr als {MAX_LINE_CHARS} Zeichen (kein Fließtext)")
    return SourceDocument(
        doc_id=file.doc_id,
        kind=meta.kind or file.kind,
        title=meta.title or _first_line(text),
        date=meta.date or None,
        text=text,
        fingerprint=file.fingerprint,
        places=tuple(meta.places),
        sources=tuple(meta.sources),
        land=meta.land,
        url=meta.url,
        warnings=tuple(notes + warnings + sidecar_warnings),
    )


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LoadError(f"kein gültiges UTF-8 (Byte {error.start})") from error


def _first_line(text: str) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line[:200]


def _read_sidecar(path: Path) -> dict[str, Any]:
    sidecar = sidecar_of(path)
    if not sidecar.is_file():
        return {}
    try:
        return read_json_metadata(sidecar)
    except BadMetadata as error:
        raise LoadError(str(error)) from error


def _read_markdown(text: str) -> tuple[str, dict[str, Any]]:
    try:
        metadata, body = read_front_matter(text)
    except BadMetadata as error:
        raise LoadError(str(error)) from error
    for pattern, replacement in _MD_MARKUP:
        body = pattern.sub(replacement, body)
    return body, metadata


@dataclass(frozen=True)
class HtmlText:
    """A page's main text, the metadata its markup states (or None), and how many hidden text
    blocks were dropped before extraction."""

    text: str
    metadata: Any
    hidden_blocks: int = 0

    def hidden_warning(self) -> list[str]:
        """The per-page warning about dropped hidden text (none if there was none)."""
        n = self.hidden_blocks
        return (
            [f"{n} versteckte{'r' if n == 1 else ''} Textblock{'' if n == 1 else 'e'} verworfen (für Lesende unsichtbar)"]
            if n
            else []
        )


def html_main_text(raw: bytes) -> HtmlText:
    """A page's main text as a reader sees it (hidden elements removed first, ``ingest.visible``;
    then trafilatura: no navigation, banners or footer) and the metadata its markup states
    (title, date, canonical URL; nothing guessed)."""
    import trafilatura

    page = visible_page(raw)
    text = trafilatura.extract(page.markup, include_comments=False, include_tables=True, favor_precision=True)
    return HtmlText(text or "", trafilatura.extract_metadata(page.markup, extensive=False), page.hidden_blocks)


def _read_html(raw: bytes) -> tuple[str, dict[str, Any], list[str]]:
    page = html_main_text(raw)
    meta: dict[str, Any] = {}
    if page.metadata is not None and page.metadata.title:
        meta["title"] = page.metadata.title
    if page.metadata is not None and page.metadata.date:
        meta["date"] = page.metadata.date
    return page.text, meta, page.hidden_warning()


def read_pdf(raw: bytes) -> tuple[str, dict[str, Any]]:
    """The text of a PDF and its stated title (``LoadError`` if it cannot be read)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or ""
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise LoadError(f"PDF nicht lesbar: {error}") from error
    return "\n".join(pages), ({"title": title} if title.strip() else {})
