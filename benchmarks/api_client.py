"""/ask over plain HTTP, as any client (not only gradio_client) can call it."""

from __future__ import annotations

import json

import httpx


def call_ask(base: str, body: bytes) -> tuple[int, object]:
    """POST a raw body to /ask and read the event stream's result: (HTTP status, payload)."""
    posted = httpx.post(f"{base}gradio_api/call/ask", content=body, headers={"content-type": "application/json"}, timeout=60)
    if posted.status_code != 200:
        return posted.status_code, posted.json()
    with httpx.stream("GET", f"{base}gradio_api/call/ask/{posted.json()['event_id']}", timeout=60) as stream:
        events = "".join(stream.iter_text())
    data = [line[len("data: ") :] for line in events.splitlines() if line.startswith("data: ")]
    return 200, json.loads(data[-1])[0]


def ask_json(base: str, question: str) -> tuple[int, object]:
    """One question to /ask with no place and no previous question."""
    return call_ask(base, json.dumps({"data": [question, None, None]}).encode())
