"""A real `chroma run` on a loopback port that a test can stop and start again (same port,
same data folder)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import chromadb

CHROMA = Path(sys.executable).parent / "chroma"


class ChromaServer:
    """``chroma run --path <data>/db`` on ``port``; ``url`` is what ``LOTSE_CHROMA_URL`` takes."""

    def __init__(self, data: Path, port: int) -> None:
        self.data, self.port = data, port
        self.url = f"http://127.0.0.1:{port}"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 60) -> None:
        """Start the server and wait until it answers a heartbeat."""
        self.data.mkdir(parents=True, exist_ok=True)
        with open(self.data / "server.log", "ab") as log:
            self._process = subprocess.Popen(
                [str(CHROMA), "run", "--path", str(self.data / "db"), "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.time() + timeout_s
        while True:
            try:
                chromadb.HttpClient(host="127.0.0.1", port=self.port).heartbeat()
                return
            except Exception:
                if time.time() > deadline or self._process.poll() is not None:
                    raise RuntimeError(f"chroma run startete nicht: {(self.data / 'server.log').read_text()[-2000:]}") from None
                time.sleep(0.3)

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): it accepts connections and never answers."""
        assert self._process is not None
        self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self._process is not None
        self._process.send_signal(signal.SIGCONT)

    def stop(self, *, kill: bool = False) -> None:
        """Stop the server (SIGKILL with ``kill``: no clean shutdown)."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill() if kill else self._process.terminate()
            self._process.wait(timeout=30)
        self._process = None
