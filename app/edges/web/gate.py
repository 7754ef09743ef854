"""The door in front of Gradio: only the routes Lotse's pages and its API use are let through,
everything else is refused before its body is read (file uploads, recordings, proxies,
``file=`` with an address, dev and vibe-coding routes, monitoring); request bodies have a size
cap checked against ``Content-Length`` and while they stream in. A pure ASGI middleware, so
it costs no extra copy of streamed answers.

A new Gradio version that adds a route does not open it: ``tests/edges/web/test_gate.py``
lists every route Gradio serves and checks which of them pass."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY_BYTES = 1024 * 1024
"""A question is at most 1,000 characters; a chat event carries the conversation too (40 turns
at most, about 8 KB each with sources and the signed answer kept for 👍/👎: some 350 KB)."""
_READ = ("GET", "HEAD")
ALLOWED: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (methods, re.compile(pattern))
    for methods, pattern in [
        (_READ, r"/"),
        (_READ, r"/config/?"),
        (_READ, r"/(?:assets|static|svelte)/[^?]*"),
        (_READ, r"/(?:favicon\.ico|theme\.css|robots\.txt|manifest\.json)"),
        (_READ, r"/pwa_icon(?:/\d+)?"),
        (("POST",), r"/login/?"),
        (_READ, r"/logout"),
        (_READ, r"/gradio_api/(?:info|login_check|app_id|startup-events|theme\.css)/?"),
        (_READ, r"/gradio_api/heartbeat/[\w-]+"),
        (("POST",), r"/gradio_api/queue/join"),
        (_READ, r"/gradio_api/queue/(?:data|status)"),
        (("POST",), r"/gradio_api/(?:cancel|reset)/?"),
        (("POST",), r"/gradio_api/call/(?:v2/)?[\w-]+/?"),
        (_READ, r"/gradio_api/call/(?:v2/)?[\w-]+/[\w-]+"),
    ]
)
REFUSED = {"error": "Diese Adresse gibt es bei Lotse nicht."}
TOO_LARGE = {"error": f"Die Anfrage ist zu groß (höchstens {MAX_BODY_BYTES // 1024 // 1024} MB)."}


def allowed(method: str, path: str) -> bool:
    """Whether Lotse serves ``method`` on ``path``."""
    return any(method in methods and pattern.fullmatch(path) for methods, pattern in ALLOWED)


async def send_json(send: Send, status: int, body: dict[str, str]) -> None:
    """Send a whole JSON response (UTF-8, with its length)."""
    data = json.dumps(body, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(data)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": data})


class RouteGate:
    """ASGI middleware: the allow list and the body cap (``Middleware(RouteGate)`` in Starlette)."""

    def __init__(self, app: ASGIApp, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse routes off the allow list (404) and bodies over ``max_body_bytes`` (413); pass everything else on."""
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if not allowed(scope["method"], scope["path"]):
            return await send_json(send, 404, REFUSED)
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            return await send_json(send, 413, TOO_LARGE)
        received, overflow, answered, started = 0, False, False, False

        async def capped_receive() -> Message:
            """The body as it streams in; past the cap the app sees it end, and gets no more."""
            nonlocal received, overflow
            if overflow:
                return {"type": "http.request", "body": b"", "more_body": False}
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                overflow = True
                return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def guarded_send(message: Message) -> None:
            """The app's response, or the 413 instead of it when the body was cut."""
            nonlocal answered, started
            if overflow and not started:
                if not answered:
                    answered = True
                    await send_json(send, 413, TOO_LARGE)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, capped_receive, guarded_send)


LOGIN_PATHS = ("/login", "/login/")
FREE_FAILURES = 3
"""Wrong passwords an address may type before it has to wait."""
MAX_WAIT_S = 900.0
GLOBAL_WINDOW_S = 900.0
GLOBAL_FAILURES = 50
"""Failed logins from all addresses in the window after which every address waits too (a guesser spread over many)."""


