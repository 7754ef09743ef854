"""/ask over plain HTTP, as any client (not only gradio_client) can call it: Gradio's REST
protocol, the question posted and the answer read from the event stream."""

from __future__ import annotations

import json
from contextlib import nullcontext

import httpx


def call_ask(base: str, body: bytes, client: httpx.Client | None = None) -> tuple[int, object]:
    """POST a raw body to /ask and read the event stream's result: (HTTP status, payload).
    Through ``client`` if given (one connection for a session's questions), else a new one."""
    with nullcontext(client) if client is not None else httpx.Client(timeout=60) as http:
        posted = http.post(f"{base}gradio_api/call/ask", content=body, headers={"content-type": "application/json"})
        if posted.status_code != 200:
            return posted.status_code, posted.json()
        with http.stream("GET", f"{base}gradio_api/call/ask/{posted.json()['event_id']}") as stream:
            events = "".join(stream.iter_text())
    data = [line[len("data: ") :] for line in events.splitlines() if line.startswith("data: ")]
    return 200, json.loads(data[-1])[0]


def ask_json(base: str, question: str, *, client: httpx.Client | None = None, session: str | None = None) -> tuple[int, object]:
    """One question to /ask with no place and no previous question, in Gradio session
    ``session`` if given (as a browser tab or a ``gradio_client.Client`` keeps one)."""
    body = {"data": [question, None, None], **({"session_hash": session} if session else {})}
    return call_ask(base, json.dumps(body).encode(), client)
