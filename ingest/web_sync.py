"""Bring the local copy of the web sources up to date before ingest reads it.

Each fetched page is kept as it came (``<web_dir>/pages/<host>/<hash>.html`` or ``.pdf``) with a
sidecar naming its URL, fetch time, kind and region; ingest reads these like corpus files, so a
changed page replaces its chunks and a deleted copy removes them. What Lotse remembers per
address (ETag, Last-Modified, the hash of the page's text, misses) is in ``state.sqlite3``:

- unchanged: a 304, or the same text again (the copy is not rewritten, nothing is re-embedded);
- changed: new text, the copy is replaced;
- gone: 404/410 for ``removed_after_runs`` runs in a row, then the copy is deleted;
- failed: anything else (network, robots.txt, type, size) changes nothing and deletes nothing;
- duplicate: the same text as another address already has is not kept twice;
- retired: a page whose source left ``sources.yaml`` is deleted at the next run.

Every file is written to a temporary name and renamed, so a crash leaves old or new, never half."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tqdm import tqdm

from app.core import Settings, collapse_whitespace, write_atomically
from ingest.loaders import HtmlText, LoadError, html_main_text, read_pdf, sidecar_of
from ingest.web_discovery import canonical, discover
from ingest.web_fetch import Fetched, FetchError, PoliteFetcher
from ingest.web_guard import site_or_none
from ingest.web_sources import SourcesFile, WebSource

PAGES = "pages"
STATE = "state.sqlite3"
SUFFIX_BY_TYPE = {"text/html": ".html", "application/xhtml+xml": ".html", "application/pdf": ".pdf"}


@dataclass
class SyncReport:
    """What one run did with the web sources."""

    new: int = 0
    unchanged: int = 0
    changed: int = 0
    removed: int = 0
    failed: int = 0
    duplicates: int = 0
    requests: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The German report line: pages new, unchanged, changed, removed, failed, duplicate, and the requests made."""
        return (
            f"Web: {self.new} neu, {self.unchanged} unverändert, {self.changed} geändert, {self.removed} entfernt, "
            f"{self.failed} fehlgeschlagen, {self.duplicates} doppelt ({self.requests} Anfragen)"
        )


@dataclass(frozen=True)
class Known:
    """What Lotse remembers about one address."""

    url: str
    file: str | None
    etag: str | None
    last_modified: str | None
    text_sha: str | None
    misses: int


