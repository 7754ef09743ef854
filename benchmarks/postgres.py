"""A throwaway PostgreSQL server on the loopback interface: Debian's own binaries (installed by
``make test``), a fresh cluster in a temporary folder, trust login for one local user, stopped
and deleted on exit. For the tests and benchmarks of the feedback store on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from glob import glob
from pathlib import Path

from benchmarks.loopback import free_port

USER = "lotse"


def postgres_bin() -> Path:
    """The newest installed PostgreSQL's ``bin`` folder (Debian keeps one per major version)."""
    found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise FileNotFoundError("PostgreSQL fehlt: make test installiert es (apt-get install postgresql)")
    return Path(found[-1]).parent


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    """``initdb`` and ``postgres`` refuse to run as root: they run as the ``postgres`` user then."""
    return ["runuser", "-u", owner, "--", *command] if owner else command


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a private server and yield the SQLAlchemy URL of its ``postgres`` database."""
    binaries = postgres_bin()
    owner = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="lotse-pg-"))
    data = folder / "data"
    if owner:
        shutil.chown(folder, owner)
    port = free_port()
    subprocess.run(
        _as_owner([str(binaries / "initdb"), "-D", str(data), "-U", USER, "-A", "trust", "-E", "UTF8", "--no-locale"], owner),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    start = [str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"]
    subprocess.run(_as_owner(start, owner), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://{USER}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_owner([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], owner), capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)
