"""``matcher``: a fetched row's metadata checked against a Chroma filter as Chroma decides it
(retrieval filters what an unfiltered search found instead of letting Chroma scan every row)."""

from __future__ import annotations

from typing import Any

import pytest

from app.core import STATEWIDE, Settings
from app.index import matcher, open_client, visible_at

ROWS: dict[str, dict[str, Any]] = {
    "koeln-programme": {"kind": "programme", "land": "NW", "places": ["Köln"], "born": 1, "died": 99},
    "land-press": {"kind": "press", "land": "NW", "places": [STATEWIDE], "born": 2, "died": 99},
    "bonn-and-land": {"kind": "programme", "land": "NW", "places": ["Bonn", STATEWIDE], "born": 1, "died": 3},
    "berlin": {"kind": "press", "land": "BE", "places": ["Berlin"], "born": 3, "died": 99},
    "no-places": {"kind": "press", "land": "NW", "born": 1, "died": 99},  # ingest leaves out empty lists
}
FILTERS: list[dict[str, Any]] = [
    {"kind": "programme"},
    {"places": {"$contains": "Köln"}},
    {"$or": [{"places": {"$contains": "Bonn"}}, {"places": {"$contains": STATEWIDE}}]},
    {"$and": [{"kind": "press"}, {"land": "NW"}]},
    {"$and": [{"$or": [{"places": {"$contains": "Köln"}}, {"places": {"$contains": STATEWIDE}}]}, {"kind": "programme"}]},
    visible_at(2),
    visible_at(3),
    {"land": {"$eq": "BE"}},
]


@pytest.mark.parametrize("where", FILTERS)
def test_a_row_passes_a_filter_exactly_when_chroma_returns_it(tmp_settings: Settings, where: dict[str, Any]) -> None:
    collection = open_client(tmp_settings).get_or_create_collection("filters")
    collection.add(ids=list(ROWS), embeddings=[[float(i), 1.0] for i in range(len(ROWS))], metadatas=list(ROWS.values()))
    by_chroma = set(collection.get(where=where)["ids"])
    assert {cid for cid, meta in ROWS.items() if matcher(where)(meta)} == by_chroma
    assert 0 < len(by_chroma) < len(ROWS)  # each filter tells rows apart


def test_no_filter_passes_every_row_and_an_unknown_operator_is_refused() -> None:
    assert all(matcher(None)(meta) and matcher({})(meta) for meta in ROWS.values())
    for where in ({"born": {"$in": [3]}}, {"missing": {"$in": [3]}}):
        with pytest.raises(ValueError):
            matcher(where)(ROWS["berlin"])
