"""Load test: concurrent chat sessions against `lotse serve` on loopback.

    python -m benchmarks.load [--sessions 30 60] [--questions 3]

Starts `lotse serve` on a free port (the index must exist: `lotse ingest`), then for each
session count runs that many clients in parallel, each asking --questions questions one
after another through the /ask endpoint. Bounded: at most sessions x questions requests and
--time-limit seconds per round. Prints one Markdown table, with the server's CPU time per
answer (less noisy than the wall clock on a shared machine).

Each session is its own HTTP client with its own Gradio session, speaking Gradio's REST
protocol (POST the question, read the answer from the event stream) as a browser or
`gradio_client` would. `gradio_client` itself is not used: on two cores its 60 clients spent as
much CPU as the server (20 s against 18 s for 180 answers), so the benchmark measured itself.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

import httpx

from app.core import Settings
from benchmarks.api_client import ask_json
from benchmarks.loopback import free_port
from evals.dataset import load_questions
from evals.metrics import percentile


def rss_mb(pid: int) -> float:
    """The resident memory of process ``pid`` in MB (0.0 if ``/proc`` does not say)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) process ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(port: int, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start ``lotse serve`` on ``port`` and wait until it runs (at most two minutes), else exit."""
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env or os.environ.copy(),
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        line = server.stdout.readline() if server.stdout else ""
        if "Lotse läuft" in line:
            time.sleep(1)
            return server
        if server.poll() is not None:
            break
    server.kill()
    raise SystemExit("lotse serve startete nicht (Index vorhanden? 'lotse ingest')")


def run_round(url: str, sessions: int, per_session: int, questions: list[str], limit_s: float, pid: int) -> dict[str, float]:
    """Run ``sessions`` clients asking ``per_session`` questions each through /ask; requests, errors, latency,
    throughput and the server's peak RSS."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    peak = [rss_mb(pid)]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], rss_mb(pid))
            time.sleep(0.2)

    def session(n: int) -> None:
        nonlocal errors
        gradio_session = uuid.uuid4().hex
        with httpx.Client(timeout=limit_s) as client:
            for i in range(per_session):
                question = questions[(n * per_session + i) % len(questions)]
                started = time.perf_counter()
                try:
                    status, result = ask_json(url, question, client=client, session=gradio_session)
                    ok = status == 200 and isinstance(result, dict) and result.get("question") == question and "answer" in result
                except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError):
                    ok = False
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
                    errors += 0 if ok else 1

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu_before = cpu_seconds(pid)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        done, pending = wait([pool.submit(session, n) for n in range(sessions)], timeout=limit_s)
        for future in pending:
            future.cancel()
    wall = time.perf_counter() - started
    cpu = cpu_seconds(pid) - cpu_before
    stop.set()
    unfinished = sessions * per_session - len(latencies)
    return {
        "sessions": sessions,
        "requests": len(latencies),
        "errors": errors + unfinished,
        "wall_s": wall,
        "throughput": len(latencies) / wall if wall else 0.0,
        "p50": percentile(latencies, 0.5),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "rss_mb": peak[0],
        "cpu_ms": cpu * 1000 / max(len(latencies), 1),
    }


def rate_limit_round(questions: list[str], sent: int = 60) -> dict[str, float]:
    """One client over its per-minute limit against a server with the default limit."""
    port = free_port()
    server = start_server(port)
    url = f"http://127.0.0.1:{port}/"
    counts = {"answered": 0, "refused": 0, "other": 0}
    lock = threading.Lock()

    def one(i: int) -> None:
        try:
            _, result = ask_json(url, questions[i % len(questions)])
            found = result if isinstance(result, dict) else {}
            kind = "refused" if "Fragen gestellt" in str(found.get("error", "")) else "answered" if "answer" in found else "other"
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError):
            kind = "other"
        with lock:
            counts[kind] += 1

    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=10) as pool:
            list(pool.map(one, range(sent)))
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"sent": sent, "wall_s": wall, **counts}


def main() -> None:
    """Run a round per session count and one over the per-client limit; print the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, nargs="+", default=[30, 60])
    parser.add_argument("--questions", type=int, default=3, help="questions per session")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds per round at most")
    args = parser.parse_args()
    questions = [q.question for q in load_questions() if q.answerable and not q.previous_turn]
    port = free_port()
    # All sessions come from 127.0.0.1 here; real ones come from many addresses, so the
    # per-client limit is lifted for the throughput rounds and measured on its own below.
    server = start_server(port, {**os.environ, "LOTSE_RATE_LIMIT_PER_MINUTE": "1000000"})
    try:
        url = f"http://127.0.0.1:{port}/"
        rows = [run_round(url, n, args.questions, questions, args.time_limit, server.pid) for n in args.sessions]
    finally:
        server.terminate()
        server.wait(timeout=30)
    limited = rate_limit_round(questions)
    print(
        "| sessions | requests | errors | wall s | req/s | p50 ms | p95 ms | p99 ms | server CPU ms per answer "
        "| server RSS MB (peak) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['sessions']} | {r['requests']} | {r['errors']} | {r['wall_s']:.1f} | {r['throughput']:.1f} | "
            f"{r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | {r['cpu_ms']:.0f} | {r['rss_mb']:.0f} |"
        )
    print(f"\nmedian request: {statistics.median([r['p50'] for r in rows]):.0f} ms (p50 over rounds)")
    print(
        f"\nper-client limit (default {Settings().rate_limit_per_minute}/min): one client sends {limited['sent']} questions from "
        f"10 threads in {limited['wall_s']:.1f} s: {limited['answered']} answered, {limited['refused']} refused with the German "
        f"message, {limited['other']} other errors"
    )


if __name__ == "__main__":
    main()
