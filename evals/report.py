"""Reports of a suite run: report.json, report.md and report.html with plots, and deltas."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from evals.suite import SuiteResult  # noqa: E402


def to_json(result: SuiteResult) -> dict[str, Any]:
    """The result as ``report.json`` holds it."""
    return {
        "suite": result.suite,
        "metrics": result.metrics,
        "baseline": result.baseline,
        "thresholds": result.thresholds,
        "notes": result.notes,
        "rows": result.rows,
    }


def _plot_per_kind(result: SuiteResult, path: Path) -> bool:
    kinds = sorted({r["kind"] for r in result.rows if "correct" in r})
    if not kinds:
        return False
    ours = [sum(r["correct"] for r in result.rows if r["kind"] == k) / sum(r["kind"] == k for r in result.rows) for k in kinds]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    x = range(len(kinds))
    ax.bar([i - 0.2 for i in x], ours, width=0.4, label="Lotse")
    if all("baseline" in r for r in result.rows):  # a suite without a baseline run (region) shows Lotse alone
        base = [
            sum(r["baseline"]["correct"] for r in result.rows if r["kind"] == k) / sum(r["kind"] == k for r in result.rows)
            for k in kinds
        ]
        ax.bar([i + 0.2 for i in x], base, width=0.4, label="naive LangChain")
    ax.set_xticks(list(x), kinds, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("key fact shown / correct abstention")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def _plot_latency(result: SuiteResult, path: Path) -> bool:
    ours = [r["latency_ms"] for r in result.rows if "latency_ms" in r]
    if not ours:
        return False
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.hist(ours, bins=30, alpha=0.7, label="Lotse")
    base = [r["baseline"]["latency_ms"] for r in result.rows if "baseline" in r]
    if base:
        ax.hist(base, bins=30, alpha=0.7, label="naive LangChain")
    ax.set_xlabel("ms per question")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def _plot_scores(result: SuiteResult, path: Path) -> bool:
    rows = [r for r in result.rows if "top_score" in r]
    if not rows or "abstention" not in result.thresholds:
        return False
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.hist([r["top_score"] for r in rows if r["answerable"]], bins=20, alpha=0.7, label="answerable")
    ax.hist([r["top_score"] for r in rows if not r["answerable"]], bins=20, alpha=0.7, label="unanswerable")
    ax.axvline(result.thresholds["abstention"], color="black", linestyle="--", label="abstention threshold")
    ax.set_xlabel(result.thresholds.get("score_label", "best similarity"))
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


PLOTS = {
    "per_kind.png": ("Metrics per question kind", _plot_per_kind),
    "latency.png": ("Latency", _plot_latency),
    "scores.png": ("Score distribution and abstention threshold", _plot_scores),
}


def metric_table(result: SuiteResult) -> list[tuple[str, float, float | None]]:
    """(metric, Lotse's value, the baseline's or None) per metric; a baseline-only metric has NaN for Lotse."""
    return [(name, value, result.baseline.get(name)) for name, value in result.metrics.items()] + [
        (name, float("nan"), value) for name, value in result.baseline.items() if name not in result.metrics
    ]


def _fmt(value: float | None) -> str:
    return "–" if value is None or value != value else f"{value:.3f}"


def write_reports(result: SuiteResult, out: Path) -> list[Path]:
    """Write the three reports and the plot PNGs into ``out``; returns the report paths."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(to_json(result), ensure_ascii=False, indent=1), encoding="utf-8")
    plots = [
        (f"{part.suite}_{name}", f"{part.suite}: {title}")
        for part in (result.parts or [result])
        for name, (title, draw) in PLOTS.items()
        if draw(part, out / f"{part.suite}_{name}")
    ]
    table = metric_table(result)
    md = [f"# Lotse eval: {result.suite}", "", "| metric | Lotse | naive LangChain |", "|---|---|---|"]
    md += [f"| {n} | {_fmt(v)} | {_fmt(b)} |" for n, v, b in table]
    md += ["", *(f"- {note}" for note in result.notes), ""]
    md += [f"## {title}\n\n![{title}]({name})\n" for name, title in plots]
    (out / "report.md").write_text("\n".join(md), encoding="utf-8")
    images = "".join(
        f"<h2>{html.escape(title)}</h2><img alt='{html.escape(title)}' src='data:image/png;base64,"
        f"{base64.b64encode((out / name).read_bytes()).decode()}'>"
        for name, title in plots
    )
    rows = "".join(f"<tr><td>{html.escape(n)}</td><td>{_fmt(v)}</td><td>{_fmt(b)}</td></tr>" for n, v, b in table)
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes)
    (out / "report.html").write_text(
        f"<!doctype html><html lang='de'><meta charset='utf-8'><title>Lotse eval: {html.escape(result.suite)}</title>"
        "<style>body{font-family:sans-serif;max-width:60rem;margin:auto}"
        "td,th{padding:2px 8px;border-bottom:1px solid #ddd}</style>"
        f"<h1>Lotse eval: {html.escape(result.suite)}</h1><table><tr><th>metric</th><th>Lotse</th><th>naive LangChain</th></tr>"
        f"{rows}</table><ul>{notes}</ul>{images}</html>",
        encoding="utf-8",
    )
    return [out / "report.json", out / "report.md", out / "report.html"]


def compare(old: dict[str, Any], new: SuiteResult) -> str:
    """Per-metric deltas of this run against an earlier report.json."""
    previous = old.get("metrics", {})
    lines = ["| metric | before | now | delta |", "|---|---|---|---|"]
    for name, value in new.metrics.items():
        before = previous.get(name)
        delta = "" if before is None else f"{value - before:+.3f}"
        lines.append(f"| {name} | {_fmt(before)} | {_fmt(value)} | {delta} |")
    return "\n".join(lines)
