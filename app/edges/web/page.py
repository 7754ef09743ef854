"""The page around the tabs: styles (phone and print layouts), the citation-link and
language-switch scripts, the German page language,
the routes Lotse closes or answers in German, and serving it with Gradio's queue."""

from __future__ import annotations

import os

import gradio as gr
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware import Middleware

from app.edges.web.api import ASK_ROUTE, EXAMPLE, TOO_FEW_VALUES, too_few_values
from app.edges.web.gate import ASGIApp, Message, Receive, RouteGate, Scope, Send, send_json
from app.edges.web.gradio_labels import gradio_labels_script

ACCENT = "#c2410c"
"""Orange dark enough for text on white and for white text on it (5.2:1)."""
MUTED_TEXT = "#6b6b6b"
"""The lightest grey that still reads as text on white (5.3:1; Gradio's placeholders give 1.9:1)."""
CSS = (
    """
.quelle {border:1px solid #ccc;border-radius:6px;padding:4px 8px;margin:4px 0;}
.quelle summary {cursor:pointer;font-weight:600;}
.quelle mark {background:#ffe58a;color:#000;}
.hinweis {font-size:0.9em;color:#333;}
p[dir=auto] {text-align:start;}
#chat .scroll-down-button-container {display:none;}
#zur-antwort:not(:focus) {position:absolute !important; left:-10000px; width:1px; height:1px; overflow:hidden;}
#kopf {align-items:center;}
#titel h1 {font-size:1.5em; margin:0 0 4px 0;}
#titel p {margin:0;}
@media (max-width: 640px) {
  #chat {height:340px !important; min-height:0 !important;}
  #kopf {flex-wrap:nowrap;}
  #titel {font-size:0.85em;}
  #beispiele button {flex:1 1 45%;}
}
"""
    + f"""button[role=tab].selected {{color:{ACCENT};}}
textarea::placeholder, input::placeholder {{color:{MUTED_TEXT}; opacity:1;}}
"""
)
PAGE_HEAD = """<style>
@media (max-width: 640px) {.gradio-container, .gradio-container .main {padding-left:6px !important; padding-right:6px !important;}}
html[dir=rtl] .hinweis, html[dir=rtl] #titel {direction:rtl; text-align:right;}
#druckfassung {display:none;}
@media print {
  body > *:not(#druckfassung) {display:none !important;}
  #druckfassung {display:block; white-space:pre-wrap; font:11pt/1.45 serif; margin:0;}
}
</style>"""  # noqa: E501 (style sheet as the browser reads it)
"""Styles Gradio's ``css`` cannot express (it scopes them to the container's inside): the outer
container on phones, right-to-left notes and title for Arabic, and printing: only the handout,
whole (a copy of the handout box's text, which a printed text box would cut after a few lines)."""
SWITCH_LANGUAGE_JS = """
async (language) => {
  const code = language === 'de-simple' ? 'de' : language;
  document.documentElement.dir = language === 'ar' ? 'rtl' : 'ltr';
  document.documentElement.dataset.lotseLanguage = language;
  try {  // Gradio's own labels (like, copy, clear) follow through Gradio's locale switch
    const core = performance.getEntriesByType('resource').map((e) => e.name)
      .find((name) => /\\/assets\\/core-[^/]*\\.js$/.test(name));
    if (core) { (await import(core)).changeLocale(code); }
  } catch (error) { console.warn('Lotse: Gradio-Sprache nicht umgestellt', error); }
  document.documentElement.lang = code;
  window.lotseRelabel?.();
  return language;
}
"""
JS = """
() => {
  document.documentElement.lang = 'de';
  __GRADIO_LABELS__
  const question = document.querySelector('#frage textarea');
  if (question) question.dir = 'auto';  // Arabic typed right to left, German left to right, in any interface
  window.lotsePrintCopy = () => {  // the handout as plain text, the one thing a print shows
    let copy = document.getElementById('druckfassung');
    if (!copy) { copy = document.createElement('pre'); copy.id = 'druckfassung'; document.body.appendChild(copy); }
    copy.textContent = document.querySelector('#weitergeben textarea')?.value ?? '';
    copy.lang = 'de';
  };
  window.addEventListener('beforeprint', () => window.lotsePrintCopy());
  // Gradio's toast header is a "button" (it folds a stack of toasts) holding the close button
  // (axe: nested-interactive, serious): it stays clickable, but is no longer a keyboard stop.
  new MutationObserver(() => {
    for (const header of document.querySelectorAll('.toast-header[role=button]')) {
      header.removeAttribute('role');
      header.removeAttribute('tabindex');
    }
  }).observe(document.body, {subtree: true, childList: true});
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href^="#quelle-"]');
    if (!link) return;
    event.preventDefault();
    const passage = document.getElementById(link.getAttribute('href').slice(1));
    const card = passage?.closest('details');
    if (card) { card.open = true; passage.scrollIntoView({behavior: 'smooth', block: 'nearest'}); }
  });
}
"""


