"""Web sources against the local ministry-like site: what three runs of ``lotse ingest`` fetch
and cost (first fetch; nothing changed; one page changed and one gone for good).

    python -m benchmarks.web_sources
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from app.conversation import Glossary
from app.core import Settings
from app.index import load_embeddings, open_client
from benchmarks.ministry_site import MinistrySite, press_page
from ingest.pipeline import run_ingest
from ingest.web_fetch import PoliteFetcher
from ingest.web_sources import load_sources
from ingest.web_sync import WebSync

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def run(settings: Settings, label: str) -> str:
    """One ``lotse ingest`` with the web sources; its row of the table."""
    sources = load_sources(settings.sources_path)
    fetcher = PoliteFetcher(sources.policy)
    started = time.perf_counter()
    try:
        report = run_ingest(
            settings,
            open_client(settings),
            load_embeddings(settings.embeddings),
            Glossary.load(settings.glossary_path),
            progress=False,
            web=WebSync(settings, sources, fetcher, progress=False),
        )
    finally:
        fetcher.close()
    web = report.web
    assert web is not None
    return (
        f"| {label} | {web.new} | {web.unchanged} | {web.changed} | {web.removed} | {web.failed} | {web.duplicates} | "
        f"{web.requests} | {report.texts_embedded} | {time.perf_counter() - started:.1f} |"
    )


def main() -> None:
    """Run three ingests against the local ministry site and print the table."""
    with MinistrySite() as site, tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "corpus" / "glossary").mkdir(parents=True)
        shutil.copy(CORPUS / "glossary" / "glossary.yaml", root / "corpus" / "glossary" / "glossary.yaml")
        (root / "corpus" / "sources.yaml").write_text(
            f"policy:\n  seconds_between_requests: 0.2\n  removed_after_runs: 1\n  allow_private_hosts: true\nsources:\n"
            f"  - feed: {site.url}/feed.xml\n    places: [Kleve]\n  - sitemap: {site.url}/sitemap.xml\n"
            f"  - url: {site.url}/presse/welcome-center-kopie\n  - url: {site.url}/binaer\n",
            encoding="utf-8",
        )
        settings = Settings(corpus_dir=root / "corpus", chroma_dir=root / "chroma", web_dir=root / "web")
        rows = [
            "| run | new | unchanged | changed | removed | failed | duplicates | HTTP requests | texts embedded | seconds |",
            "|---|---|---|---|---|---|---|---|---|---|",
            run(settings, "1 first fetch"),
            run(settings, "2 nothing changed"),
        ]
        site.site.pages["/presse/sprachcafe"] = press_page(
            "/presse/sprachcafe", ["Das Sprachcafé trifft sich jetzt donnerstags."], host=site.url
        )
        site.site.gone.add("/presse/lotsenprojekt")
        rows.append(run(settings, "3 one changed, one gone (410)"))
        print("\n".join(rows))
        print(
            "\nfailed: /intern/entwurf (robots.txt) and /binaer (binary content type); duplicate: welcome-center-kopie."
            "\nHTTP requests include robots.txt, feed and sitemaps; 0.2 s pause per request to the host."
        )


if __name__ == "__main__":
    main()
