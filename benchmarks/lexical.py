"""Benchmark: the BM25 index alone, by size: build peak RSS, build seconds, search p50 / p95.

    python -m benchmarks.lexical [--sizes 50000,200000] [--questions 200]

Chunks are the OMoS-QA pages (train and dev) cut into 150-word pieces, copied with a tenth of
their words dropped until the size is reached; questions are OMoS dev questions, k 60, one
Land. Each size is built in its own process, so its peak RSS is its own. Prints one Markdown
table. To compare another implementation, run the same script against its ``app/index/lexical.py``.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from app.index import LexicalIndex, sync_lexical
from benchmarks.scale import omos_pages
from evals.dataset import OMOS_DIR
from evals.metrics import percentile
from evals.omosqa import load_split

ROOT = Path(__file__).resolve().parent.parent
WORDS_PER_CHUNK = 150
LAND = "Nordrhein-Westfalen"


def chunks(n: int) -> Iterator[str]:
    """``n`` chunk texts, made on the fly (the benchmark process holds none of them)."""
    pieces = []
    for page in omos_pages().values():
        words = page.split()
        pieces += [" ".join(words[i : i + WORDS_PER_CHUNK]) for i in range(0, len(words), WORDS_PER_CHUNK)]
    rng = random.Random(0)
    for made in range(n):
        words = pieces[made % len(pieces)].split()
        yield " ".join(w for w in words if rng.random() > 0.1) + f" v{made % 997}"


def child(size: int, questions: int, folder: Path) -> None:
    """Build one index and search it; print the measurements as JSON."""
    asked = [row.question for row in load_split(OMOS_DIR / "dev_de.jsonl")][:questions]
    started = time.perf_counter()
    sync_lexical(folder, ((f"c{i}", text, LAND, 1) for i, text in enumerate(chunks(size))), 1, full=True)
    built = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    index = LexicalIndex.open(folder, 1)
    assert index is not None
    for question in asked[:20]:
        index.search(question, 60, LAND)
    latencies = []
    for question in asked:
        started = time.perf_counter()
        index.search(question, 60, LAND)
        latencies.append((time.perf_counter() - started) * 1000)
    disk = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    print(json.dumps({"peak": peak, "seconds": built, "p50": p50, "p95": p95, "disk": disk}))


def main() -> None:
    """Each size in its own process, one table row each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50000,200000")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.questions, args.folder)
        return
    print("| chunks | build peak RSS MB | build s | search p50 / p95 ms | on disk MB |\n|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            command = [sys.executable, "-m", "benchmarks.lexical", "--child", str(size), "--questions", str(args.questions)]
            folder = str(Path(tmp) / "bm25")
            out = subprocess.run([*command, "--folder", folder], cwd=ROOT, capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"| {size:,} | {r['peak']:,.0f} | {r['seconds']:.1f} | {r['p50']:.2f} / {r['p95']:.2f} | {r['disk']:.1f} |")


if __name__ == "__main__":
    main()