LOGIN_TITLE = "Lotse – Anmeldung"
KEEP_USERNAME_JS = """<script>
document.addEventListener('input', (e) => {
  if (e.target.matches('input[type=text]')) sessionStorage.setItem('lotse-user', e.target.value);
});
new MutationObserver(() => {  // Gradio empties the form after a failed login: the name comes back
  const field = document.querySelector('input[type=text]');
  const kept = sessionStorage.getItem('lotse-user');
  if (field && kept && !field.value && document.activeElement !== field) {
    field.value = kept;
    field.dispatchEvent(new Event('input', {bubbles: true}));
  }
}).observe(document.documentElement, {subtree: true, childList: true});
</script>"""


def readable_login(body: bytes) -> bytes:
    """Gradio's login page as screen readers need it: a title, one main landmark, one h1
    (Gradio renders the form without them; the page after login has its own); and a failed
    login keeps the user name (Gradio empties both fields)."""
    if b'"auth_required":true' not in body:
        return body
    body = body.replace(b"</head>", f"<title>{LOGIN_TITLE}</title>{KEEP_USERNAME_JS}</head>".encode(), 1)
    body = body.replace(b"<gradio-app", f'<main><h1 style="margin:16px">{LOGIN_TITLE}</h1><gradio-app'.encode(), 1)
    return body.replace(b"</gradio-app>", b"</gradio-app></main>", 1)


class GermanPage:
    """ASGI middleware: Gradio's page template says ``lang="en"``; Lotse's page is German (and
    its login page gets what ``readable_login`` adds). Pure ASGI like ``RouteGate``: other
    responses, the streamed answers among them, pass through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Hold an HTML response until its body is whole and send it rewritten; pass the rest on."""
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        held: Message | None = None
        parts: list[bytes] = []

        async def rewritten(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start" and Headers(raw=message.get("headers", [])).get(
                "content-type", ""
            ).startswith("text/html"):
                held = message
            elif held is None or message["type"] != "http.response.body":
                await send(message)
            else:
                parts.append(message.get("body", b""))
                if not message.get("more_body", False):
                    page = readable_login(b"".join(parts).replace(b'lang="en"', b'lang="de"', 1))
                    headers = MutableHeaders(raw=list(held.get("headers", [])))
                    headers["content-length"] = str(len(page))
                    await send({**held, "headers": headers.raw})
                    await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, rewritten)


class GermanApiErrors:
    """ASGI middleware: a request body the API cannot parse (not JSON, not UTF-8), or an ``/ask``
    body that leaves out fields, gets the same German ``error`` object as every other bad
    question. (Routes Lotse does not use never get this far: ``RouteGate`` refuses them.)"""

    API = ("/gradio_api/call/", "/gradio_api/run/", "/gradio_api/queue/join")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The response, or the German ``error`` object for an ``/ask`` body that leaves out
        fields or an API request that could not be parsed."""
        if scope["type"] != "http" or not scope["path"].startswith(self.API):
            return await self.app(scope, receive, send)
        if scope["method"] == "POST" and ASK_ROUTE.fullmatch(scope["path"]):
            body = await whole_body(receive)
            if too_few_values(body):
                return await send_json(send, 422, {"error": TOO_FEW_VALUES})
            receive = replayed(body, receive)
        refused = False

        async def german(message: Message) -> None:
            nonlocal refused
            if message["type"] == "http.response.start" and message["status"] in (400, 422):
                refused = True
                error = f"Ungültige Anfrage: Der Inhalt muss JSON in UTF-8 sein, {EXAMPLE}."
                await send_json(send, message["status"], {"error": error})
            elif not refused:
                await send(message)

        await self.app(scope, receive, german)


async def whole_body(receive: Receive) -> bytes:
    """A request's body, read until it ends or the client goes away (``RouteGate`` caps its size)."""
    parts = []
    while True:
        message = await receive()
        parts.append(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body", False):
            return b"".join(parts)


def replayed(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the app ``body`` again, then what the client sends next."""
    given = False

    async def again() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return again


def trust_proxies(trusted: str) -> None:
    """Believe ``X-Forwarded-For`` only from ``trusted`` (uvicorn, which Gradio runs, reads this
    setting when the server starts; its own default trusts any local process)."""
    os.environ["FORWARDED_ALLOW_IPS"] = trusted


QUEUE_SUMMARY_EVERY = 1000
"""Gradio's queue rebuilds a pandas table of its last 10,000 events after each event for its own
monitoring page (which Lotse does not serve): 2 ms per answer at first, 7 ms once the server
has answered 10,000 questions. Lotse has it rebuilt after this many events instead."""


def summarise_queue_rarely() -> None:
    """Set Gradio's queue summary interval (read when the queue is made: before ``queue()``)."""
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(QUEUE_SUMMARY_EVERY))  # an operator's setting wins


def launch(app: gr.Blocks, host: str, port: int, concurrency: int, *, block: bool = True, trusted_proxies: str = "") -> gr.Blocks:
    """Queue for a CPU-bound handler and serve; never ``share=True``."""
    trust_proxies(trusted_proxies)
    summarise_queue_rarely()
    app.queue(default_concurrency_limit=concurrency, max_size=256)
    app.launch(
        server_name=host,
        server_port=port,
        share=False,
        prevent_thread_lock=not block,
        quiet=not block,
        css=CSS,
        head=PAGE_HEAD,
        js=JS.replace("__GRADIO_LABELS__", gradio_labels_script()),
        show_error=False,
        footer_links=[],
        app_kwargs={"middleware": [Middleware(RouteGate), Middleware(GermanPage), Middleware(GermanApiErrors)]},
    )
    return app
