"""The web sources maintainers list in ``corpus/sources.yaml``: single pages, sitemaps (also
sitemap indexes) and RSS/Atom feeds, each with URL patterns to include or exclude, a kind
(press / programme) and a default region. A broken file is a clear German error."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator, model_validator

from app.core import ConfigurationError
from ingest.web_guard import site_of


class WebSource(BaseModel):
    """One entry: exactly one of ``url``, ``sitemap`` or ``feed``."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    url: HttpUrl | None = None
    sitemap: HttpUrl | None = None
    feed: HttpUrl | None = None
    kind: Literal["press", "programme"] = "press"
    places: list[str] = []
    """Default region of its pages (Kreis or Stadt names from the glossary)."""
    land: str | None = None
    include: list[str] = []
    """Regular expressions; a discovered page is kept when one matches (all, if none are given)."""
    exclude: list[str] = []
    max_pages: int = Field(default=500, ge=1)
    allowed_hosts: list[str] = []
    """Further sites (``host`` or ``host:port``) whose pages a feed or sitemap may list and a
    redirect may lead to; by default only the source's own site."""

    @field_validator("include", "exclude")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"ungültiges Muster {pattern!r}: {error}") from error
        return patterns

    @model_validator(mode="after")
    def _one_address(self) -> WebSource:
        if sum(x is not None for x in (self.url, self.sitemap, self.feed)) != 1:
            raise ValueError("genau eines von url, sitemap oder feed angeben")
        return self

    @property
    def address(self) -> str:
        """The source's one URL: page, sitemap or feed."""
        return str(self.url or self.sitemap or self.feed)

    @property
    def sites(self) -> frozenset[str]:
        """The sites this source's pages may come from: its own and ``allowed_hosts``."""
        return frozenset({site_of(self.address), *(h.strip().lower() for h in self.allowed_hosts)})

    @property
    def label(self) -> str:
        """The name shown in progress bars: ``name``, else the address."""
        return self.name or self.address

    def wants(self, page_url: str) -> bool:
        """Whether a discovered page belongs to this source (include and exclude patterns)."""
        if any(re.search(p, page_url) for p in self.exclude):
            return False
        return not self.include or any(re.search(p, page_url) for p in self.include)


class FetchPolicy(BaseModel):
    """How politely and how far Lotse fetches."""

    model_config = ConfigDict(extra="forbid")

    user_agent: str = "Lotse/0.1 (Integrationsassistent NRW; Pressemitteilungen und Programmseiten)"
    seconds_between_requests: float = Field(default=1.0, ge=0)
    """Per host; a robots.txt ``Crawl-delay`` that asks for more wins."""
    timeout_s: float = Field(default=20.0, gt=0)
    retries: int = Field(default=3, ge=0, le=10)
    max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    max_redirects: int = Field(default=5, ge=0, le=20)
    allow_private_hosts: bool = False
    """Fetch from loopback and private networks too: only for tests against local sites."""
    removed_after_runs: int = Field(default=3, ge=1)
    """A page answering 404/410 this many runs in a row is removed from the index."""


class SourcesFile(BaseModel):
    """The whole ``sources.yaml``: the fetch policy and the sources."""

    model_config = ConfigDict(extra="forbid")

    policy: FetchPolicy = FetchPolicy()
    sources: list[WebSource] = []


def load_sources(path: Path) -> SourcesFile:
    """The sources file (none listed if it does not exist); ``ConfigurationError`` if it is broken."""
    if not path.is_file():
        return SourcesFile()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return SourcesFile.model_validate(data)
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ConfigurationError(f"{path.name} ist kein gültiges YAML: {' '.join(str(error).split())[:200]}") from error
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:5])
        raise ConfigurationError(f"{path.name} ist fehlerhaft: {problems}") from error
