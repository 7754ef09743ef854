"""Citation checks run on every answer before it is returned."""

from __future__ import annotations

import re

from app.core import Citation, RetrievedChunk, collapse_whitespace

CITATION_MARK = re.compile(r"\[(\d+)\]")


def citation_problems(answer: str, citations: list[Citation], retrieved: list[RetrievedChunk]) -> list[str]:
    """Everything wrong with the citations (empty list = all good): every [n] in the
    answer resolves, every citation is used, and every quote stands verbatim (modulo
    whitespace) in the retrieved chunk it names."""
    problems: list[str] = []
    by_n = {c.n: c for c in citations}
    marks = {int(n) for n in CITATION_MARK.findall(answer)}
    problems += [f"[{n}] verweist auf keine Quelle" for n in sorted(marks - by_n.keys())]
    problems += [f"Quelle [{n}] wird im Text nicht verwendet" for n in sorted(by_n.keys() - marks)]
    chunks = {r.chunk_id: collapse_whitespace(r.text) for r in retrieved}
    for c in citations:
        text = chunks.get(c.chunk_id)
        if text is None:
            problems.append(f"[{c.n}] zitiert einen nicht abgerufenen Abschnitt")
        elif not c.quote.strip() or collapse_whitespace(c.quote) not in text:
            problems.append(f"[{c.n}] Zitat steht nicht wörtlich im Abschnitt")
    return problems