class WebState:
    """The per-address memory in SQLite."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, file TEXT, etag TEXT, last_modified TEXT, "
            "text_sha TEXT, misses INTEGER NOT NULL DEFAULT 0, checked_at TEXT)"
        )
        self.db.execute("CREATE INDEX IF NOT EXISTS pages_text ON pages (text_sha)")
        if "source" not in {row[1] for row in self.db.execute("PRAGMA table_info(pages)")}:
            self.db.execute("ALTER TABLE pages ADD COLUMN source TEXT")  # state written before sources were recorded

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def get(self, url: str) -> Known | None:
        """What is remembered about ``url``, or None if nothing."""
        row = self.db.execute(
            "SELECT url, file, etag, last_modified, text_sha, misses FROM pages WHERE url = ?", (url,)
        ).fetchone()
        return Known(*row) if row else None

    def holder_of(self, text_sha: str, other_than: str) -> str | None:
        """Another address whose kept copy has this text."""
        row = self.db.execute(
            "SELECT url FROM pages WHERE text_sha = ? AND url != ? AND file IS NOT NULL", (text_sha, other_than)
        ).fetchone()
        return row[0] if row else None

    def put(self, known: Known) -> None:
        """Remember ``known`` (the source that lists it stays as recorded)."""
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT source FROM pages WHERE url = ?))",
                (known.url, known.file, known.etag, known.last_modified, known.text_sha, known.misses, _now(), known.url),
            )

    def own(self, url: str, source: str) -> None:
        """Record which source lists ``url``."""
        with self.db:
            self.db.execute("UPDATE pages SET source = ? WHERE url = ?", (source, url))

    def orphans(self, sources: list[WebSource]) -> list[Known]:
        """Pages of sources no longer listed (pages stored before sources were recorded: those
        on none of the listed sources' sites)."""
        addresses = {source.address for source in sources}
        sites = frozenset().union(*(source.sites for source in sources))
        rows = self.db.execute("SELECT url, file, etag, last_modified, text_sha, misses, source FROM pages").fetchall()
        return [Known(*row[:6]) for row in rows if (row[6] not in addresses if row[6] else site_or_none(row[0]) not in sites)]

    def forget(self, url: str) -> None:
        """Delete what is remembered about ``url``."""
        with self.db:
            self.db.execute("DELETE FROM pages WHERE url = ?", (url,))


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def page_text(body: bytes, suffix: str) -> HtmlText:
    """The main text of a page (for change and duplicate checks), its stated metadata (for the
    canonical URL) and the hidden blocks dropped."""
    if suffix == ".pdf":
        try:
            return HtmlText(read_pdf(body)[0], None)
        except LoadError:
            return HtmlText("", None)
    return html_main_text(body)


def mirror_file(pages_dir: Path, url: str, suffix: str) -> Path:
    """Where the copy of ``url`` is kept: a folder per host, a file named by the URL's hash."""
    host = urlsplit(url).netloc.replace(":", "_") or "ohne-host"
    return pages_dir / host / (hashlib.sha256(url.encode()).hexdigest()[:20] + suffix)


@dataclass
class WebSync:
    """One run over all sources; ``run`` returns the report."""

    settings: Settings
    sources: SourcesFile
    fetcher: PoliteFetcher
    progress: bool = True
    report: SyncReport = field(default_factory=SyncReport)
    _done: set[str] = field(default_factory=set)
    """Addresses already handled this run (a page in a feed and a sitemap is fetched once)."""

    @property
    def pages_dir(self) -> Path:
        """The folder of the kept page copies."""
        return self.settings.web_dir / PAGES

    def run(self) -> SyncReport:
        """Delete the copies of pages whose source left ``sources.yaml``, then fetch every source's pages; the report."""
        state = WebState(self.settings.web_dir / STATE)
        try:
            self._retire(state)
            for source in self.sources.sources:
                found = discover(source, self.fetcher)
                self.report.warnings += found.warnings
                pages = [url for url in found.pages if url not in self._done]
                for url in tqdm(pages, desc=f"Web: {source.label}"[:60], unit="Seite", disable=not self.progress):
                    self._done.add(url)
                    self._sync(url, source, state)
        finally:
            state.close()
            self.report.requests = self.fetcher.requests
        return self.report

    def _retire(self, state: WebState) -> None:
        """Delete the copies of pages whose source left ``sources.yaml`` (ingest then removes them)."""
        for known in state.orphans(self.sources.sources):
            self._delete_copy(known)
            state.forget(known.url)
            self.report.removed += 1
            self._warn(known.url, "Quelle steht nicht mehr in sources.yaml: entfernt")

    def _delete_copy(self, known: Known) -> None:
        if known.file:
            copy = self.pages_dir / known.file
            copy.unlink(missing_ok=True)
            sidecar_of(copy).unlink(missing_ok=True)

    def _warn(self, url: str, problem: str) -> None:
        self.report.warnings.append(f"{url}: {problem}")

    def _sync(self, url: str, source: WebSource, state: WebState) -> None:
        try:
            self._fetch_and_keep(url, source, state)
        finally:
            state.own(url, source.address)

    def _fetch_and_keep(self, url: str, source: WebSource, state: WebState) -> None:
        known = state.get(url)
        # Ask conditionally unless a copy should exist and is gone (then the page is needed again).
        conditional = known is not None and (known.file is None or (self.pages_dir / known.file).is_file())
        try:
            etag, modified = (known.etag, known.last_modified) if known and conditional else (None, None)
            fetched = self.fetcher.get(url, etag, modified, sites=source.sites)
        except FetchError as error:
            self.report.failed += 1
            self._warn(url, str(error))
            return
        if fetched.status == 304 and known is not None:
            self.report.unchanged += 1
            state.put(Known(url, known.file, known.etag, known.last_modified, known.text_sha, 0))
        elif fetched.status in (404, 410):
            self._gone(url, fetched, known, state)
        else:
            self._keep(url, fetched, source, known, state)

    def _gone(self, url: str, fetched: Fetched, known: Known | None, state: WebState) -> None:
        limit = self.sources.policy.removed_after_runs
        if known is None:
            self.report.failed += 1
            self._warn(url, f"HTTP {fetched.status}")
            return
        misses = known.misses + 1
        if misses < limit:
            state.put(Known(url, known.file, known.etag, known.last_modified, known.text_sha, misses))
            self._warn(url, f"HTTP {fetched.status} ({misses}. Lauf von {limit}; danach wird die Seite entfernt)")
            return
        self._delete_copy(known)
        state.forget(url)
        self.report.removed += 1
        self._warn(url, f"HTTP {fetched.status} in {limit} Läufen nacheinander: entfernt")

    def _keep(self, url: str, fetched: Fetched, source: WebSource, known: Known | None, state: WebState) -> None:
        suffix = SUFFIX_BY_TYPE.get(fetched.content_type)
        if suffix is None:
            self.report.failed += 1
            self._warn(url, f"Inhaltstyp '{fetched.content_type or 'unbekannt'}' wird nicht gelesen (nur HTML und PDF)")
            return
        page = page_text(fetched.body, suffix)
        text, stated_url = page.text, (page.metadata.url if page.metadata is not None else None)
        for warning in page.hidden_warning():
            self._warn(url, warning)
        if not text.strip():
            self.report.failed += 1
            self._warn(url, "kein Text gefunden")
            return
        text_sha = hashlib.sha256(collapse_whitespace(text).encode()).hexdigest()
        holder = state.holder_of(text_sha, url)
        if holder is not None:
            self.report.duplicates += 1
            state.put(Known(url, None, fetched.etag, fetched.last_modified, text_sha, 0))
            self._warn(url, f"gleicher Text wie {holder}: nicht doppelt aufgenommen")
            return
        if known is not None and known.file and known.text_sha == text_sha and (self.pages_dir / known.file).is_file():
            self.report.unchanged += 1
            state.put(Known(url, known.file, fetched.etag, fetched.last_modified, text_sha, 0))
            return
        self._write_copy(url, fetched, source, suffix, stated_url, known, state, text_sha)

    def _write_copy(
        self,
        url: str,
        fetched: Fetched,
        source: WebSource,
        suffix: str,
        stated_url: str | None,
        known: Known | None,
        state: WebState,
        text_sha: str,
    ) -> None:
        same_site = stated_url and urlsplit(stated_url).netloc.lower() == urlsplit(fetched.url).netloc.lower()
        page_url = canonical(stated_url) if same_site and stated_url else fetched.url
        copy = mirror_file(self.pages_dir, url, suffix)
        if known is not None and known.file and known.file != copy.relative_to(self.pages_dir).as_posix():
            (self.pages_dir / known.file).unlink(missing_ok=True)  # the page changed type (HTML <-> PDF)
        sidecar = {
            "url": page_url,
            "fetched_at": _now(),
            "kind": source.kind,
            "places": source.places,
            **({"land": source.land} if source.land else {}),
        }
        write_atomically(copy, fetched.body)
        write_atomically(sidecar_of(copy), json.dumps(sidecar, ensure_ascii=False, indent=1).encode())
        state.put(Known(url, copy.relative_to(self.pages_dir).as_posix(), fetched.etag, fetched.last_modified, text_sha, 0))
        if known is not None and known.file:
            self.report.changed += 1
        else:
            self.report.new += 1
