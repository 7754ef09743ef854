"""The real web app on a free loopback port, with the session's real index."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.feedback import FeedbackStore
from app.service import Lotse
from app.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def feedback_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("feedback") / "feedback.sqlite3"


@pytest.fixture(scope="session")
def web_url(lotse: Lotse, real_settings: Settings, feedback_path: Path) -> Iterator[str]:
    from app.web import build_app, launch

    port = free_port()
    app = launch(build_app(lotse, FeedbackStore(feedback_path)), "127.0.0.1", port, concurrency=2, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.close()
