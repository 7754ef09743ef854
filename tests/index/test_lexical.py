"""The memory-mapped BM25 index: bm25s's scores, saved and mapped back, vocabulary lookups."""

from pathlib import Path

import bm25s
import pytest

from app.core import german_stemmer
from app.index import LexicalIndex
from app.index.lexical import terms
from tests.conftest import CORPUS

TEXTS = [p.read_text(encoding="utf-8") for p in sorted((CORPUS / "press").glob("*.txt"))]
TEXTS += [p.read_text(encoding="utf-8") for p in sorted((CORPUS / "programmes").glob("*.md"))]
IDS = [f"chunk-{n}" for n in range(len(TEXTS))]
LANDS = ["Nordrhein-Westfalen"] * len(TEXTS)
QUERIES = [
    "Was ist KOMM-AN NRW?",
    "Sprachkurs Köln Integration Integration",
    "Wo bekomme ich Hilfe in Dortmund?",
    "Wie viel Geld gibt das Land für Kommunale Integrationszentren?",
    "Ehrenamt Geflüchtete Kreis Viersen",
]


@pytest.fixture(scope="module")
def reference() -> bm25s.BM25:
    model = bm25s.BM25()
    model.index(bm25s.tokenize(TEXTS, stopwords="de", stemmer=german_stemmer(), show_progress=False), show_progress=False)
    return model


@pytest.mark.parametrize("query", QUERIES)
def test_scores_are_bm25s_scores(reference: bm25s.BM25, query: str, tmp_path: Path) -> None:
    built = LexicalIndex.build(zip(IDS, TEXTS, LANDS))
    built.save(tmp_path / "g1")
    mapped = LexicalIndex.open(tmp_path / "g1")
    assert mapped is not None
    tokens = bm25s.tokenize([query], stopwords="de", stemmer=german_stemmer(), return_ids=False, show_progress=False)
    docs, scores = reference.retrieve(tokens, k=len(TEXTS), show_progress=False, n_threads=1)
    expected = {IDS[int(d)]: float(s) for d, s in zip(docs[0], scores[0]) if s > 0}
    for index in (built, mapped):
        found = dict(index.search(query, len(TEXTS)))
        assert found.keys() == expected.keys()
        assert all(abs(found[i] - expected[i]) < 1e-4 for i in expected)
    ranked = mapped.search(query, 3)
    assert [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)


def test_vocabulary_lookups_and_misses(tmp_path: Path) -> None:
    LexicalIndex.build(zip(IDS, TEXTS, LANDS)).save(tmp_path / "g1")
    index = LexicalIndex.open(tmp_path / "g1")
    assert index is not None and len(index) == len(TEXTS)
    assert all(t in index for t in terms("Integrationszentren Dortmund"))
    assert "quantenchromodynamik" not in index and "" not in index and 5 not in index
    assert index.search("Quantenchromodynamik", 5) == [] and index.search("", 5) == []


def test_an_empty_or_unfinished_index(tmp_path: Path) -> None:
    LexicalIndex.build([]).save(tmp_path / "empty")
    empty = LexicalIndex.open(tmp_path / "empty")
    assert empty is not None and len(empty) == 0 and empty.search("Köln", 3) == []
    (tmp_path / "half").mkdir()
    assert LexicalIndex.open(tmp_path / "half") is None  # no meta.json: a save that did not finish


def test_a_search_for_one_land_ranks_only_its_chunks(tmp_path: Path) -> None:
    munich = "Einbürgerung in Bayern: Kommunale Beratung in München zur Einbürgerung, Einbürgerung, Einbürgerung."
    rows = [*zip(IDS, TEXTS, LANDS), ("bayern-1", munich, "Bayern")]
    LexicalIndex.build(rows).save(tmp_path / "g1")
    index = LexicalIndex.open(tmp_path / "g1")
    assert index is not None and index.lands == ("Nordrhein-Westfalen", "Bayern")
    assert index.search("Einbürgerung Beratung", 1)[0][0] == "bayern-1"
    nrw = index.search("Einbürgerung Beratung", 5, land="Nordrhein-Westfalen")
    assert nrw and "bayern-1" not in dict(nrw)
    assert [cid for cid, _ in index.search("Einbürgerung Beratung", 5, land="Bayern")] == ["bayern-1"]
    assert index.search("Einbürgerung", 5, land="Hessen") == []
