"""The page around the tabs: styles (phone and print layouts), the citation-link and
language-switch scripts, the German page language,
the routes Lotse closes or answers in German, and serving it with Gradio's queue."""

from __future__ import annotations

import os

import gradio as gr
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.edges.web.api import ASK_ROUTE, EXAMPLE, TOO_FEW_VALUES, too_few_values
from app.edges.web.gate import RouteGate
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


class GermanPage(BaseHTTPMiddleware):
    """Gradio's page template says ``lang="en"``; Lotse's page is German (and its login page
    gets what ``readable_login`` adds)."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        """An HTML response with ``lang="de"`` (and, on the login page, what ``readable_login`` adds); others as they are."""
        response = await call_next(request)
        if not response.headers.get("content-type", "").startswith("text/html"):
            return response
        body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        body = readable_login(body.replace(b'lang="en"', b'lang="de"', 1))
        return Response(body, status_code=response.status_code, headers=headers)


class GermanApiErrors(BaseHTTPMiddleware):
    """A request body the API cannot parse (not JSON, not UTF-8), or an ``/ask`` body that
    leaves out fields, gets the same German ``error`` object as every other bad question.
    (Routes Lotse does not use never get this far: ``RouteGate`` refuses them.)"""

    API = ("/gradio_api/call/", "/gradio_api/run/", "/gradio_api/queue/join")

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        """The response, or the German ``error`` object for an ``/ask`` body that leaves out fields or an API
        request that could not be parsed."""
        if request.method == "POST" and ASK_ROUTE.fullmatch(request.url.path) and too_few_values(await request.body()):
            return JSONResponse({"error": TOO_FEW_VALUES}, status_code=422)
        response = await call_next(request)
        if response.status_code in (400, 422) and request.url.path.startswith(self.API):
            return JSONResponse(
                {"error": f"Ungültige Anfrage: Der Inhalt muss JSON in UTF-8 sein, {EXAMPLE}."}, status_code=response.status_code
            )
        return response


def trust_proxies(trusted: str) -> None:
    """Believe ``X-Forwarded-For`` only from ``trusted`` (uvicorn, which Gradio runs, reads this
    setting when the server starts; its own default trusts any local process)."""
    os.environ["FORWARDED_ALLOW_IPS"] = trusted


def launch(app: gr.Blocks, host: str, port: int, concurrency: int, *, block: bool = True, trusted_proxies: str = "") -> gr.Blocks:
    """Queue for a CPU-bound handler and serve; never ``share=True``."""
    trust_proxies(trusted_proxies)
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