class LoginThrottle:
    """ASGI middleware for the dashboard's login: after ``FREE_FAILURES`` wrong passwords an
    address waits 2, 4, 8 … seconds (at most 15 minutes) before the next try is even read, and
    all addresses wait once ``GLOBAL_FAILURES`` logins failed within 15 minutes. Refused tries
    get a German 429 with ``Retry-After``."""

    def __init__(self, app: ASGIApp, clock: Callable[[], float] | None = None) -> None:
        self.app = app
        self.clock = clock or time.monotonic
        self._failures: dict[str, tuple[int, float]] = {}
        self._recent: list[float] = []
        self._lock = threading.Lock()

    def wait_s(self, address: str) -> float:
        """How long ``address`` must still wait before its next login is read."""
        now = self.clock()
        with self._lock:
            self._recent = [t for t in self._recent if now - t < GLOBAL_WINDOW_S][-GLOBAL_FAILURES * 2 :]
            count, last = self._failures.get(address, (0, now))
            own = min(2.0 ** (count - FREE_FAILURES + 1), MAX_WAIT_S) if count >= FREE_FAILURES else 0.0
            everyone = 5.0 if len(self._recent) >= GLOBAL_FAILURES else 0.0
            return max(0.0, last + own - now, (self._recent[-1] + everyone - now) if everyone else 0.0)

    def note(self, address: str, succeeded: bool) -> None:
        """Count a failed login from ``address``, or forget its failures after a successful one."""
        now = self.clock()
        with self._lock:
            if succeeded:
                self._failures.pop(address, None)
                return
            count, _ = self._failures.get(address, (0, now))
            self._failures[address] = (count + 1, now)
            self._recent.append(now)
            while len(self._failures) > 10_000:  # bounded memory: the oldest addresses are forgotten
                del self._failures[next(iter(self._failures))]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Make a login that comes too soon wait (a German 429 with ``Retry-After``); pass the rest on, noting
        whether each login succeeded."""
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in LOGIN_PATHS:
            return await self.app(scope, receive, send)
        address = str((scope.get("client") or ("unbekannt", 0))[0])
        wait = self.wait_s(address)
        if wait > 0:
            body = json.dumps(
                {"error": f"Zu viele Anmeldeversuche. Bitte in {int(wait) + 1} Sekunden noch einmal."}, ensure_ascii=False
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 429,
                    "headers": [
                        (b"content-type", b"application/json; charset=utf-8"),
                        (b"retry-after", str(int(wait) + 1).encode()),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return None
        status = 0

        async def noted_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        await self.app(scope, receive, noted_send)
        self.note(address, status == 200)
        return None


SESSION_S = 8 * 3600
"""How long a dashboard login lasts; then the maintainer logs in again."""


class SessionLifetime:
    """ASGI middleware for the dashboard's sessions, which Gradio never ends: a login's token is
    forgotten ``SESSION_S`` after it was issued, and its cookies get ``Max-Age``,
    ``SameSite=Strict`` and ``HttpOnly``; over HTTPS the cookie without ``Secure`` (Gradio's
    fallback for plain HTTP) is not set at all. Gradio keeps the tokens in ``app.tokens``."""

    def __init__(self, app: ASGIApp, clock: Callable[[], float] | None = None) -> None:
        self.app = app
        self.clock = clock or time.monotonic
        self._issued: dict[str, float] = {}
        self._lock = threading.Lock()

    def _expire(self, tokens: dict[str, Any]) -> None:
        now = self.clock()
        with self._lock:
            for token in [t for t, at in self._issued.items() if now - at >= SESSION_S]:
                tokens.pop(token, None)
                del self._issued[token]

    def _cookie(self, header: bytes, https: bool) -> bytes | None:
        """A login cookie with the session's flags, or None if it is not to be set."""
        name, _, rest = header.decode("latin-1").partition("=")
        value = rest.split(";", 1)[0]
        secure = "secure" in rest.lower()
        if https and not secure:
            return None
        with self._lock:
            self._issued.setdefault(value, self.clock())
        flags = f"; HttpOnly; Path=/; Max-Age={SESSION_S}; SameSite=Strict" + ("; Secure" if secure else "")
        return f"{name}={value}{flags}".encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Forget expired logins on every request; give the cookies a login sets the session's flags."""
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        tokens = getattr(scope.get("app"), "tokens", None)
        if isinstance(tokens, dict):
            self._expire(tokens)
        if scope["method"] != "POST" or scope["path"] not in LOGIN_PATHS:
            return await self.app(scope, receive, send)
        https = scope.get("scheme") == "https"

        async def flagged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = []
                for key, value in message.get("headers", []):
                    if key.lower() == b"set-cookie" and value.startswith(b"access-token"):
                        value = self._cookie(value, https)
                        if value is None:
                            continue
                    headers.append((key, value))
                message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, flagged_send)
