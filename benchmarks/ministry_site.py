"""A local web site shaped like a ministry's press pages, served on 127.0.0.1 for the web-source
tests: press releases with header, navigation, cookie banner, social-media block, dated article
and footer; an RSS feed and a sitemap index pointing at them; a PDF; robots.txt; and switches for
the cases a real site shows (changed page, gone page, flaky server, redirect loop, huge or
binary response, broken feed, a page that trickles one byte at a time, and whatever
files or redirects a test adds). Every request is logged with its time and headers."""

from __future__ import annotations

import hashlib
import io
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>{title} | Ministerium</title>
<link rel="canonical" href="{canonical}">
<meta property="article:published_time" content="{date}">
<script>window.tracker = "Dieser Text darf nicht im Index landen";</script></head>
<body>
<div id="cookie-banner">Diese Website verwendet Cookies. Cookie-Einstellungen akzeptieren ablehnen</div>
<header><nav><a href="/">Startseite</a> <a href="/presse">Presse</a> <a href="/themen">Themen</a>
<a href="/kontakt">Kontakt</a></nav></header>
<main><article>
<h1>{title}</h1>
<time datetime="{date}">{date}</time>
{paragraphs}
</article>
<aside class="social">"Social Media"-Einstellungen: Teilen auf Facebook, X und Instagram</aside>
<section class="related"><h2>Das könnte Sie auch interessieren</h2><a href="/presse/andere">Andere Meldung</a></section>
</main>
<footer>Impressum Datenschutz Barrierefreiheit © Ministerium</footer>
</body></html>"""

RELEASES = {
    "/presse/welcome-center": (
        "Welcome Center im Kreis Kleve eröffnet",
        "2025-03-14",
        [
            "Das Welcome Center im Kreis Kleve bündelt die Beratung für neu Zugewanderte an einem Ort.",
            "Ausländerbehörde, Einbürgerungsstelle und Kommunales Integrationszentrum arbeiten dort zusammen.",
            "Die Beratung ist kostenlos und in mehreren Sprachen möglich.",
        ],
    ),
    "/presse/sprachcafe": (
        "Sprachcafé in Wesel startet",
        "2025-05-02",
        [
            "Im Sprachcafé in Wesel üben Zugewanderte jeden Dienstag gemeinsam Deutsch.",
            "Ehrenamtliche begleiten die Treffen in der Stadtbibliothek.",
        ],
    ),
    "/presse/lotsenprojekt": (
        "Lotsenprojekt für Familien",
        "2025-06-20",
        [
            "Das Lotsenprojekt begleitet zugewanderte Familien bei Behördengängen im Kreis Kleve.",
            "Die Lotsinnen und Lotsen sprechen Arabisch, Ukrainisch und Türkisch.",
        ],
    ),
}
PDF_TITLE = "Förderrichtlinie Integrationslotsen 2025"
PDF_TEXT = "Die Integrationslotsen im Kreis Kleve begleiten Zugewanderte zu Ämtern."


def press_page(path: str, paragraphs: list[str] | None = None, host: str = "") -> bytes:
    """The HTML page of the release at ``path`` (with ``paragraphs`` instead of its own, if given)."""
    title, date, texts = RELEASES[path]
    body = "\n".join(f"<p>{p}</p>" for p in (paragraphs or texts))
    return PAGE.format(title=title, date=date, paragraphs=body, canonical=f"{host}{path}").encode()


def pdf_document() -> bytes:
    """A one-page PDF with real, extractable text (matplotlib with TrueType fonts)."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["pdf.fonttype"] = 42
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8.27, 11.69))
    figure.text(0.1, 0.9, PDF_TITLE)
    figure.text(0.1, 0.85, PDF_TEXT)
    out = io.BytesIO()
    figure.savefig(out, format="pdf", metadata={"Title": PDF_TITLE})
    return out.getvalue()


