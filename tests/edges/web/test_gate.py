"""The route gate in front of Gradio (security campaign 2, findings 3, 10 and 11): every route
Gradio serves is enumerated, and each one Lotse does not use is refused before its body is
read; bodies are capped; ``file=<URL>`` never makes the server connect out."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import httpx
import pytest

from app.edges.web.api import too_few_values
from app.edges.web.chat import client_of
from app.edges.web.gate import MAX_BODY_BYTES, REFUSED, allowed
from app.edges.web.page import launch
from benchmarks.loopback import free_port
from tests.hostile_report import write_section

ROWS: list[tuple[str, str, str, str]] = []
USED = {  # what Lotse's pages, gradio_client and the dashboard's login need, and nothing more
    ("GET", "/"),
    ("HEAD", "/"),
    ("GET", "/config"),
    ("GET", "/config/"),
    ("GET", "/static/{path:path}"),
    ("GET", "/assets/{path:path}"),
    ("GET", "/svelte/{path:path}"),
    ("GET", "/favicon.ico"),
    ("GET", "/theme.css"),
    ("GET", "/robots.txt"),
    ("GET", "/manifest.json"),
    ("GET", "/pwa_icon"),
    ("GET", "/pwa_icon/{size}"),
    ("POST", "/login"),
    ("POST", "/login/"),
    ("GET", "/logout"),
    ("GET", "/gradio_api/info"),
    ("GET", "/gradio_api/info/"),
    ("GET", "/gradio_api/login_check"),
    ("GET", "/gradio_api/login_check/"),
    ("GET", "/gradio_api/app_id"),
    ("GET", "/gradio_api/app_id/"),
    ("GET", "/gradio_api/startup-events"),
    ("GET", "/gradio_api/theme.css"),
    ("GET", "/gradio_api/heartbeat/{session_hash}"),
    ("POST", "/gradio_api/queue/join"),
    ("GET", "/gradio_api/queue/data"),
    ("GET", "/gradio_api/queue/status"),
    ("POST", "/gradio_api/cancel"),
    ("POST", "/gradio_api/reset"),
    ("POST", "/gradio_api/reset/"),
    ("POST", "/gradio_api/call/{api_name}"),
    ("POST", "/gradio_api/call/{api_name}/"),
    ("POST", "/gradio_api/call/v2/{api_name}"),
    ("POST", "/gradio_api/call/v2/{api_name}/"),
    ("GET", "/gradio_api/call/{api_name}/{event_id}"),
    ("GET", "/gradio_api/call/v2/{api_name}/{event_id}"),
}


@pytest.fixture(scope="module", autouse=True)
def table() -> Iterator[None]:
    yield
    if len({finding for finding, *_ in ROWS}) == 5:
        write_section(
            "campaign-2-routes", "Second campaign: routes and request sizes", ("finding", "case", "before", "now"), ROWS
        )


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, gr.Blocks]]:
    with gr.Blocks() as page:
        question = gr.Textbox()
        gr.Button().click(lambda q: q, question, question, api_name="ask")
    port = free_port()
    app = launch(page, "127.0.0.1", port, concurrency=1, block=False)
    yield f"http://127.0.0.1:{port}", app
    app.close()


def routes(app: Any) -> set[tuple[str, str]]:
    """Every (method, path template) the server answers, included routers too."""
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            found |= routes(inner)
        for method in getattr(route, "methods", None) or ():
            found.add((method, route.path))
    return found


def concrete(template: str) -> str:
    path = template.replace("{path_or_url:path}", "http://127.0.0.1:9/x").replace("{url_path:path}", "http://127.0.0.1:9/x")
    return re.sub(r"\{[^}]+\}", "x", path)


def test_every_route_gradio_serves_is_used_by_lotse_or_refused(served: tuple[str, gr.Blocks]) -> None:
    url, app = served
    everything = routes(app.server_app)
    assert {r for r in everything if allowed(r[0], concrete(r[1]))} <= USED
    refused = sorted(r for r in everything if r not in USED and r[0] != "HEAD")
    assert len(refused) > 30  # uploads, recordings, proxy, file=, stream, vibe-*, monitoring, openapi, run history, ...
    for method, template in refused:
        response = httpx.request(method, url + concrete(template), content=b"{}", timeout=10)
        assert response.status_code == 404 and response.json() == REFUSED, (method, template, response.status_code)
    ROWS.append(
        (
            "3",
            f"all {len(everything)} routes of Gradio {gr.__version__} enumerated",
            "only /upload closed; /process_recording and others open",
            f"{len(refused)} refused with a German 404 before the body is read; {len(USED)} in use pass",
        )
    )


def gradio_temp_files() -> set[Path]:
    folder = Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio")
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


@pytest.mark.parametrize("route", ["/gradio_api/process_recording", "/gradio_api/upload", "/gradio_api/vibe-edit"])
def test_a_50_mb_upload_is_refused_and_nothing_is_kept(served: tuple[str, gr.Blocks], route: str) -> None:
    url, _ = served
    before = gradio_temp_files()
    response = httpx.post(url + route, files={"files": ("gross.bin", b"\0" * (50 * 1024 * 1024))}, timeout=120)
    assert response.status_code == 404 and response.json() == REFUSED
    assert not [p for p in gradio_temp_files() - before if p.stat().st_size > 1024 * 1024]
    ROWS.append(
        (
            "3",
            f"50 MB POST to {route}",
            "accepted, 50 MB kept in the temp folder" if "upload" not in route else "403",
            f"HTTP {response.status_code}, nothing stored",
        )
    )


def test_bodies_over_the_cap_are_refused_declared_or_streamed(served: tuple[str, gr.Blocks]) -> None:
    url, _ = served
    big = b'{"data": ["' + b"a" * (2 * MAX_BODY_BYTES) + b'", null, null]}'
    declared = httpx.post(f"{url}/gradio_api/call/ask", content=big, headers={"content-type": "application/json"}, timeout=30)
    streamed = httpx.post(
        f"{url}/gradio_api/call/ask",
        content=iter([big[i : i + 65536] for i in range(0, len(big), 65536)]),
        headers={"content-type": "application/json"},
        timeout=30,
    )
    assert declared.status_code == streamed.status_code == 413
    assert "zu groß" in declared.json()["error"] and "zu groß" in streamed.json()["error"]
    ok = httpx.post(f"{url}/gradio_api/call/ask", json={"data": ["Was ist KOMM-AN NRW?", None, None]}, timeout=30)
    assert ok.status_code == 200 and "event_id" in ok.json()
    ROWS.append(
        (
            "10",
            f"{len(big) // 1024} KB body to /ask, with Content-Length and chunked",
            "accepted (200 MB: 1.07 GB peak)",
            f"HTTP 413 with a German error, cap {MAX_BODY_BYTES // 1024} KB (a 40-turn chat is about 350 KB)",
        )
    )


def test_file_with_an_address_makes_no_connection(served: tuple[str, gr.Blocks]) -> None:
    url, _ = served
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(2)
    port = listener.getsockname()[1]
    connected: list[object] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            connected.append(listener.accept())

    waiter = threading.Thread(target=accept)
    waiter.start()
    response = httpx.get(f"{url}/gradio_api/file=http://127.0.0.1:{port}/geheim", timeout=10)
    waiter.join()
    listener.close()
    assert response.status_code == 404 and connected == []
    ROWS.append(
        (
            "11",
            "GET /gradio_api/file=http://127.0.0.1:PORT/",
            "DNS lookup and TCP connect from the server",
            "HTTP 404, no connection reached the listener",
        )
    )


def client_seen(trusted: str) -> tuple[str, str]:
    """(address seen without the header, address seen with a forged X-Forwarded-For)."""

    def who(request: gr.Request) -> str:
        return client_of(request)

    with gr.Blocks() as page:
        out = gr.Textbox()
        gr.Button().click(who, None, out, api_name="who")
    port = free_port()
    app = launch(page, "127.0.0.1", port, concurrency=1, block=False, trusted_proxies=trusted)
    try:
        from gradio_client import Client

        plain = Client(f"http://127.0.0.1:{port}/", verbose=False).predict(api_name="/who")
        forged = Client(f"http://127.0.0.1:{port}/", verbose=False, headers={"X-Forwarded-For": "203.0.113.9"}).predict(
            api_name="/who"
        )
        return str(plain), str(forged)
    finally:
        app.close()


def test_forwarded_headers_count_only_from_configured_proxies() -> None:
    assert client_seen("") == ("127.0.0.1", "127.0.0.1")  # default: no proxy is believed
    assert client_seen("127.0.0.1") == ("127.0.0.1", "203.0.113.9")  # the operator's proxy on loopback
    ROWS.append(
        (
            "7",
            "X-Forwarded-For: 203.0.113.9 from 127.0.0.1",
            "believed: a fresh rate-limit quota per forged value",
            "ignored unless LOTSE_TRUSTED_PROXIES names the proxy",
        )
    )


def test_wrong_passwords_slow_an_address_down_and_many_slow_everyone() -> None:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from app.edges.web.gate import FREE_FAILURES, GLOBAL_FAILURES, LoginThrottle

    async def login(request: Request) -> JSONResponse:
        form = await request.form()
        return JSONResponse({}, status_code=200 if form.get("password") == "richtig-und-lang" else 400)

    now = [0.0]
    throttle = LoginThrottle(Starlette(routes=[Route("/login", login, methods=["POST"])]), clock=lambda: now[0])
    client = TestClient(throttle)
    statuses = [client.post("/login", data={"password": "falsch"}).status_code for _ in range(FREE_FAILURES + 3)]
    assert statuses[:FREE_FAILURES] == [400] * FREE_FAILURES and statuses[FREE_FAILURES:] == [429, 429, 429]
    refused = client.post("/login", data={"password": "richtig-und-lang"})
    assert refused.status_code == 429 and "Anmeldeversuche" in refused.json()["error"] and refused.headers["retry-after"]
    now[0] += 2.5
    assert client.post("/login", data={"password": "richtig-und-lang"}).status_code == 200  # waited: the right one passes
    for n in range(GLOBAL_FAILURES):  # a guesser spread over many addresses
        throttle.note(f"10.0.{n // 250}.{n % 250}", succeeded=False)
    assert throttle.wait_s("192.0.2.1") > 0  # then every address waits
    ROWS.append(
        (
            "12",
            f"{FREE_FAILURES + 3} wrong dashboard passwords from one address; {GLOBAL_FAILURES} from many",
            "200 wrong passwords in 0.6 s, no slowdown",
            "after 3 wrong tries an address waits 2, 4, 8 … s (at most 15 min), 429 with Retry-After; "
            "after 50 failures in 15 min every address waits",
        )
    )


def test_a_dashboard_session_ends_and_its_cookies_carry_the_flags() -> None:
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from app.edges.web.gate import SESSION_S, SessionLifetime

    async def login(request: Request) -> JSONResponse:  # as Gradio answers a right password
        request.app.tokens["tok"] = "wartung"
        response = JSONResponse({"success": True})
        response.set_cookie("access-token-1", "tok", httponly=True, samesite="none", secure=True)
        response.set_cookie("access-token-unsecure-1", "tok", httponly=True)
        return response

    async def config(request: Request) -> Response:
        token = request.cookies.get("access-token-1") or request.cookies.get("access-token-unsecure-1")
        return Response(status_code=200 if token in request.app.tokens else 401)

    now = [0.0]
    routes = [Route("/login", login, methods=["POST"]), Route("/config", config)]
    app = Starlette(routes=routes, middleware=[Middleware(SessionLifetime, clock=lambda: now[0])])  # as the dashboard adds it
    app.tokens = {}  # type: ignore[attr-defined]  # where Gradio keeps its logins
    plain, tls = TestClient(app), TestClient(app, base_url="https://lotse.test")
    cookies = plain.post("/login").headers.get_list("set-cookie")
    assert len(cookies) == 2 and all(f"Max-Age={SESSION_S}" in c and "SameSite=Strict" in c and "HttpOnly" in c for c in cookies)
    assert plain.get("/config").status_code == 200
    now[0] += SESSION_S
    assert plain.get("/config").status_code == 401  # the session is over: log in again
    over_tls = tls.post("/login").headers.get_list("set-cookie")
    assert len(over_tls) == 1 and "Secure" in over_tls[0]  # no cookie without Secure over HTTPS
    ROWS.append(
        (
            "12",
            "a dashboard login, then 8 hours later; its cookies over HTTP and HTTPS",
            "the session never ended; one cookie without Secure, no Max-Age, SameSite=None",
            f"the token is forgotten after {SESSION_S // 3600} h (then 401); cookies HttpOnly, SameSite=Strict, "
            "Max-Age; over HTTPS only the Secure one",
        )
    )


@pytest.mark.parametrize(
    ("body", "short"),
    [
        (b'{"data": ["Was ist KOMM-AN NRW?"]}', True),
        (b'{"data": []}', True),
        (b'{"data": ["Was ist KOMM-AN NRW?", null, null]}', False),
        (b'{"data": "Was ist KOMM-AN NRW?"}', False),  # not a list: Gradio's own error, made German
        (b"[" * 5000, False),  # nested past Python's recursion limit: not JSON Lotse reads, no 500
        (b"\xff\xfe", False),
    ],
)
def test_an_ask_body_that_leaves_out_values_is_recognised_before_gradio_reads_it(body: bytes, short: bool) -> None:
    assert too_few_values(body) is short


def test_the_queue_summarises_its_events_rarely(served: tuple[str, gr.Blocks]) -> None:
    """Gradio's default rebuilds a table of its last 10,000 events after every answer."""
    from app.edges.web.page import QUEUE_SUMMARY_EVERY

    _, app = served
    assert app._queue.ANAYLTICS_CACHE_FREQUENCY == QUEUE_SUMMARY_EVERY  # Gradio's own spelling
