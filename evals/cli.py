"""``lotse eval [nrw|newcomer|realistic|robustness|omosqa|region|all]``: registered through the ``lotse.commands`` entry point."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import click

from app.answering import LearnedSelector
from app.core import Settings
from app.index import load_embeddings
from evals.dataset import NEWCOMER_PATH, OMOS_DIR
from evals.report import compare, metric_table, write_reports
from evals.suite import SuiteResult
from evals.vector_cache import OMOS_CACHE_DIR

DEFAULT_SPLIT = OMOS_DIR / "dev_de.jsonl"
DEFAULT_FLOORS = Path(__file__).parent / "thresholds.toml"
REGION_DIR = Path("var/cache/region")
PLACES_DIR = Path("var/cache/places")
"""The region suite's corpus and index (built on the first run, updated incrementally after)."""


def below_floors(result: SuiteResult, floors: dict[str, float], ceilings: dict[str, float] | None = None) -> list[str]:
    """Metrics under their floor or over their ceiling (for rates that must stay low), as
    readable lines (both keyed "<suite>/<metric>")."""
    values = {n if "/" in n else f"{result.suite}/{n}": v for n, v in result.metrics.items()}
    low = [f"{name} = {values[name]:.3f} < {floor}" for name, floor in floors.items() if name in values and values[name] < floor]
    return low + [
        f"{name} = {values[name]:.3f} > {ceiling}"
        for name, ceiling in (ceilings or {}).items()
        if name in values and values[name] > ceiling
    ]


def _run(
    suite: str, settings: Settings, split: Path, predictions_out: Path | None, questions: Path, unscoped: bool = False
) -> SuiteResult:
    if suite == "region":
        from app.pipeline import Lotse
        from evals.region import index_settings, run_region

        folder = REGION_DIR / ("unscoped" if unscoped else "scoped")
        return run_region(Lotse.from_settings(index_settings(folder, scoped=not unscoped)))
    if suite == "places":
        from app.pipeline import Lotse
        from evals.places import index_settings as places_index
        from evals.places import run_places

        return run_places(Lotse.from_settings(places_index(PLACES_DIR)))
    if suite == "robustness":
        from app.pipeline import Lotse
        from evals.robustness import run_robustness

        return run_robustness(Lotse.from_settings(settings))
    if suite == "realistic":
        from app.pipeline import Lotse
        from evals.realistic import REALISTIC_PATH, load_realistic, run_realistic

        return run_realistic(
            Lotse.from_settings(settings), load_realistic(REALISTIC_PATH if questions == NEWCOMER_PATH else questions)
        )
    if suite in ("nrw", "newcomer"):
        from app.pipeline import Lotse
        from evals.newcomer import load_newcomer, run_newcomer
        from evals.nrw import run_nrw

        lotse = Lotse.from_settings(settings)
        return run_nrw(lotse) if suite == "nrw" else run_newcomer(lotse, load_newcomer(questions))
    from evals.omosqa import run_omosqa

    return run_omosqa(split, load_embeddings(settings.embeddings), LearnedSelector.from_file(), OMOS_CACHE_DIR, predictions_out)


@click.command("eval")
@click.argument(
    "suite", type=click.Choice(["nrw", "newcomer", "realistic", "robustness", "omosqa", "region", "places", "all"]), default="nrw"
)
@click.option("--out", type=click.Path(path_type=Path), help="Ordner für report.json, report.md und report.html.")
@click.option(
    "--split",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEFAULT_SPLIT,
    show_default=True,
    help="OMoS-QA-Split (JSONL).",
)
@click.option(
    "--questions",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=NEWCOMER_PATH,
    show_default=True,
    help="Fragen der Suite newcomer oder realistic (JSONL; realistic: Standard "
    "evals/datasets/realistic.jsonl, Prüfmengen realistic_check.jsonl und "
    "realistic_needs.jsonl, Entwicklungsmengen realistic_needs_dev.jsonl, realistic_more_dev.jsonl, "
    "realistic_needs_dev2.jsonl, realistic_needs_dev3.jsonl und realistic_needs_dev4.jsonl).",
)
@click.option(
    "--predictions-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help='OMoS-QA: Vorhersagen als {"<id>": [Zeilen]} schreiben.',
)
@click.option(
    "--compare",
    "compare_to",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Ein früheres report.json: Unterschiede je Metrik ausgeben.",
)
@click.option(
    "--thresholds",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEFAULT_FLOORS,
    show_default=True,
    help="Unter- und Obergrenzen; jenseits davon endet der Befehl mit Status 1.",
)
@click.option(
    "--unscoped",
    is_flag=True,
    help="Region-Suite: die Seiten anderer Länder ohne Ortsangabe ablegen (alles zählt als NRW, wie vor den Regionen).",
)
@click.pass_obj
def eval_command(
    settings: Settings,
    suite: str,
    out: Path | None,
    split: Path,
    questions: Path,
    predictions_out: Path | None,
    compare_to: Path | None,
    thresholds: Path,
    unscoped: bool,
) -> None:
    """Antwortqualität messen, neben einer naiven LangChain-Pipeline."""
    suites = ["nrw", "newcomer", "omosqa", "region"] if suite == "all" else [suite]
    results = [_run(name, settings, split, predictions_out, questions, unscoped) for name in suites]
    result = results[0]
    for other in results[1:]:
        result = result.merged(other, "all")
    click.echo(f"\n| {result.suite} | Lotse | naive LangChain |\n|---|---|---|")
    for name, value, base in metric_table(result):
        click.echo(f"| {name} | {value:.3f} | {'–' if base is None else f'{base:.3f}'} |")
    for note in result.notes:
        click.echo(f"- {note}")
    if out is not None:
        for path in write_reports(result, out):
            click.echo(f"geschrieben: {path}")
    if compare_to is not None:
        click.echo("\n" + compare(json.loads(compare_to.read_text(encoding="utf-8")), result))
    bounds = tomllib.loads(thresholds.read_text(encoding="utf-8"))
    failures = below_floors(result, bounds.get("floors", {}), bounds.get("ceilings", {}))
    if failures:
        click.echo("Jenseits der Grenzen (evals/thresholds.toml):\n  " + "\n  ".join(failures), err=True)
        raise SystemExit(1)
