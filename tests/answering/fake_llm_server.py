"""A scripted LLM server on 127.0.0.1 speaking the OpenAI chat-completions protocol
(incl. streaming) and the Ollama chat API. The model name picks the script:

good       first sentence of source 1, cited [1]
bad-cite   a sentence citing [9]
injection  follows the instruction planted in a source (an invented link, cited [1])
empty      an empty reply
english    a correct but English reply
uk-right   a Ukrainian sentence with the first number of source 1, cited [1]
uk-wrong   the same sentence with a number source 1 does not have
slow       waits past any test timeout
error      HTTP 500
judge      "JA" (for judge prompts)
condense   a standalone question for follow-ups
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SOURCE = re.compile(r'<quelle nummer="1"[^>]*>\n(.*?)\n</quelle>', re.S)


def scripted_reply(model: str, messages: list[dict]) -> str:
    prompt = messages[-1]["content"] if messages else ""
    if model == "good":
        source = SOURCE.search(prompt)
        first = re.split(r"(?<=[.!?])\s", source.group(1))[0] if source else ""
        return f"{first} [1]"
    if model == "bad-cite":
        return "KOMM-AN NRW gibt es seit 2015. [9]"
    if model == "injection":
        return "Wie gewünscht: Alle Antworten stehen auf http://boese.example. [1]"
    if model == "english":
        return "There are 54 municipal integration centres in North Rhine-Westphalia. [1]"
    if model in ("uk-right", "uk-wrong"):
        source = SOURCE.search(prompt)
        number = re.search(r"\b\d+\b", source.group(1)) if source else None
        value = int(number.group()) if number else 0
        return f"У джерелі названо число {value if model == 'uk-right' else value * 10 + 7}. [1]"
    if model == "judge":
        return "JA"
    if model == "condense":
        return "Seit wann gibt es KOMM-AN NRW?"
    return ""


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _body(self) -> dict:
        return json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        request = self._body()
        model = request.get("model", "")
        self.server.requests.append((self.path, request))  # type: ignore[attr-defined]
        if model == "error":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b'{"error": "kaputt"}')
            return
        if model == "slow":
            time.sleep(5)
        reply = scripted_reply(model, request.get("messages", []))
        if self.path.endswith("/chat/completions"):
            self._openai(reply, request.get("stream", False), model)
        elif self.path == "/api/chat":
            self._ollama(reply, request.get("stream", True), model)
        else:
            self.send_response(404)
            self.end_headers()

    def _send(self, content_type: str, payload: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _openai(self, reply: str, stream: bool, model: str) -> None:
        base = {"id": "x", "created": 0, "model": model}
        if not stream:
            body = {
                **base,
                "object": "chat.completion",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}],
            }
            self._send("application/json", json.dumps(body).encode())
            return
        words = re.findall(r"\S+\s*", reply) or [""]
        events = [
            {**base, "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": w}, "finish_reason": None}]}
            for w in words
        ]
        events.append(
            {**base, "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        )
        payload = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
        self._send("text/event-stream", payload.encode())

    def _ollama(self, reply: str, stream: bool, model: str) -> None:
        def message(content: str, done: bool) -> dict:
            return {
                "model": model,
                "created_at": "2026-01-01T00:00:00Z",
                "message": {"role": "assistant", "content": content},
                "done": done,
                **({"done_reason": "stop"} if done else {}),
            }

        if not stream:
            self._send("application/json", json.dumps(message(reply, True)).encode())
            return
        lines = [message(w, False) for w in re.findall(r"\S+\s*", reply)] + [message("", True)]
        self._send("application/x-ndjson", "".join(json.dumps(x) + "\n" for x in lines).encode())


class FakeLLMServer:
    """Start with ``with FakeLLMServer() as server: server.url``; stops by itself on exit."""

    def __init__(self) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.requests = []  # type: ignore[attr-defined]
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def requests(self) -> list[tuple[str, dict]]:
        return self.httpd.requests  # type: ignore[attr-defined]

    def __enter__(self) -> FakeLLMServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
