"""Core benchmark: full ingest, no-op re-ingest, cold and warm `ask` latency.

    python benchmarks/core.py [--rounds 3]

Builds a fresh index of corpus/ in a temporary folder with the default embedder and
prints one Markdown table. Medians and percentiles are from this one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.embeddings import load_embeddings  # noqa: E402
from app.glossary import Glossary  # noqa: E402
from app.service import Lotse  # noqa: E402
from app.settings import Settings  # noqa: E402
from app.store import open_client  # noqa: E402
from evals.dataset import load_questions  # noqa: E402
from ingest.pipeline import run_ingest  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the question set for warm latency")
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(corpus_dir=ROOT / "corpus", chroma_dir=Path(tmp) / "chroma")
        glossary = Glossary.load(settings.glossary_path)

        started = time.perf_counter()
        report = run_ingest(settings, open_client(settings), load_embeddings(settings.embeddings), glossary, progress=False)
        rows.append((f"full ingest ({report.documents} docs, {report.chunks} chunks + sentences)", f"{time.perf_counter() - started:.2f} s"))

        noop = []
        for _ in range(5):
            noop.append(run_ingest(settings, open_client(settings), load_embeddings(settings.embeddings), glossary, progress=False).seconds)
        rows.append(("no-op re-ingest, in process (median of 5)", f"{statistics.median(noop):.3f} s"))

        env = {**os.environ, "LOTSE_CORPUS_DIR": str(settings.corpus_dir), "LOTSE_CHROMA_DIR": str(settings.chroma_dir)}
        walls = []
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "app", "ingest", "--quiet"], env=env, check=True, capture_output=True)
            walls.append(time.perf_counter() - t)
        rows.append(("no-op re-ingest, `lotse ingest` process incl. imports (median of 3)", f"{statistics.median(walls):.2f} s"))

        t = time.perf_counter()
        lotse = Lotse.from_settings(settings)
        load_s = time.perf_counter() - t
        questions = [q.standalone for q in load_questions()]
        t = time.perf_counter()
        lotse.ask(questions[0])
        rows.append(("load index + retriever", f"{load_s * 1000:.0f} ms"))
        rows.append(("cold ask (first question, loads the model)", f"{(time.perf_counter() - t) * 1000:.0f} ms"))

        warm: list[float] = []
        for _ in range(args.rounds):
            for q in questions:
                lotse.retriever.embeddings.clear_cache()  # every ask embeds its question, as for a new user
                t = time.perf_counter()
                lotse.ask(q)
                warm.append((time.perf_counter() - t) * 1000)
        rows.append((f"warm ask p50 ({len(warm)} asks)", f"{statistics.median(warm):.1f} ms"))
        rows.append((f"warm ask p95 ({len(warm)} asks)", f"{percentile(warm, 0.95):.1f} ms"))

    print("| measure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
