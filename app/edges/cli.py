"""The ``lotse`` command line: a thin layer over the library.

Commands from other packages (``lotse ingest``) are found through the entry-point group
``lotse.commands``, so ``app`` never imports them. Domain errors print one German line and
exit with status 1; usage errors exit with status 2; no tracebacks for user errors.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from app.core import Answer, LotseError, Settings, stay_offline
from app.edges.plain_text import render_text

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from app.edges.feedback import FeedbackStore
    from app.pipeline import Lotse

EXIT_ERROR = 1


class _LotseGroup(click.Group):
    """Adds plugin commands lazily and turns ``LotseError`` into one clear line; the offline
    guard runs before anything else (plugin commands are imported before the group's callback)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        stay_offline()
        return super().main(*args, **kwargs)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *(ep.name for ep in entry_points(group="lotse.commands"))})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None:
            for ep in entry_points(group="lotse.commands", name=name):
                command = ep.load()
        return command

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except LotseError as error:
            click.echo(f"Fehler: {error}", err=True)
            if error.detail:
                click.echo(f"  ({error.detail})", err=True)
            ctx.exit(EXIT_ERROR)


@click.group(cls=_LotseGroup)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Lotse: Fragen zu Integrationsangeboten in NRW, beantwortet mit Quellen."""
    ctx.obj = Settings()


def ask_streaming(lotse: Lotse, question: str, place: str | None, previous: str | None = None) -> Answer:
    """Print the verified answer piece by piece, then the sources."""
    for item in lotse.stream(question, place=place, previous=previous):
        if isinstance(item, Answer):
            click.echo("\n" + render_text(item, sources_only=True))
            return item
        click.echo(item, nl=False)
    raise AssertionError("Lotse.stream ends with the Answer")


def _service(settings: Settings) -> Lotse:
    """The library, imported lazily so that ``lotse --help`` stays fast."""
    from app.pipeline import Lotse

    return Lotse.from_settings(settings)


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Ein JSON-Objekt pro Frage ausgeben.")
@click.option("--ort", default=None, help="Nur Quellen zu diesem Kreis oder dieser Stadt (z. B. Köln).")
@click.pass_obj
def ask(settings: Settings, question: str, as_json: bool, ort: str | None) -> None:
    """Eine Frage beantworten. FRAGE '-' liest eine Frage pro Zeile von stdin."""
    lotse = _service(settings)
    if question != "-":
        if as_json:
            click.echo(json.dumps(lotse.ask(question, place=ort).to_dict(), ensure_ascii=False))
        else:
            ask_streaming(lotse, question, ort)
        return
    for raw in sys.stdin.buffer:  # bytes: a line that is not UTF-8 must not end the batch
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if not line.strip():
            continue
        try:
            answer = lotse.ask(line, place=ort)
        except LotseError as error:
            click.echo(json.dumps({"question": line, "error": str(error)}, ensure_ascii=False))
            continue
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False) if as_json else render_text(answer) + "\n")


@main.command()
@click.option("--ort", default=None, help="Nur Quellen zu diesem Kreis oder dieser Stadt.")
@click.pass_obj
def chat(settings: Settings, ort: str | None) -> None:
    """Ein Gespräch im Terminal (beenden mit 'exit' oder Strg+D)."""
    lotse = _service(settings)
    click.echo("Lotse – Fragen zu Integrationsangeboten in NRW. Beenden mit 'exit'.")
    previous: str | None = None
    while True:
        try:
            question = input("\nIhre Frage: ")
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        if question.strip().lower() in {"exit", "quit", "ende"}:
            return
        try:
            previous = ask_streaming(lotse, question, ort, previous).question
        except LotseError as error:
            click.echo(f"Hinweis: {error}")


@main.command()
@click.option("--host", default=None, help="Adresse (Standard: LOTSE_HOST oder 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (Standard: LOTSE_PORT oder 7860).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Den Web-Chat starten (baut vorher den Index, falls er fehlt)."""
    settings: Settings = ctx.obj
    share_cores(settings.web_concurrency)
    root = ctx.find_root()
    ingest = root.command.get_command(root, "ingest") if isinstance(root.command, click.Group) else None
    if ingest is not None:
        ctx.invoke(ingest, if_missing=True)  # click fills in the command's other defaults
    from app.edges.programmes import ProgrammeDirectory
    from app.edges.web import build_app, launch

    host, port = host or settings.host, port or settings.port
    lotse = _service(settings)
    store = _feedback_or_none(settings, lotse)
    purge_daily(store, settings.feedback_retention_days)
    app = build_app(lotse, store, ProgrammeDirectory.load(settings.corpus_dir, lotse.glossary))  # the glossary is read once
    click.echo(f"Lotse läuft: http://{host}:{port}  (beenden mit Strg+C)")
    launch(app, host, port, settings.web_concurrency, trusted_proxies=settings.trusted_proxies)


