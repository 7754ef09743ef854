"""Which pages a web source stands for: the page itself, the entries of an RSS/Atom feed
(feedparser), or the ``<loc>`` addresses of a sitemap, following a sitemap index one level
down (lxml without entities or network access; gzip-compressed sitemaps too)."""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

import feedparser
from lxml import etree

from ingest.web_fetch import FetchError, PoliteFetcher
from ingest.web_sources import WebSource

_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
MAX_SITEMAPS = 50


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


def sitemap_locations(body: bytes) -> tuple[list[str], list[str], str | None]:
    """Pages and child sitemaps of a sitemap (or sitemap index), and a problem if it is broken."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError) as error:
            return [], [], f"Sitemap nicht entpackbar ({error})"
    try:
        root = etree.fromstring(body, _SAFE_XML)
    except etree.XMLSyntaxError as error:
        return [], [], f"Sitemap ist kein gültiges XML ({' '.join(str(error).split())[:120]})"
    locations = [loc.text.strip() for loc in root.iter("{*}loc") if loc.text and loc.text.strip()]
    if etree.QName(root).localname == "sitemapindex":
        return [], locations, None
    return locations, [], None


def discover(source: WebSource, fetcher: PoliteFetcher) -> Discovery:
    """The pages ``source`` stands for, filtered by its patterns and limited to ``max_pages``."""
    found = Discovery()
    if source.url is not None:
        found.pages = [canonical(str(source.url))]
        return found
    queue, seen = [str(source.feed or source.sitemap)], 0
    while queue and seen < MAX_SITEMAPS:
        address = queue.pop(0)
        seen += 1
        try:
            fetched = fetcher.get(address)
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
            links, children, problem = sitemap_locations(fetched.body)
        if problem:
            found.warnings.append(f"{address}: {problem}")
            found.complete = False
        found.pages += [canonical(urljoin(fetched.url, link)) for link in links]
        queue += [urljoin(fetched.url, child) for child in children]
    wanted = [page for page in dict.fromkeys(found.pages) if source.wants(page)]
    if len(wanted) > source.max_pages:
        found.warnings.append(f"{source.label}: {len(wanted)} Seiten gefunden, nur die ersten {source.max_pages} werden geholt (max_pages)")
    found.pages = wanted[: source.max_pages]
    return found
