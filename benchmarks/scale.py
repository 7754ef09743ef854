"""Benchmark: ingest and questions at growing corpus sizes (`make bench-scale`).

    python -m benchmarks.scale [--sizes 1,15,75] [--budget-minutes 20] [--fake-sizes 75,300]

Builds corpora in a temporary folder from the project corpus plus the OMoS-QA German pages
(train + dev) at about 1x, 15x and 75x the project corpus; beyond the OMoS pages, sizes are
filled with perturbed copies (every line gets a copy marker, so no text repeats). Each size is
ingested in its own process with the default embedder and one table row is printed: docs,
chunks, sentences, seconds, pages/s, peak RSS, index MB on disk.

A size whose estimate (from the pages/s of the size before) exceeds the budget is not run:
its row is an extrapolation and says so. Rows marked "fake embedder" ingest the same corpora
with a hash embedder of the same dimension: everything but the model (reading, cleaning,
planning, Chroma writes), which shows how memory and bookkeeping grow at sizes the real
embedder cannot reach in a benchmark run.

A second table measures the question side on each index: cold start (``lotse ask`` from
process start to exit), warm p50/p95 over the NRW questions in one process, that process's
peak RSS, and quality (NRW key fact shown, correct abstentions). On hash-vector indexes the
timings are real but the answers are meaningless, so quality is left out there.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from app.conversation import Glossary  # noqa: E402
from app.core import Settings  # noqa: E402
from app.index import DEFAULT_EMBEDDER, load_embeddings, open_client, open_generation  # noqa: E402
from app.testing import HashEmbeddings  # noqa: E402
from evals.dataset import OMOS_DIR, load_questions  # noqa: E402
from evals.metrics import contains_fact, percentile  # noqa: E402
from evals.omosqa import load_split, pooled_pages  # noqa: E402
from ingest.pipeline import run_ingest  # noqa: E402

PROJECT_CORPUS = ROOT / "corpus"
EMBED_DIM = 384
BASE_DOCS = sum(1 for p in PROJECT_CORPUS.rglob("*") if p.is_file() and p.suffix in {".txt", ".md"} and "glossary" not in p.parts)
QUESTION_ROWS: list[str] = []


def hash_embeddings() -> HashEmbeddings:
    """A fake embedder of the default embedder's shape, no model: a vector from the text's hash. It
    carries the default embedder's id so that a real ``lotse`` process opens the index: its question
    vectors are real, the stored ones are not, the costs are those of a real index."""
    return HashEmbeddings(EMBED_DIM, load_embeddings(DEFAULT_EMBEDDER).id)


def omos_pages() -> dict[str, str]:
    """The German OMoS-QA pages of train and dev, text by page."""
    rows = [row for split in ("train", "dev") for row in load_split(OMOS_DIR / f"{split}_de.jsonl")]
    return pooled_pages(rows)


def build_corpus(folder: Path, docs: int, pages: dict[str, str]) -> int:
    """The project corpus, then OMoS pages, then perturbed copies, up to ``docs`` documents."""
    shutil.copytree(PROJECT_CORPUS, folder)
    count = sum(1 for p in folder.rglob("*") if p.is_file() and p.suffix in {".txt", ".md"} and "glossary" not in p.parts)
    copy = 0
    while count < docs:
        target = folder / "pages" / f"copy-{copy}"
        target.mkdir(parents=True)
        for name, text in pages.items():
            if count >= docs:
                break
            lines = text.split("\n") if copy == 0 else [f"{line} (Fassung {copy})" for line in text.split("\n") if line]
            (target / f"{name}.txt").write_text("\n".join(lines), encoding="utf-8")
            count += 1
        copy += 1
    return count


def folder_mb(path: Path) -> float:
    """The size of the files under ``path`` in MB."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def child(corpus: Path, chroma: Path, fake: bool) -> None:
    """Ingest in this process and print the report with this process's peak RSS."""
    settings = Settings(corpus_dir=corpus, chroma_dir=chroma)
    embeddings = hash_embeddings() if fake else load_embeddings(settings.embeddings)
    glossary = Glossary.load(settings.glossary_path)
    report = run_ingest(settings, open_client(settings), embeddings, glossary, progress=False)
    sentences = open_generation(open_client(settings), settings, embeddings)[0].sentences.count()
    print(
        json.dumps(
            {
                "docs": report.documents,
                "chunks": report.chunks,
                "sentences": sentences,
                "seconds": report.seconds,
                "failed": report.failed,
                "tagging_ms": tagging_ms(corpus, glossary),
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def tagging_ms(corpus: Path, glossary: Glossary, sample: int = 300) -> float:
    """Median time to find the places and programmes in one document's whole text (what the
    ingest's tagging does to it, chunk by chunk), over up to ``sample`` documents."""
    times = []
    for path in sorted(corpus.rglob("*.txt"))[:sample]:
        text = path.read_text(encoding="utf-8", errors="replace")
        started = time.perf_counter()
        glossary.places_in(text)
        glossary.programmes_in(text)
        times.append((time.perf_counter() - started) * 1000)
    return percentile(times, 0.5) if times else 0.0


def query_child(corpus: Path, chroma: Path) -> None:
    """Open Lotse, ask every NRW question once, print latencies, quality and peak RSS."""
    from app.pipeline import Lotse

    lotse = Lotse.from_settings(Settings(corpus_dir=corpus, chroma_dir=chroma))
    latencies, facts, abstentions = [], [], []
    for q in load_questions():
        started = time.perf_counter()
        answer = lotse.ask(q.question, previous=q.previous_turn)
        latencies.append((time.perf_counter() - started) * 1000)
        if q.answerable:
            facts.append(
                not answer.abstained
                and contains_fact(" ".join([answer.answer, *(c.quote for c in answer.citations)]), q.key_fact or "")
            )
        else:
            abstentions.append(answer.abstained)
    print(
        json.dumps(
            {
                "p50": percentile(latencies, 0.5),
                "p95": percentile(latencies, 0.95),
                "key_fact": sum(facts) / len(facts),
                "abstained": sum(abstentions) / len(abstentions),
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def measure_questions(corpus: Path, chroma: Path) -> dict[str, float]:
    """Cold start of ``lotse ask`` (median of three) and the warm loop in a fresh process."""
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "LOTSE_CORPUS_DIR": str(corpus),
        "LOTSE_CHROMA_DIR": str(chroma),
    }
    cold = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "app", "ask", "Was ist KOMM-AN NRW?"], cwd=ROOT, env=env, capture_output=True, check=True
        )
        cold.append(time.perf_counter() - started)
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale", "--query-child", str(corpus), str(chroma)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    result["cold_s"] = statistics.median(cold)
    return result


def question_row(label: str, docs: float, chunks: float, q: dict[str, float], fake: bool) -> str:
    """One row of the question table (no quality on hash-vector indexes)."""
    quality = "– (hash vectors)" if fake else f"{q['key_fact']:.3f} / {q['abstained']:.3f}"
    return (
        f"| {label} | {docs:,.0f} | {chunks:,.0f} | {q['cold_s']:.1f} | {q['p50']:.0f} / {q['p95']:.0f} | "
        f"{q['rss_mb']:,.0f} | {quality} |"
    )


def measure(tmp: Path, docs: int, pages: dict[str, str], fake: bool) -> dict[str, float]:
    """Ingest a corpus of ``docs`` documents in a child process (built if needed) and time questions on it;
    the ingest's numbers with the index size. The index is deleted afterwards."""
    corpus, chroma = tmp / f"corpus-{docs}", tmp / f"chroma-{docs}-{'fake' if fake else 'real'}"
    if not corpus.exists():
        build_corpus(corpus, docs, pages)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale", "--child", str(corpus), str(chroma), *(["--fake"] * fake)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    lexical = Settings(chroma_dir=chroma).lexical_path  # the BM25 indexes and the sentence file
    result["index_mb"] = folder_mb(chroma) + folder_mb(lexical)
    QUESTION_ROWS.append(
        question_row(
            f"{docs / BASE_DOCS:.0f}x{' (hash vectors)' if fake else ''}",
            result["docs"],
            result["chunks"],
            measure_questions(corpus, chroma),
            fake,
        )
    )
    shutil.rmtree(chroma)
    shutil.rmtree(lexical)
    return result


def row(label: str, r: dict[str, float], note: str = "") -> str:
    """One row of the ingest table, with the pages per second and the index size per chunk."""
    rate = r["docs"] / r["seconds"] if r["seconds"] else 0.0
    per_chunk = r["index_mb"] * 1000 / r["chunks"] if r["chunks"] else 0.0
    rss = f"{r['rss_mb']:,.0f}" if "rss_mb" in r else "–"
    tagging = f"{r['tagging_ms']:.2f}" if "tagging_ms" in r else "–"
    return (
        f"| {label} | {r['docs']:,.0f} | {r['chunks']:,.0f} | {r['sentences']:,.0f} | {r['seconds']:,.0f} | {rate:.2f} | "
        f"{rss} | {r['index_mb']:,.1f} ({per_chunk:.1f} KB/chunk) | {tagging} | {note} |"
    )


def main() -> None:
    """Measure each size within the budget (or run as a child process) and print both tables."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,15,75", help="multiples of the project corpus (real embedder)")
    parser.add_argument("--fake-sizes", default="75,300", help="multiples ingested with the hash embedder")
    parser.add_argument("--budget-minutes", type=float, default=20.0)
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--fake", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--query-child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, fake=args.fake)
        return
    if args.query_child:
        query_child(*args.query_child)
        return
    pages = omos_pages()
    base = BASE_DOCS
    print(
        "| size | docs | chunks | sentences | seconds | pages/s | peak RSS MB | index MB on disk "
        "| place tagging ms/doc (median) | note |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="lotse-scale-") as tmp_name:
        tmp = Path(tmp_name)
        last: dict[str, float] | None = None
        for multiple in (int(m) for m in args.sizes.split(",")):
            docs = base * multiple
            if last is not None:
                rate = last["docs"] / last["seconds"]
                estimate = docs / rate
                if estimate > args.budget_minutes * 60:
                    scale = docs / last["docs"]
                    guess = {
                        "docs": docs,
                        "chunks": last["chunks"] * scale,
                        "sentences": last["sentences"] * scale,
                        "seconds": estimate,
                        "index_mb": last["index_mb"] * scale,
                    }
                    print(
                        row(
                            f"{multiple}x",
                            guess,
                            f"extrapolated from {last['docs']:,.0f} docs: over the "
                            f"{args.budget_minutes:.0f}-minute budget, not run",
                        ),
                        flush=True,
                    )
                    continue
            last = measure(tmp, docs, pages, fake=False)
            print(row(f"{multiple}x", last), flush=True)
        if last is not None:
            rate = last["docs"] / last["seconds"]
            print(
                f"\n100,000 documents at {rate:.2f} pages/s: about {100_000 / rate / 3600:.1f} hours of embedding "
                f"(extrapolated, not run)."
            )
        for multiple in (int(m) for m in args.fake_sizes.split(",") if m):
            print(row(f"{multiple}x", measure(tmp, base * multiple, pages, fake=True), "fake embedder"), flush=True)
    print(
        "\n| size | docs | chunks | cold start s (`lotse ask`) | warm p50 / p95 ms | query RSS MB | "
        "NRW key fact / correct abstentions |"
    )
    print("|---|---|---|---|---|---|---|")
    print("\n".join(QUESTION_ROWS))


if __name__ == "__main__":
    main()
