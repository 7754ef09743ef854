"""Answers as plain text: what ``lotse ask`` prints and what a counsellor copies or prints
from the web chat for a client."""

from __future__ import annotations

from app.core import Answer

SIGNATURE = "Lotse – Antworten wörtlich aus Pressemitteilungen und Programmbeschreibungen, mit Quellen."


def render_text(answer: Answer, *, sources_only: bool = False) -> str:
    """The answer for people: text, then the "Quellen" list with the quoted passages."""
    lines = [] if sources_only else [answer.answer]
    if answer.citations:
        lines += ["", "Quellen:"]
        for c in answer.citations:
            date = f" ({c.date})" if c.date else " (ohne Datum)" if c.undated else ""
            place = f" · {c.place_to_show}" if c.place_to_show else ""
            lines.append(f"[{c.n}] {c.title}{date}{place}")
            lines.append(f"    „{c.quote}“")
            if c.url:
                lines.append(f"    {c.url}")
    return "\n".join(lines)


def handout(answer: Answer) -> str:
    """The question, the answer and its sources, ready to hand to a client."""
    return f"Frage: {answer.question}\n\n{render_text(answer)}\n\n{SIGNATURE}"
