"""``lotse ingest`` and ``lotse sources``: registered with the CLI through the ``lotse.commands`` entry point."""

from __future__ import annotations

import re

import click
from chromadb.api import ClientAPI

from app.conversation import Glossary
from app.core import DamagedIndex, Settings, StoreUnavailable
from app.index import index_exists, load_embeddings, open_client, set_aside, store_errors
from ingest.pipeline import index_is_current, run_ingest
from ingest.web_discovery import discover
from ingest.web_fetch import PoliteFetcher
from ingest.web_sources import load_sources
from ingest.web_sync import WebSync


def web_sync(settings: Settings, quiet: bool) -> WebSync | None:
    """The fetch run for ``corpus/sources.yaml``, or None when it lists no source."""
    sources = load_sources(settings.sources_path)
    if not sources.sources:
        return None
    return WebSync(settings, sources, PoliteFetcher(sources.policy), progress=not quiet)


@click.command("ingest")
@click.option(
    "--if-missing",
    is_flag=True,
    help="Nur bauen, wenn es noch keinen aktuellen Index gibt (keiner, oder von einer älteren Version).",
)
@click.option(
    "--rebuild",
    is_flag=True,
    help="Index neu aufbauen (z. B. nach einem Wechsel des Embedders); der alte bleibt bis zum Umschalten lesbar.",
)
@click.option(
    "--ohne-web",
    "offline",
    is_flag=True,
    help="Die Web-Quellen aus sources.yaml diesmal nicht abrufen (früher geholte Seiten bleiben im Index).",
)
@click.option("--quiet", "-q", is_flag=True, help="Keine Fortschrittsanzeige.")
@click.pass_obj
def ingest_command(settings: Settings, if_missing: bool, rebuild: bool, offline: bool, quiet: bool) -> None:
    """Dokumente aus dem Korpus-Ordner und den Web-Quellen (corpus/sources.yaml) in den Index übernehmen."""
    if not settings.corpus_dir.is_dir():
        raise click.UsageError(f"Korpus-Ordner nicht gefunden: {settings.corpus_dir}")
    web = None if offline else web_sync(settings, quiet)
    try:
        with store_errors(settings):
            client = open_client_or_set_aside(settings) if rebuild else open_client(settings)
            if if_missing and not rebuild and index_is_current(client, settings):
                click.echo("Index ist vorhanden, nichts zu tun.")
                return
            if if_missing and index_exists(client, settings.collection):
                click.echo("Der Index stammt von einer älteren Version von Lotse und wird jetzt aktualisiert.")
            report = run_ingest(
                settings,
                client,
                load_embeddings(settings.embeddings),
                Glossary.load(settings.glossary_path),
                progress=not quiet,
                rebuild=rebuild,
                web=web,
            )
    except StoreUnavailable as error:
        raise StoreUnavailable(
            f"{error.detail} – Ingest abgebrochen; der zuletzt übernommene Stand bleibt gültig, der nächste Lauf setzt fort."
        ) from error
    finally:
        if web is not None:
            web.fetcher.close()
    for warning in [*(report.web.warnings if report.web else []), *report.warnings]:
        click.echo(f"Warnung: {terminal_safe(warning)}", err=True)
    click.echo(report.summary())


def open_client_or_set_aside(settings: Settings) -> ClientAPI:
    """The index's client; for ``--rebuild`` a damaged index folder is moved aside first (and
    the maintainer told where) so the new build starts on an empty one."""
    try:
        return open_client(settings)
    except DamagedIndex as error:
        aside = set_aside(settings)
        click.echo(
            f"Der Suchindex in {settings.chroma_dir} war beschädigt ({error.detail}); er liegt jetzt in {aside}. "
            "Ein neuer wird gebaut.",
            err=True,
        )
        return open_client(settings)


_TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """Text from strangers (feeds, pages, file names) as the terminal shows it literally: control
    characters (escape sequences that recolour, move the cursor or retitle the window) become U+FFFD."""
    return _TERMINAL_CONTROLS.sub("\ufffd", text)


@click.group("sources")
def sources_command() -> None:
    """Web-Quellen aus corpus/sources.yaml."""


@sources_command.command("check")
@click.pass_obj
def sources_check(settings: Settings) -> None:
    """Zeigen, welche Seiten der nächste Ingest holen würde (liest nur Feeds, Sitemaps und robots.txt)."""
    sources = load_sources(settings.sources_path)
    if not sources.sources:
        click.echo(f"Keine Web-Quellen in {settings.sources_path}.")
        return
    fetcher = PoliteFetcher(sources.policy)
    try:
        for source in sources.sources:
            found = discover(source, fetcher)
            click.echo(f"{terminal_safe(source.label)} ({source.kind}): {len(found.pages)} Seiten")
            for page in found.pages:
                shown = terminal_safe(page)
                click.echo(f"  {shown}" if fetcher.allowed(page) else f"  {shown}  (robots.txt erlaubt den Abruf nicht)")
            for warning in found.warnings:
                click.echo(f"  Warnung: {terminal_safe(warning)}")
    finally:
        fetcher.close()