@dataclass
class Site:
    """The site's state, changed by the tests between runs."""

    host: str = ""
    robots: str = "User-agent: *\nDisallow: /intern/\n"
    pages: dict[str, bytes] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    flaky: dict[str, int] = field(default_factory=dict)
    """Path -> how many more requests answer 500 before it works."""
    log: list[tuple[float, str, dict[str, str]]] = field(default_factory=list)
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    """Path -> (body, content type) for anything else a test serves (feeds, packed sitemaps)."""
    redirects: dict[str, str] = field(default_factory=dict)
    """Path -> where a 302 sends the client (any address)."""

    def feed(self) -> bytes:
        """The RSS feed listing every press release."""
        items = "".join(f"<item><title>{RELEASES[p][0]}</title><link>{self.host}{p}</link></item>" for p in RELEASES)
        head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Presse</title>'
        return f"{head}{items}</channel></rss>".encode()

    def sitemap_index(self) -> bytes:
        """The sitemap index pointing at the press sitemap."""
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{self.host}/sitemap-presse.xml</loc></sitemap></sitemapindex>"
        ).encode()

    def sitemap(self) -> bytes:
        """The press sitemap: the releases, the PDF and a page robots.txt disallows."""
        urls = [*RELEASES, "/dokumente/richtlinie.pdf", "/intern/entwurf"]
        locs = "".join(f"<url><loc>{self.host}{u}</loc></url>" for u in urls)
        return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'.encode()

    def requests_for(self, path: str) -> list[dict[str, str]]:
        """The headers of each logged request for ``path``, in order."""
        return [headers for _, p, headers in self.log if p == path]


class _Handler(BaseHTTPRequestHandler):
    site: Site

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _send_header_only(self, status: int, length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        site, path = self.site, self.path.split("?")[0]
        site.log.append((time.monotonic(), path, {k.lower(): v for k, v in self.headers.items()}))
        if site.flaky.get(path, 0) > 0:
            site.flaky[path] -= 1
            return self._send(500, b"kaputt")
        if path in site.gone:
            return self._send(410, b"weg")
        if path == "/robots.txt":
            return self._send(200, site.robots.encode(), "text/plain")
        if path == "/feed.xml":
            return self._send(200, site.feed(), "application/rss+xml")
        if path == "/kaputt.xml":
            return self._send(200, b"<rss><channel><item><title>ohne Ende", "application/rss+xml")
        if path == "/sitemap.xml":
            return self._send(200, site.sitemap_index(), "application/xml")
        if path == "/sitemap-presse.xml":
            return self._send(200, site.sitemap(), "application/xml")
        if path.startswith("/kreis/"):
            return self._send(302, Location="/kreis/" + ("b" if path.endswith("a") else "a"))
        if path == "/riesig":
            return self._send(200, b"<html><body>" + b"x" * (3 * 1024 * 1024) + b"</body></html>")
        if path == "/binaer":
            return self._send(200, bytes(range(256)) * 10, "application/octet-stream")
        if path == "/langsam":
            time.sleep(3)
            return self._send(200, b"<html><body><p>zu spaet</p></body></html>")
        if path in site.redirects:
            return self._send(302, Location=site.redirects[path])
        if path in site.files:
            return self._send(200, *site.files[path])
        if path == "/tropfen":  # one byte every half second: alive, but never done
            self._send_header_only(200, 10_000)
            try:
                for _ in range(60):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.5)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the fetcher gave up, as it should
            return None
        if path == "/dokumente/richtlinie.pdf":
            return self._send(200, pdf_document(), "application/pdf")
        body = site.pages.get(path)
        if body is None:
            return self._send(404, b"nicht gefunden")
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            return self._send(304, ETag=etag)
        return self._send(200, body, ETag=etag)


class MinistrySite:
    """Serves a ``Site`` on a free loopback port (``with MinistrySite() as site: site.url``)."""

    def __init__(self) -> None:
        self.site = Site()
        handler = type("Handler", (_Handler,), {"site": self.site})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.site.host = self.url
        self.site.pages = {path: press_page(path, host=self.url) for path in RELEASES}
        self.site.pages["/presse/welcome-center-kopie"] = press_page("/presse/welcome-center", host=self.url)

    def __enter__(self) -> MinistrySite:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
