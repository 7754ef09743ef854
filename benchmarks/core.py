"""Benchmark: ingest throughput, no-op re-ingest, cold and warm `ask` latency, torch on the
default path, and a naive LangChain pipeline on the same machine and data, side by side.

    python -m benchmarks.core [--rounds 3] [--omos train,dev]

Builds fresh indexes in a temporary folder with the default embedder and prints one
Markdown table. Medians, percentiles and ratios are from this one run.
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

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

from app.answering import LearnedSelector
from app.conversation import Glossary
from app.core import Settings, without_umlauts
from app.index import (
    DEFAULT_EMBEDDER,
    Catalogue,
    load_embeddings,
    open_client,
)
from app.pipeline import Lotse
from evals.baseline import NaiveBaseline
from evals.dataset import OMOS_DIR, load_questions
from evals.metrics import percentile
from evals.nrw import run_nrw
from evals.omosqa import ingest_pages, load_split, pooled_pages
from ingest.pipeline import run_ingest

TORCH_CHECK = (
    "import sys\nfrom app.core import Settings\nfrom app.pipeline import Lotse\n"
    "Lotse.from_settings(Settings()).ask('Was ist KOMM-AN NRW?')\nprint('torch' in sys.modules)"
)


def omos_ingest(tmp: Path, splits: list[str]) -> list[tuple[str, str]]:
    """Ingest the unique OMoS-QA pages with Lotse (chunks + sentence vectors) and naively."""
    rows = [row for split in splits for row in load_split(OMOS_DIR / f"{split}_de.jsonl")]
    pages = pooled_pages(rows)
    embeddings = load_embeddings(DEFAULT_EMBEDDER)
    started = time.perf_counter()
    _, report = ingest_pages(pages, embeddings, tmp / "omos", progress=False)
    lotse_s = time.perf_counter() - started
    started = time.perf_counter()
    NaiveBaseline({f"pages/{p}": t for p, t in pages.items()}, embeddings)
    naive_s = time.perf_counter() - started
    return [
        (
            f"OMoS pages ({'+'.join(splits)}): Lotse ingest, {len(pages)} pages, {report.chunks} chunks + sentences",
            f"{lotse_s:.0f} s = {len(pages) / lotse_s:.2f} pages/s",
        ),
        (
            "OMoS pages: naive LangChain ingest (default splitter, chunks only)",
            f"{naive_s:.0f} s = {len(pages) / naive_s:.2f} pages/s",
        ),
        ("ingest time ratio Lotse / naive (OMoS pages)", f"{lotse_s / naive_s:.2f}"),
    ]


def omos_selection(split: str, pages_to_embed: int = 20) -> list[tuple[str, str]]:
    """Per-question cost of the learned selector on OMoS-QA pages: selection alone (page
    vectors embedded beforehand, as at ingest), the question's embedding, and embedding a page."""
    rows = load_split(OMOS_DIR / f"{split}_de.jsonl")
    embeddings = load_embeddings(DEFAULT_EMBEDDER)
    selector = LearnedSelector.from_file()
    page_ms, sizes = [], []
    vectors: dict[str, np.ndarray] = {}
    for row in rows:
        if row.page not in vectors:
            started = time.perf_counter()
            vectors[row.page] = np.asarray(embeddings.embed_documents(row.lines), dtype=np.float32)
            if len(page_ms) < pages_to_embed:
                page_ms.append((time.perf_counter() - started) * 1000)
                sizes.append(len(row.lines))
    query_ms, select_ms = [], []
    for row in rows:
        started = time.perf_counter()
        query = np.asarray(embeddings.embed_query(row.question), dtype=np.float32)
        query_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        selector.select(row.question, query, vectors[row.page], row.lines)
        select_ms.append((time.perf_counter() - started) * 1000)
    return [
        (
            f"OMoS {split}: learned selection per question p50 / p95 ({len(rows)} questions, page vectors ready)",
            f"{statistics.median(select_ms):.1f} / {percentile(select_ms, 0.95):.1f} ms",
        ),
        ("OMoS: embedding the question p50", f"{statistics.median(query_ms):.1f} ms"),
        (
            f"OMoS: embedding a page once (median of {len(page_ms)} pages, median {statistics.median(sizes):.0f} lines)",
            f"{statistics.median(page_ms):.0f} ms",
        ),
    ]


