"""Benchmark: two `lotse serve` workers on one `chroma run` server, an ingest while they serve.

    python -m benchmarks.reload [--sessions 10] [--seconds 90]

Ingests the project corpus without one programme description into a fresh Chroma server,
starts two workers on it, and keeps --sessions clients asking NRW questions through /ask,
alternating between the workers. Meanwhile the missing document is added and `lotse ingest`
runs. Afterwards both workers are asked about the new document without a restart. Prints
requests, errors, latencies, and per worker the generation switch and the new answer.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import chromadb
from gradio_client import Client

from benchmarks.load import start_server
from benchmarks.loopback import free_port
from evals.dataset import load_questions
from evals.metrics import percentile

ROOT = Path(__file__).resolve().parent.parent
NEW_DOC = Path("programmes") / "welcome-center-kreis-kleve.md"
NEW_QUESTION = "Was macht das Welcome Center im Kreis Kleve?"


def start_chroma(folder: Path) -> tuple[subprocess.Popen, str]:
    """Start ``chroma run`` on ``folder`` and a free port; the process and its URL once it answers."""
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    server = subprocess.Popen(
        [str(chroma), "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            chromadb.HttpClient(host="127.0.0.1", port=port).heartbeat()
            return server, f"http://127.0.0.1:{port}"
        except Exception:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("chroma run startete nicht")


def ingest(env: dict[str, str]) -> float:
    """Run ``lotse ingest`` with ``env``; the seconds it took."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "app", "ingest", "--quiet"], cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def cites_new_doc(url: str) -> bool:
    """Whether the server at ``url`` cites the added document when asked about it."""
    result = Client(url, verbose=False).predict(NEW_QUESTION, None, None, api_name="/ask")
    return any(c["doc_id"] == NEW_DOC.with_suffix("").as_posix() for c in result.get("citations", []))


def main() -> None:
    """Serve two workers, keep clients asking while the missing document is ingested, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=90.0, help="how long the clients keep asking")
    args = parser.parse_args()
    questions = [q.question for q in load_questions() if q.answerable and not q.previous_turn]
    with tempfile.TemporaryDirectory(prefix="lotse-reload-") as tmp_name:
        tmp = Path(tmp_name)
        corpus = tmp / "corpus"
        shutil.copytree(ROOT / "corpus", corpus)
        (corpus / NEW_DOC).unlink()
        chroma, chroma_url = start_chroma(tmp / "chroma")
        env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "ANONYMIZED_TELEMETRY": "False",
            "LOTSE_CORPUS_DIR": str(corpus),
            "LOTSE_CHROMA_URL": chroma_url,
            "LOTSE_LEXICAL_DIR": str(tmp / "lexical"),
            "LOTSE_FEEDBACK_DB": str(tmp / "feedback.sqlite3"),
        }
        workers = []
        try:
            ingest(env)
            for _ in range(2):
                port = free_port()
                workers.append((start_server(port, env), f"http://127.0.0.1:{port}/"))
            before = [cites_new_doc(url) for _, url in workers]
            latencies: list[float] = []
            errors = [0]
            lock = threading.Lock()
            stop = time.time() + args.seconds

            def client(n: int) -> None:
                connections = [Client(url, verbose=False) for _, url in workers]
                i = n
                while time.time() < stop:
                    started = time.perf_counter()
                    try:
                        result = connections[i % 2].predict(questions[i % len(questions)], None, None, api_name="/ask")
                        ok = "answer" in result
                    except Exception:
                        ok = False
                    with lock:
                        latencies.append((time.perf_counter() - started) * 1000)
                        errors[0] += not ok
                    i += 1

            threads = [threading.Thread(target=client, args=(n,)) for n in range(args.sessions)]
            for thread in threads:
                thread.start()
            time.sleep(args.seconds / 4)
            shutil.copy(ROOT / "corpus" / NEW_DOC, corpus / NEW_DOC)
            ingest_s = ingest(env)
            for thread in threads:
                thread.join()
            after = [cites_new_doc(url) for _, url in workers]
        finally:
            for server, _ in workers:
                server.terminate()
                server.wait(timeout=30)
            chroma.terminate()
            chroma.wait(timeout=30)
    print(
        "| requests | errors | p50 ms | p95 ms | ingest during load s | worker "
        "| cites the new document before / after (no restart) |"
    )
    print("|---|---|---|---|---|---|---|")
    for n, (was, now) in enumerate(zip(before, after), start=1):
        print(
            f"| {len(latencies)} | {errors[0]} | {percentile(latencies, 0.5):.0f} | {percentile(latencies, 0.95):.0f} | "
            f"{ingest_s:.1f} | {n} | {was} / {now} |"
        )


if __name__ == "__main__":
    main()
