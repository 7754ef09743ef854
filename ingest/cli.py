"""``lotse ingest``: registered with the CLI through the ``lotse.commands`` entry point."""

from __future__ import annotations

import click

from app.conversation import Glossary
from app.core import Settings, StoreUnavailable
from app.index import index_exists, load_embeddings, open_client, store_errors
from ingest.pipeline import index_is_current, run_ingest


@click.command("ingest")
@click.option("--if-missing", is_flag=True, help="Nur bauen, wenn es noch keinen aktuellen Index gibt (keiner, oder von einer älteren Version).")
@click.option("--rebuild", is_flag=True,
              help="Index neu aufbauen (z. B. nach einem Wechsel des Embedders); der alte bleibt bis zum Umschalten lesbar.")
@click.option("--quiet", "-q", is_flag=True, help="Keine Fortschrittsanzeige.")
@click.pass_obj
def ingest_command(settings: Settings, if_missing: bool, rebuild: bool, quiet: bool) -> None:
    """Dokumente aus dem Korpus-Ordner in den Index übernehmen."""
    if not settings.corpus_dir.is_dir():
        raise click.UsageError(f"Korpus-Ordner nicht gefunden: {settings.corpus_dir}")
    try:
        with store_errors(settings):
            client = open_client(settings)
            if if_missing and not rebuild and index_is_current(client, settings):
                click.echo("Index ist vorhanden, nichts zu tun.")
                return
            if if_missing and index_exists(client, settings.collection):
                click.echo("Der Index stammt von einer älteren Version von Lotse und wird jetzt aktualisiert.")
            report = run_ingest(settings, client, load_embeddings(settings.embeddings), Glossary.load(settings.glossary_path),
                                progress=not quiet, rebuild=rebuild)
    except StoreUnavailable as error:
        raise StoreUnavailable(f"{error.detail} – Ingest abgebrochen; der zuletzt übernommene Stand bleibt gültig, "
                               "der nächste Lauf setzt fort.") from error
    for warning in report.warnings:
        click.echo(f"Warnung: {warning}", err=True)
    click.echo(report.summary())