def main() -> None:
    """Run the benchmark on fresh indexes in a temporary folder and print its table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the question set for warm latency")
    parser.add_argument("--omos", default="train,dev", help="OMoS-QA splits whose pages to ingest (comma-separated)")
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(corpus_dir=ROOT / "corpus", chroma_dir=Path(tmp) / "chroma")
        glossary = Glossary.load(settings.glossary_path)

        started = time.perf_counter()
        report = run_ingest(settings, open_client(settings), load_embeddings(settings.embeddings), glossary, progress=False)
        rows.append(
            (
                f"full ingest ({report.documents} docs, {report.chunks} chunks + sentences)",
                f"{time.perf_counter() - started:.2f} s",
            )
        )

        embeddings = load_embeddings(settings.embeddings)
        noop = [run_ingest(settings, open_client(settings), embeddings, glossary, progress=False).seconds for _ in range(5)]
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
        first_piece: list[float] = []
        embed: list[float] = []
        for _ in range(args.rounds):
            for q in questions:
                t = time.perf_counter()
                lotse.ask(q)
                warm.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                streamed = lotse.stream(q)
                next(streamed)
                first_piece.append((time.perf_counter() - t) * 1000)
                for _ in streamed:
                    pass
                t = time.perf_counter()
                lotse.embeddings.embed_query(q)
                embed.append((time.perf_counter() - t) * 1000)
        rows.append((f"warm ask p50 ({len(warm)} asks)", f"{statistics.median(warm):.1f} ms"))
        rows.append((f"warm ask p95 ({len(warm)} asks)", f"{percentile(warm, 0.95):.1f} ms"))
        rows.append(
            (
                "`Lotse.stream`: first piece p50 / p95",
                f"{statistics.median(first_piece):.1f} / {percentile(first_piece, 0.95):.1f} ms",
            )
        )
        rows.append(("embedding the question alone p50 (the floor)", f"{statistics.median(embed):.1f} ms"))
        rows.append(("warm ask p50 / embedding p50", f"{statistics.median(warm) / statistics.median(embed):.2f}"))
        understand, respelled = lotse.snapshot().understand, []
        for q in [*questions, *(without_umlauts(q.lower()) for q in questions)]:
            t = time.perf_counter()
            understand.respelled(q)
            respelled.append((time.perf_counter() - t) * 1000)
        rows.append(
            (
                "spelling restored (`Understanding.respelled`; questions as written and lower-cased without umlauts) p50 / p95",
                f"{statistics.median(respelled):.2f} / {percentile(respelled, 0.95):.2f} ms",
            )
        )

        naive = NaiveBaseline(Catalogue.load(lotse.index).documents(), lotse.embeddings)
        naive_ms = [naive.ask(q).ms for q in questions]
        rows.append(("naive LangChain ask p50 / p95", f"{statistics.median(naive_ms):.1f} / {percentile(naive_ms, 0.95):.1f} ms"))
        rows.append(("ask latency ratio Lotse / naive (p50)", f"{statistics.median(warm) / statistics.median(naive_ms):.2f}"))
        quality = run_nrw(lotse, progress=lambda items, **_: items)
        rows.extend(
            (f"NRW {metric}: Lotse / naive", f"{quality.metrics[metric]:.3f} / {quality.baseline[metric]:.3f}")
            for metric in ("key_fact_shown", "abstention_f1", "answer_chars_p50")
        )

        env = {**os.environ, "LOTSE_CORPUS_DIR": str(settings.corpus_dir), "LOTSE_CHROMA_DIR": str(settings.chroma_dir)}
        torch = subprocess.run([sys.executable, "-c", TORCH_CHECK], env=env, capture_output=True, text=True, check=True, cwd=ROOT)
        rows.append(("torch imported on the default path", "yes" if torch.stdout.strip().endswith("True") else "no"))

        rows += omos_ingest(Path(tmp), args.omos.split(","))
    rows += omos_selection("dev")

    print("| measure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
