"""Which pages a web source stands for: the page itself, the entries of an RSS/Atom feed
(feedparser), or the ``<loc>`` addresses of a sitemap, following a sitemap index one level
down (lxml without entities or network access; gzip-compressed sitemaps too, unpacked in
steps and never past the policy's size cap). Only entries on the source's own sites
(``WebSource.sites``) are kept; the others are counted in a warning."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

import feedparser
from lxml import etree

from app.core import grouped
from ingest.web_fetch import FetchError, PoliteFetcher
from ingest.web_guard import site_of
from ingest.web_sources import WebSource

_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
MAX_SITEMAPS = 50
_UNPRINTABLE = re.compile(r"[\x00-\x20\x7f-\x9f]")
"""Characters no address may hold (a feed that plants terminal controls or spaces in a link)."""


@dataclass
class Discovery:
    """The page addresses found for one source, and a German warning per problem."""

    pages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    complete: bool = True
    """False when a feed or sitemap could not be read: absence from it then means nothing."""


def canonical(url: str) -> str:
    """An address without its #fragment, with a lower-case scheme and host."""
    bare, _ = urldefrag(url.strip())
    parts = urlsplit(bare)
    return parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()).geturl()


def feed_links(body: bytes) -> tuple[list[str], str | None]:
    """The entry links of a feed, and a problem description if it is broken."""
    parsed = feedparser.parse(body)
    links = [str(e.get("link")) for e in parsed.entries if e.get("link")]
    if links:
        return links, None
    problem = str(parsed.get("bozo_exception") or "keine Einträge")
    return [], f"Feed nicht lesbar ({' '.join(problem.split())[:120]})"


class TooLarge(ValueError):
    """Compressed data that unpacks to more than the cap."""


def gunzip(body: bytes, max_bytes: int) -> bytes:
    """``body`` unpacked (gzip), in steps, refusing to grow past ``max_bytes``."""
    unpacker = zlib.decompressobj(wbits=31)
    out = bytearray(unpacker.decompress(body, max_bytes + 1))
    while unpacker.unconsumed_tail and len(out) <= max_bytes:
        out += unpacker.decompress(unpacker.unconsumed_tail, max_bytes + 1 - len(out))
    if len(out) > max_bytes:
        raise TooLarge(f"entpackt größer als {grouped(max_bytes)} Bytes")
    if not unpacker.eof:
        raise zlib.error("unvollständige gzip-Daten")
    return bytes(out)


def sitemap_locations(body: bytes, max_bytes: int = 10 * 1024 * 1024) -> tuple[list[str], list[str], str | None]:
    """Pages and child sitemaps of a sitemap (or sitemap index), and a problem if it is broken."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_bytes)
        except (TooLarge, zlib.error) as error:
            return [], [], f"Sitemap nicht entpackbar ({error})"
    try:
        root = etree.fromstring(body, _SAFE_XML)
    except etree.XMLSyntaxError as error:
        return [], [], f"Sitemap ist kein gültiges XML ({' '.join(str(error).split())[:120]})"
    locations = [loc.text.strip() for loc in root.iter("{*}loc") if loc.text and loc.text.strip()]
    if etree.QName(root).localname == "sitemapindex":
        return [], locations, None
    return locations, [], None


def _on_sites(urls: list[str], sites: frozenset[str]) -> tuple[list[str], list[str]]:
    """``urls`` split into those on ``sites`` and the others (unparseable or unprintable ones count as others)."""
    inside: list[str] = []
    outside: list[str] = []
    for url in urls:
        try:
            valid = urlsplit(url).scheme in ("http", "https") and not _UNPRINTABLE.search(url)
            (inside if valid and site_of(url) in sites else outside).append(url)
        except ValueError:
            outside.append(url)
    return inside, outside


def discover(source: WebSource, fetcher: PoliteFetcher) -> Discovery:
    """The pages ``source`` stands for, filtered by its patterns and limited to ``max_pages``."""
    found = Discovery()
    if source.url is not None:
        found.pages = [canonical(str(source.url))]
        return found
    queue, seen = [str(source.feed or source.sitemap)], 0
    skipped: list[str] = []
    while queue and seen < MAX_SITEMAPS:
        address = queue.pop(0)
        seen += 1
        try:
            fetched = fetcher.get(address, sites=source.sites)
        except FetchError as error:
            found.warnings.append(f"{address}: {error}")
            found.complete = False
            continue
        if fetched.status != 200:
            found.warnings.append(f"{address}: HTTP {fetched.status}")
            found.complete = False
            continue
        if source.feed is not None:
            links, problem = feed_links(fetched.body)
            children: list[str] = []
        else:
            links, children, problem = sitemap_locations(fetched.body, fetcher.policy.max_bytes)
        if problem:
            found.warnings.append(f"{address}: {problem}")
            found.complete = False
        found.pages += [canonical(urljoin(fetched.url, link)) for link in links]
        maps, elsewhere = _on_sites([urljoin(fetched.url, child) for child in children], source.sites)
        queue += maps
        skipped += elsewhere
    found.pages, elsewhere = _on_sites(found.pages, source.sites)
    skipped += elsewhere
    if skipped:
        found.warnings.append(
            f"{source.label}: {len(skipped)} Einträge auf anderen Websites nicht geholt "
            f"(z. B. {skipped[0][:100]}; erlauben mit allowed_hosts)"
        )
    wanted = [page for page in dict.fromkeys(found.pages) if source.wants(page)]
    if len(wanted) > source.max_pages:
        found.warnings.append(
            f"{source.label}: {len(wanted)} Seiten gefunden, nur die ersten {source.max_pages} werden geholt (max_pages)"
        )
    found.pages = wanted[: source.max_pages]
    return found
