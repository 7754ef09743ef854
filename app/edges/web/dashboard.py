"""The maintainers' dashboard (``lotse wartung``): a page of its own, on its own port, behind
Gradio's login, never part of the public chat. It shows what Lotse could not answer, grouped
into topics, the answers that got 👎 with their citations and the counts over time, and writes
a topic's questions into a new eval case file with one click. German only: it is for the team."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import gradio as gr
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from starlette.middleware import Middleware

from app.edges.feedback import FeedbackStore
from app.edges.gaps import MAX_GROUPED, Gap, group_gaps, write_eval_cases
from app.edges.web.gate import LoginThrottle, RouteGate, SessionLifetime
from app.edges.web.markup import escape_markdown
from app.edges.web.page import ACCENT, MUTED_TEXT, GermanPage, trust_proxies

SHOWN_GAPS = 25
SHOWN_DISLIKED = 50
SERIES = {"abstained": ("unbeantwortet", "#c0392b"), "down": ("schlecht bewertet", "#e67e22"), "up": ("gut bewertet", "#27ae60")}
"""Verdict → (name, colour) in the plots (matplotlib's font has no emoji)."""
INTRO = (
    "# Lotse – Wartung\nWas Lotse nicht beantworten konnte und was Nutzerinnen und Nutzer schlecht bewertet haben, "
    "nach Themen gruppiert. Die Fragen sind so gespeichert, wie sie nach dem Entfernen persönlicher Daten aussehen."
)


def login_check(user: str, password: str) -> Callable[[str, str], bool]:
    """Gradio's login callback: both values compared in constant time."""

    def check(given_user: str, given_password: str) -> bool:
        same_user = hmac.compare_digest(given_user.encode(), user.encode())
        return hmac.compare_digest(given_password.encode(), password.encode()) and same_user

    return check


def counts_figure(counts: Sequence[tuple[str, str, int]]) -> Figure:
    """Entries per day and verdict as stacked bars, every day from the first to the last shown."""
    figure = Figure(figsize=(9, 3.2), layout="constrained")
    axes = figure.subplots()
    axes.set_title("Rückmeldungen pro Tag")
    axes.set_ylabel("Einträge")
    if not counts:
        axes.text(0.5, 0.5, "Noch keine Rückmeldungen in diesem Zeitraum.", ha="center", va="center", transform=axes.transAxes)
        return figure
    first, last = (date.fromisoformat(d) for d in (min(c[0] for c in counts), max(c[0] for c in counts)))
    days = [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    bottom = np.zeros(len(days))
    for verdict, (name, colour) in SERIES.items():
        per_day = {d: n for d, v, n in counts if v == verdict}
        heights = np.array([per_day.get(day, 0) for day in days])
        axes.bar(range(len(days)), heights, bottom=bottom, label=name, color=colour, width=0.8)
        bottom += heights
    step = max(1, len(days) // 10)
    axes.set_xticks(range(0, len(days), step), [f"{d[8:10]}.{d[5:7]}." for d in days[::step]])
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return figure


def plain(text: str) -> str:
    """Stored text as matplotlib shows it literally: a ``$`` would start mathtext, and an unknown
    macro in a stranger's question (``$\\undefinedmacro{x}$``) would break the chart on every load."""
    return text.replace("$", r"\$")


def topics_figure(gaps: Sequence[Gap], top: int = 10) -> Figure:
    """The largest topics as horizontal bars: unanswered and 👎 per topic."""
    shown = list(gaps[:top])[::-1]
    figure = Figure(figsize=(9, 0.45 * max(len(shown), 2) + 1), layout="constrained")
    axes = figure.subplots()
    names = [plain(g.label if len(g.label) <= 60 else g.label[:59] + "…") for g in shown]
    axes.barh(names, [g.unanswered for g in shown], color=SERIES["abstained"][1], label=SERIES["abstained"][0])
    axes.barh(
        names, [g.disliked for g in shown], left=[g.unanswered for g in shown], color=SERIES["down"][1], label=SERIES["down"][0]
    )
    axes.set_title(f"Die {len(shown)} größten Themen")
    axes.set_xlabel("Fragen")
    axes.legend(loc="lower right", frameon=False)
    return figure


def gap_markdown(gap: Gap) -> str:
    """The group's distinct questions with how often each came, newest first; a completed
    follow-up with what was typed; all escaped."""
    counts: dict[tuple[str, str], int] = {}
    for entry in gap.entries:
        counts[(entry.question, entry.turn)] = counts.get((entry.question, entry.turn), 0) + 1
    lines = [
        f"- {escape_markdown(q)}" + (f" (getippt: „{escape_markdown(t)}“)" if t else "") + (f" ({n}×)" if n > 1 else "")
        for (q, t), n in counts.items()
    ]
    return f"Zuletzt: {gap.last_seen[:16].replace('T', ' ')} UTC\n\n" + "\n".join(lines)


def disliked_rows(gaps: Sequence[Gap]) -> list[list[str]]:
    """The 👎 answers, newest first: time, question, answer, cited chunks."""
    entries = sorted((e for g in gaps for e in g.entries if e.verdict == "down"), key=lambda e: e.created_at, reverse=True)
    return [
        [e.created_at[:16].replace("T", " "), e.question, e.answer, "\n".join(e.cited) or "–"] for e in entries[:SHOWN_DISLIKED]
    ]


@dataclass(frozen=True)
class Dashboard:
    """The dashboard's handlers around the feedback store."""

    store: FeedbackStore
    embed: Callable[[str], Sequence[float]]
    cases_dir: Path

    def refresh(self, days: float) -> tuple[Figure, Figure, list[Gap], list[list[str]], str]:
        """Read the last ``days`` days and group them."""
        window = max(1, int(days))
        gaps = group_gaps(self.store.problems(window, MAX_GROUPED), self.embed)
        entries = sum(len(g.entries) for g in gaps)
        summary = (
            f"{entries} unbeantwortete oder schlecht bewertete Fragen in den letzten {window} Tagen, "
            f"{len(gaps)} Themen." + (f" (Nur die neuesten {MAX_GROUPED} sind gruppiert.)" if entries >= MAX_GROUPED else "")
        )
        return counts_figure(self.store.counts_by_day(window)), topics_figure(gaps), gaps, disliked_rows(gaps), summary

    def save_cases(self, gap: Gap) -> str:
        """Write the group as eval cases; the message says where (or why not)."""
        try:
            path = write_eval_cases(gap, self.cases_dir, datetime.now(timezone.utc).date().isoformat())
        except OSError as error:
            gr.Warning("Nicht gespeichert.")
            return f"Nicht gespeichert: {self.cases_dir} ist nicht beschreibbar ({error.strerror or error})."
        message = f"{len(set(e.question for e in gap.entries))} Fragen gespeichert in {path}"
        gr.Info(message)
        return f"{message}. Tragen Sie dort unter `sources` und `facts` ein, was eine richtige Antwort zitiert."


def build_dashboard(dashboard: Dashboard, days: int = 30) -> gr.Blocks:
    """The dashboard page; it reads the store when opened and on "Aktualisieren"."""
    page = gr.Blocks(title="Lotse – Wartung", analytics_enabled=False)
    with page:
        gr.Markdown(INTRO)
        with gr.Row(equal_height=True):
            window = gr.Slider(1, 365, value=days, step=1, label="Zeitraum (Tage)", scale=3)
            reload = gr.Button("Aktualisieren", variant="primary", scale=1)
        summary = gr.Markdown(elem_id="zusammenfassung")
        over_time = gr.Plot(label="Rückmeldungen pro Tag", elem_id="verlauf")
        topics = gr.Plot(label="Größte Themen", elem_id="themen-grafik")
        gaps = gr.State([])
        status = gr.Markdown(elem_id="gespeichert")

        @gr.render(inputs=gaps)  # type: ignore[untyped-decorator]  # Gradio's decorator has no annotations
        def show_gaps(groups: list[Gap]) -> None:
            gr.Markdown("## Themen ohne gute Antwort")
            for n, gap in enumerate(groups[:SHOWN_GAPS], 1):
                title = f"{len(gap.entries)}× „{gap.label}“ – {gap.unanswered} unbeantwortet, {gap.disliked} schlecht bewertet"
                with gr.Accordion(title, open=n == 1, elem_classes=["thema"]):
                    gr.Markdown(gap_markdown(gap))
                    save = gr.Button("Als Eval-Fälle speichern", size="sm", elem_classes=["als-eval"])
                    save.click(lambda gap=gap: dashboard.save_cases(gap), None, status)

        gr.Markdown("## Schlecht bewertete Antworten")
        disliked = gr.Dataframe(
            headers=["Zeit (UTC)", "Frage", "Antwort", "Zitierte Quellen"],
            datatype="str",
            interactive=False,
            wrap=True,
            column_widths=["12%", "22%", "46%", "20%"],
            elem_id="schlecht-bewertet",
        )
        outputs = [over_time, topics, gaps, disliked, summary]
        reload.click(dashboard.refresh, window, outputs)
        page.load(dashboard.refresh, window, outputs)
    return page


READABLE = gr.themes.Default().set(
    button_primary_background_fill=ACCENT,
    button_primary_background_fill_hover="#9a3412",
    button_primary_text_color="#ffffff",
    button_primary_text_color_hover="#ffffff",
)
"""Gradio's default look with a primary button dark enough for white text (5.2:1; the default
orange gives 2.8:1), also on Gradio's login page."""
DASHBOARD_CSS = f".min_value, .max_value {{color:{MUTED_TEXT} !important;}}"
"""The slider's range labels (light grey by default, 1.9:1)."""


def launch_dashboard(
    page: gr.Blocks, host: str, port: int, user: str, password: str, *, block: bool = True, trusted_proxies: str = ""
) -> gr.Blocks:
    """Serve the dashboard behind Gradio's login; never ``share=True``."""
    page.queue(default_concurrency_limit=1, max_size=32)
    trust_proxies(trusted_proxies)
    page.launch(
        server_name=host,
        server_port=port,
        share=False,
        prevent_thread_lock=not block,
        quiet=not block,
        auth=login_check(user, password),
        auth_message="Lotse – Wartung: bitte anmelden.",
        show_error=False,
        theme=READABLE,
        css=DASHBOARD_CSS,
        footer_links=[],
        app_kwargs={
            "middleware": [Middleware(RouteGate), Middleware(LoginThrottle), Middleware(SessionLifetime), Middleware(GermanPage)]
        },
    )
    return page
