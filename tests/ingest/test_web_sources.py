"""Web sources against a local ministry-like site (no internet): first fetch, a second run of
304s without re-embedding, a changed page, a removed page, a flaky server, robots.txt, the rate
limit, hostile responses, and the URL carried into citations."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.conversation import Glossary
from app.core import ConfigurationError, Settings
from app.index import open_client
from benchmarks.ministry_site import PDF_TEXT, MinistrySite, press_page
from ingest.loaders import discover, load
from ingest.pipeline import run_ingest
from ingest.web_fetch import PoliteFetcher
from ingest.web_sources import FetchPolicy, SourcesFile, load_sources
from ingest.web_sync import PAGES, SyncReport, WebSync
from tests.conftest import CORPUS, HashEmbeddings, cli_env, ingest

FAST = {"seconds_between_requests": 0.0, "timeout_s": 2.0, "retries": 2, "max_bytes": 1024 * 1024, "allow_private_hosts": "true"}


@pytest.fixture
def site() -> Iterator[MinistrySite]:
    with MinistrySite() as running:
        yield running


def sources_yaml(site: MinistrySite, **policy: object) -> str:
    lines = [
        "policy:",
        *(f"  {k}: {v}" for k, v in {**FAST, **policy}.items()),
        "sources:",
        f"  - name: Presse (Feed)\n    feed: {site.url}/feed.xml\n    kind: press\n    places: [Kleve]",
        f"  - name: Sitemap\n    sitemap: {site.url}/sitemap.xml\n    exclude: ['/sprachcafe']",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def settings(tmp_path: Path, site: MinistrySite) -> Settings:
    corpus = tmp_path / "corpus"
    (corpus / "glossary").mkdir(parents=True)
    shutil.copy(CORPUS / "glossary" / "glossary.yaml", corpus / "glossary" / "glossary.yaml")
    (corpus / "sources.yaml").write_text(sources_yaml(site), encoding="utf-8")
    return Settings(corpus_dir=corpus, chroma_dir=tmp_path / "chroma", web_dir=tmp_path / "web", collection="web")


def sync(settings: Settings) -> SyncReport:
    sources = load_sources(settings.sources_path)
    fetcher = PoliteFetcher(sources.policy, backoff_s=0.01)
    try:
        return WebSync(settings, sources, fetcher, progress=False).run()
    finally:
        fetcher.close()


def copies(settings: Settings) -> dict[str, dict]:
    """URL -> sidecar of every kept page."""
    return {json.loads(p.read_text())["url"]: json.loads(p.read_text()) for p in (settings.web_dir / PAGES).rglob("*.meta.json")}


def test_first_run_fetches_feed_and_sitemap_pages_and_keeps_provenance(settings: Settings, site: MinistrySite) -> None:
    report = sync(settings)
    kept = copies(settings)
    assert report.new == 4, report.warnings  # three releases (feed; the sitemap repeats them) and the PDF
    assert set(kept) == {f"{site.url}/presse/{p}" for p in ("welcome-center", "sprachcafe", "lotsenprojekt")} | {
        f"{site.url}/dokumente/richtlinie.pdf"
    }
    assert (
        kept[f"{site.url}/presse/welcome-center"]["places"] == ["Kleve"]
        and kept[f"{site.url}/presse/welcome-center"]["kind"] == "press"
    )
    assert any("/intern/entwurf" in w and "robots.txt" in w for w in report.warnings)
    assert not site.site.requests_for("/intern/entwurf")  # never asked for
    assert all(h["user-agent"].startswith("Lotse/") for _, _, h in site.site.log)


def test_pages_are_read_as_clean_text_with_their_own_date(settings: Settings) -> None:
    sync(settings)
    files, _ = discover(settings.web_dir / PAGES, prefix="web")
    documents = {d.title: d for d in map(load, files)}
    release = documents["Welcome Center im Kreis Kleve eröffnet"]
    assert "Kommunales Integrationszentrum arbeiten dort zusammen" in release.text
    for noise in ("Cookie", "Startseite", "Impressum", "Social Media", "tracker", "Das könnte Sie auch interessieren"):
        assert noise not in release.text, noise
    assert release.date == "2025-03-14" and release.url and release.url.endswith("/presse/welcome-center")
    assert release.doc_id.startswith("web/") and release.kind == "press"
    assert PDF_TEXT in next(d for d in documents.values() if d.url and d.url.endswith(".pdf")).text


def test_second_run_costs_one_304_per_page_and_embeds_nothing(settings: Settings, site: MinistrySite) -> None:
    sync(settings)
    embeddings = HashEmbeddings()
    assert ingest(settings, embeddings).chunks > 0
    before = len(site.site.log)
    again = sync(settings)
    assert again.new == again.changed == again.removed == 0 and again.unchanged == 4
    page_requests = [h for _, p, h in site.site.log[before:] if p.startswith("/presse/")]
    assert page_requests and all("if-none-match" in h for h in page_requests)
    calls = embeddings.calls
    report = ingest(settings, embeddings)
    assert embeddings.calls == calls and report.texts_embedded == 0 and report.unchanged == 4


def test_a_changed_page_replaces_its_chunks(settings: Settings, site: MinistrySite) -> None:
    sync(settings)
    embeddings = HashEmbeddings()
    ingest(settings, embeddings)
    site.site.pages["/presse/sprachcafe"] = press_page(
        "/presse/sprachcafe", ["Das Sprachcafé in Wesel trifft sich jetzt donnerstags."], host=site.url
    )
    report = sync(settings)
    assert report.changed == 1 and report.unchanged == 3
    assert ingest(settings, embeddings).updated == 1
    files, _ = discover(settings.web_dir / PAGES, prefix="web")
    texts = " ".join(load(f).text for f in files)
    assert "donnerstags" in texts and "jeden Dienstag" not in texts


def test_a_page_gone_for_three_runs_is_removed_and_a_network_failure_deletes_nothing(
    settings: Settings, site: MinistrySite
) -> None:
    sync(settings)
    site.site.gone.add("/presse/lotsenprojekt")
    for run in (1, 2):
        report = sync(settings)
        assert report.removed == 0 and any(f"{run}. Lauf von 3" in w for w in report.warnings)
    assert sync(settings).removed == 1
    assert f"{site.url}/presse/lotsenprojekt" not in copies(settings)
    kept = copies(settings)
    site.server.shutdown()  # the site is unreachable now
    site.server.server_close()
    down = sync(settings)
    assert down.removed == 0 and any("nicht erreichbar" in w for w in down.warnings) and copies(settings) == kept


def test_a_flaky_server_is_retried(settings: Settings, site: MinistrySite) -> None:
    site.site.flaky["/presse/welcome-center"] = 1
    report = sync(settings)
    assert report.new == 4 and report.failed == 1  # only the page robots.txt excludes
    assert len(site.site.requests_for("/presse/welcome-center")) == 2


def test_requests_to_one_host_keep_the_pause(settings: Settings, site: MinistrySite) -> None:
    settings.sources_path.write_text(sources_yaml(site, seconds_between_requests=0.3), encoding="utf-8")
    sync(settings)
    times = [t for t, _, _ in site.site.log]
    assert len(times) >= 8
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.29


def test_hostile_responses_get_one_warning_each_and_never_stop_the_run(settings: Settings, site: MinistrySite) -> None:
    bad = ["/kreis/a", "/riesig", "/binaer", "/langsam", "/fehlt"]
    entries = "".join(f"  - url: {site.url}{path}\n" for path in bad)
    settings.sources_path.write_text(
        sources_yaml(site).replace("sources:\n", f"sources:\n{entries}  - feed: {site.url}/kaputt.xml\n"), encoding="utf-8"
    )
    report = sync(settings)
    assert report.new == 4  # the good sources still come in
    warnings = "\n".join(report.warnings)
    for path, reason in [
        ("/kreis/a", "Weiterleitungen"),
        ("/riesig", "zu groß"),
        ("/binaer", "Inhaltstyp"),
        ("/langsam", "nicht erreichbar"),
        ("/fehlt", "HTTP 404"),
        ("/kaputt.xml", "Feed nicht lesbar"),
    ]:
        assert any(path in w and reason in w for w in report.warnings), (path, warnings)


def test_the_same_text_under_two_addresses_is_kept_once(settings: Settings, site: MinistrySite) -> None:
    settings.sources_path.write_text(
        sources_yaml(site).replace("sources:\n", f"sources:\n  - url: {site.url}/presse/welcome-center-kopie\n"), encoding="utf-8"
    )
    report = sync(settings)
    assert report.duplicates == 1 and report.new == 4


def test_a_broken_sources_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - url: kein-link\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="sources.yaml ist fehlerhaft"):
        load_sources(path)
    path.write_text("sources:\n  - feed: https://example.org/a.xml\n    sitemap: https://example.org/s.xml\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="genau eines"):
        load_sources(path)
    assert load_sources(tmp_path / "fehlt.yaml") == SourcesFile()
    assert FetchPolicy().user_agent.startswith("Lotse/")


@pytest.mark.integration
def test_ingest_fetches_and_citations_link_to_the_page(settings: Settings, site: MinistrySite) -> None:
    env = cli_env(settings, LOTSE_WEB_DIR=str(settings.web_dir))
    check = subprocess.run(
        [sys.executable, "-m", "app", "sources", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert check.returncode == 0, check.stderr
    assert f"{site.url}/presse/welcome-center" in check.stdout and "robots.txt" in check.stdout
    run = subprocess.run([sys.executable, "-m", "app", "ingest", "--quiet"], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "Web: 4 neu" in run.stdout
    answer = subprocess.run(
        [sys.executable, "-m", "app", "ask", "Was macht das Welcome Center im Kreis Kleve?", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    data = json.loads(answer.stdout)
    assert not data["abstained"] and data["citations"][0]["url"] == f"{site.url}/presse/welcome-center"
    text = subprocess.run(
        [sys.executable, "-m", "app", "ask", "Was macht das Welcome Center im Kreis Kleve?"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert f"{site.url}/presse/welcome-center" in text.stdout


@pytest.mark.integration
@pytest.mark.browser
def test_the_web_chat_links_a_citation_to_the_page_it_quotes(settings: Settings, site: MinistrySite, browser) -> None:
    from app.edges import FeedbackStore, ProgrammeDirectory
    from app.edges.web import build_app, launch
    from app.index import load_embeddings
    from app.pipeline import Lotse
    from benchmarks.loopback import free_port
    from tests.browser import ask, open_chat

    sources = load_sources(settings.sources_path)
    web = WebSync(settings, sources, PoliteFetcher(sources.policy), progress=False)
    run_ingest(
        settings,
        open_client(settings),
        load_embeddings(settings.embeddings),
        Glossary.load(settings.glossary_path),
        progress=False,
        web=web,
    )
    app = launch(
        build_app(
            Lotse.from_settings(settings),
            FeedbackStore(settings.web_dir / "fb.sqlite3"),
            ProgrammeDirectory.load(settings.corpus_dir),
        ),
        "127.0.0.1",
        free_port(),
        1,
        block=False,
    )
    try:
        page = open_chat(browser, app.local_url)
        ask(page, "Was macht das Welcome Center im Kreis Kleve?", 1)
        page.locator("a[href='#quelle-1-1']").first.click()
        link = page.locator(f"details:has(#quelle-1-1) a[href='{site.url}/presse/welcome-center']")
        assert link.is_visible() and link.get_attribute("rel") == "noopener noreferrer"
        page.context.close()
    finally:
        app.close()