def share_cores(answers_at_once: int) -> None:
    """Give each answer the web queue runs at once its share of the cores for embedding (the
    embedder's OpenMP threads, read when it loads; an operator's ``OMP_NUM_THREADS`` wins).
    Two answers with two threads each on two cores wait for each other: 60 sessions got 23
    answers/s with p95 2.3 s, with one thread each 28 answers/s with p95 2.0 s
    (``benchmarks.load``); a lone question takes ~12 ms longer."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1  # Linux, else all
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, cores // max(1, answers_at_once))))


def _feedback_or_none(settings: Settings, lotse: Lotse) -> FeedbackStore:
    """The feedback store, or, if it cannot be opened, one that stores nothing: the chat starts
    and answers anyway; the operator gets one line saying why."""
    from app.edges.feedback import FeedbackStore, NoFeedback

    try:
        return FeedbackStore(settings.feedback_store, embed=lotse.embeddings.embed_query)
    except LotseError as error:
        reason = f"{error} ({error.detail})" if error.detail else str(error)
        log.error("Rückmeldungen ausgeschaltet: %s", reason)
        click.echo(f"Hinweis: Rückmeldungen werden nicht gespeichert – {reason}", err=True)
        return NoFeedback(reason)


MIN_PASSWORD = 12


@main.command()
@click.option("--host", default=None, help="Adresse (Standard: LOTSE_HOST oder 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (Standard: LOTSE_DASHBOARD_PORT oder 7861).")
@click.option("--tage", "days", type=click.IntRange(min=1), default=30, show_default=True, help="Zeitraum beim Öffnen.")
@click.pass_obj
def wartung(settings: Settings, host: str | None, port: int | None, days: int) -> None:
    """Das Wartungs-Dashboard starten: Themen ohne gute Antwort, hinter einem Login."""
    password = settings.dashboard_password.get_secret_value() if settings.dashboard_password else ""
    if len(password) < MIN_PASSWORD:
        raise LotseError(
            f"Das Wartungs-Dashboard ist aus: Setzen Sie LOTSE_DASHBOARD_PASSWORD (mindestens {MIN_PASSWORD} "
            "Zeichen) und, wenn gewünscht, LOTSE_DASHBOARD_USER (Standard: wartung)."
        )
    from app.edges.feedback import FeedbackStore
    from app.edges.web import Dashboard, build_dashboard, launch_dashboard
    from app.index import load_embeddings

    host, port = host or settings.host, port or settings.dashboard_port
    embed = load_embeddings(settings.embeddings).embed_query
    dashboard = Dashboard(FeedbackStore(settings.feedback_store), embed, settings.gap_cases_path)
    click.echo(f"Lotse-Wartung läuft: http://{host}:{port}  (Anmeldung: {settings.dashboard_user}; beenden mit Strg+C)")
    launch_dashboard(
        build_dashboard(dashboard, days), host, port, settings.dashboard_user, password, trusted_proxies=settings.trusted_proxies
    )


PURGE_EVERY_S = 24 * 60 * 60


def purge_daily(store: FeedbackStore, days: int, every_s: float = PURGE_EVERY_S) -> threading.Event:
    """Purge old feedback now and then once a day, in a background thread of the server. A
    failed purge (database away, file locked) is logged and tried again at the next turn:
    retention never silently stops. Setting the returned event stops the schedule."""
    stop = threading.Event()

    def purge() -> None:
        if stop.is_set():
            return
        try:
            removed = store.purge(days)
            if removed:
                click.echo(f"Rückmeldungen älter als {days} Tage gelöscht: {removed}")
        except Exception as error:  # noqa: BLE001 - any failure must still reschedule
            log.error(
                "Rückmeldungen: Löschen alter Einträge fehlgeschlagen (%s: %s); nächster Versuch in %.0f s",
                type(error).__name__,
                error,
                every_s,
            )
        finally:
            timer = threading.Timer(every_s, purge)
            timer.daemon = True
            timer.start()

    purge()
    return stop


@main.group()
def feedback() -> None:
    """Rückmeldungen aus dem Web-Chat."""


@feedback.command("purge")
@click.option(
    "--tage",
    "days",
    type=click.IntRange(min=1),
    default=None,
    help="Einträge löschen, die älter sind (Standard: LOTSE_FEEDBACK_RETENTION_DAYS, 90).",
)
@click.pass_obj
def feedback_purge(settings: Settings, days: int | None) -> None:
    """Alte Rückmeldungen löschen (der Server tut das täglich selbst)."""
    from app.edges.feedback import FeedbackStore

    days = days or settings.feedback_retention_days
    removed = FeedbackStore(settings.feedback_store).purge(days)
    click.echo(f"{removed} Einträge gelöscht, die älter als {days} Tage waren.")


@feedback.command("export")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default="-", help="CSV-Datei (Standard: stdout).")
@click.pass_obj
def feedback_export(settings: Settings, out: str) -> None:
    """Alle Rückmeldungen und unbeantworteten Fragen als CSV ausgeben."""
    from app.edges.feedback import FeedbackStore

    store = FeedbackStore(settings.feedback_store)
    if out == "-":
        store.export_csv(sys.stdout)
        return
    try:
        count = store.export_csv_file(Path(out))
    except OSError as error:
        raise click.FileError(out, hint=str(error)) from error
    click.echo(f"{count} Zeilen nach {out} geschrieben.")
