"""A polite HTTP fetcher: robots.txt (Protego), a per-host pause between requests (or the
site's ``Crawl-delay`` if longer), a user agent naming Lotse, timeouts, retries with backoff on
429/5xx (``Retry-After`` honoured), conditional GET (ETag / Last-Modified), a size cap while
reading, a total deadline per request, and redirects followed by hand within a limit, each hop
checked against robots.txt and kept on the source's own sites. Connections go only to public
addresses (``ingest.web_guard``). A site whose ``Crawl-delay`` asks for more than
``MAX_CRAWL_DELAY_S`` is skipped for the run. Every failure is a ``FetchError`` with one
German line; nothing here raises anything else."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from app.core import grouped
from ingest.web_guard import BlockedAddress, guarded_client, site_or_none
from ingest.web_sources import FetchPolicy

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER_S = 60.0
MAX_CRAWL_DELAY_S = 30.0


class FetchError(Exception):
    """A URL that could not be fetched; ``str()`` says why, in German."""


@dataclass(frozen=True)
class Fetched:
    """A response: ``status`` 200 with a body, or 304 (unchanged), 404 or 410 (gone)."""

    url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None


def host_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url``: the key for robots.txt and the pause between requests."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class PoliteFetcher:
    """Fetches for one run; keeps robots.txt and the last request time per host."""

    policy: FetchPolicy
    client: httpx.Client = field(init=False)
    """``guarded_client``: public addresses only, unless the policy allows private hosts."""
    sleep: Callable[[float], None] = time.sleep
    backoff_s: float = 2.0
    _robots: dict[str, Protego | None] = field(default_factory=dict)
    _last_request: dict[str, float] = field(default_factory=dict)
    _unreachable: dict[str, str] = field(default_factory=dict)
    """Why a site's robots.txt could not be fetched."""
    requests: int = 0

    def __post_init__(self) -> None:
        self.client = guarded_client(self.policy.allow_private_hosts)

    def close(self) -> None:
        """Close the HTTP client and its connections."""
        self.client.close()

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets Lotse fetch ``url`` (no robots.txt: yes; unreachable: no)."""
        rules = self._rules(host_of(url))
        return rules is not None and rules.can_fetch(url, self.policy.user_agent)

    def reachable(self, url: str) -> bool:
        """Whether the site answered for its robots.txt (a site that did not is skipped this run)."""
        return self._rules(host_of(url)) is not None

    def too_slow(self, url: str) -> float | None:
        """The site's ``Crawl-delay`` if it asks for more than ``MAX_CRAWL_DELAY_S`` (then it is skipped)."""
        rules = self._robots.get(host_of(url))
        delay = rules.crawl_delay(self.policy.user_agent) if rules else None
        return float(delay) if delay is not None and delay > MAX_CRAWL_DELAY_S else None

    def _rules(self, host: str) -> Protego | None:
        if host not in self._robots:
            try:
                response = self._request(f"{host}/robots.txt", {})
            except FetchError as error:
                self._robots[host] = None
                self._unreachable[host] = str(error)
                return None
            if response.status_code >= 500:
                self._robots[host] = None  # the site is in trouble: fetch nothing from it this run
            elif response.status_code >= 400:
                self._robots[host] = Protego.parse("")  # no robots.txt: everything is allowed
            else:
                self._robots[host] = Protego.parse(response.text)
        return self._robots[host]

    def _pause(self, host: str) -> None:
        """Wait until this host's pause since the last request is over."""
        rules = self._robots.get(host)
        delay = max(self.policy.seconds_between_requests, (rules.crawl_delay(self.policy.user_agent) or 0) if rules else 0)
        last = self._last_request.get(host)
        if last is not None:
            wait = last + delay - time.monotonic()
            if wait > 0:
                self.sleep(wait)
        self._last_request[host] = time.monotonic()

    def _request(self, url: str, headers: dict[str, str]) -> httpx.Response:
        """One GET with retries; the body is read up to the size cap."""
        host = host_of(url)
        for attempt in range(self.policy.retries + 1):
            self._pause(host)
            self.requests += 1
            try:
                response = self._read(url, headers)
            except BlockedAddress as error:
                raise FetchError(str(error)) from error
            except httpx.TransportError as error:
                if attempt == self.policy.retries:
                    raise FetchError(f"nicht erreichbar ({type(error).__name__})") from error
                self.sleep(self.backoff_s * 2**attempt)
                continue
            if response.status_code not in RETRY_STATUS or attempt == self.policy.retries:
                return response
            self.sleep(self._retry_after(response) or self.backoff_s * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns or raises

    def _read(self, url: str, headers: dict[str, str]) -> httpx.Response:
        timeout = httpx.Timeout(self.policy.timeout_s)
        deadline = time.monotonic() + self.policy.timeout_s
        with self.client.stream(
            "GET", url, headers={"User-Agent": self.policy.user_agent, **headers}, timeout=timeout, follow_redirects=False
        ) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.policy.max_bytes:
                raise FetchError(f"zu groß ({grouped(int(declared))} Bytes, höchstens {grouped(self.policy.max_bytes)})")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > self.policy.max_bytes:
                    raise FetchError(f"zu groß (mehr als {grouped(self.policy.max_bytes)} Bytes)")
                if time.monotonic() > deadline:
                    raise FetchError(f"zu langsam (nach {self.policy.timeout_s:g} s nicht vollständig, timeout_s)")
            return httpx.Response(response.status_code, headers=response.headers, content=bytes(body), request=response.request)

    @staticmethod
    def _retry_after(response: httpx.Response) -> float | None:
        value = response.headers.get("retry-after", "").strip()
        if value.isdigit():
            return min(float(value), MAX_RETRY_AFTER_S)
        try:
            return min(max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0), MAX_RETRY_AFTER_S)
        except (TypeError, ValueError):
            return None

    def get(
        self, url: str, etag: str | None = None, last_modified: str | None = None, sites: frozenset[str | None] = frozenset()
    ) -> Fetched:
        """Fetch ``url`` (conditionally if ``etag``/``last_modified`` are known), following
        redirects within ``url``'s own site and ``sites``; ``FetchError`` for robots.txt,
        internal addresses, errors, size, time and redirects elsewhere or in a loop."""
        headers = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v}
        seen = [url]
        allowed_sites = sites | {site_or_none(url)}
        while True:
            if not self.reachable(url):
                why = self._unreachable.get(host_of(url), "robots.txt ließ sich nicht abrufen")
                raise FetchError(f"Website nicht erreichbar ({why})")
            if not self.allowed(url):
                raise FetchError("robots.txt erlaubt den Abruf nicht")
            delay = self.too_slow(url)
            if delay is not None:
                raise FetchError(
                    f"Crawl-delay {delay:g} s ist länger als {MAX_CRAWL_DELAY_S:g} s: Website in diesem Lauf übersprungen"
                )
            try:
                response = self._request(url, headers)
            except httpx.HTTPError as error:  # invalid URLs and other client-side problems
                raise FetchError(f"Abruf fehlgeschlagen ({type(error).__name__})") from error
            if response.is_redirect and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                if url in seen or len(seen) > self.policy.max_redirects:
                    raise FetchError(f"zu viele Weiterleitungen (mehr als {self.policy.max_redirects} oder im Kreis)")
                if site_or_none(url) not in allowed_sites:
                    raise FetchError(f"Weiterleitung auf eine andere Website ({url[:100]}) wird nicht verfolgt")
                seen.append(url)
                continue
            if response.status_code in (200, 304, 404, 410):
                return Fetched(
                    url,
                    response.status_code,
                    response.content if response.status_code == 200 else b"",
                    response.headers.get("content-type", "").split(";")[0].strip().lower(),
                    response.headers.get("etag"),
                    response.headers.get("last-modified"),
                )
            raise FetchError(f"HTTP {response.status_code}")
