"""A filtered dense search: the filters are checked on an unfiltered search first (Chroma scans
every row to filter); when that leaves too few, the few rows that pass are scored by hand, and
Chroma's filtered search runs only when many pass. On the project's index, whichever step
answers, the chunks are the same (on a large one, approximate search and tied vectors may order
them differently)."""

from __future__ import annotations

import pytest

from app.core import STATEWIDE
from app.pipeline import Lotse
from app.retrieval import hybrid


@pytest.mark.parametrize(
    ("question", "place", "kind"),
    [
        ("Wo bekomme ich Hilfe?", "Köln", None),
        ("Seit wann gibt es das Kommunale Integrationszentrum?", "Dortmund", "programme"),
        ("Was macht das Welcome Center?", "Kreis Kleve", None),
    ],
)
def test_the_filtered_search_finds_the_same_chunks_whichever_step_answers(
    lotse: Lotse, monkeypatch: pytest.MonkeyPatch, question: str, place: str, kind: str | None
) -> None:
    retriever = lotse.retriever.with_filters(place=place, kind=kind)
    unfiltered_first = [h.chunk_id for h in retriever.hits(question)]
    monkeypatch.setattr(hybrid, "DENSE_OVERFETCH", 1)  # the unfiltered search now finds too few that pass
    monkeypatch.setattr(hybrid, "DENSE_SLACK", 0)
    scored = hybrid.HybridRetriever._scored_by_hand
    calls: list[int] = []

    def counted(self: hybrid.HybridRetriever, vector: list[float], scope: dict[str, object]) -> list[hybrid.Hit] | None:
        found = scored(self, vector, scope)
        calls.append(-1 if found is None else len(found))
        return found

    monkeypatch.setattr(hybrid.HybridRetriever, "_scored_by_hand", counted)
    by_hand = [h.chunk_id for h in retriever.hits(question)]
    assert calls and all(n > 0 for n in calls)  # this time the rows were scored by hand
    monkeypatch.setattr(hybrid, "SCORED_BY_HAND", 0)  # too many pass to score them by hand
    by_chroma = [h.chunk_id for h in retriever.hits(question)]
    assert calls[-1] == -1  # this time Chroma filtered
    assert unfiltered_first == by_hand == by_chroma and unfiltered_first
    assert all(place in h.meta["places"] or STATEWIDE in h.meta["places"] for h in retriever.hits(question))
