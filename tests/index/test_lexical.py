"""The BM25 index (Tantivy): bm25s's scores, generations, deletions, vocabulary lookups, damage."""

from pathlib import Path

import bm25s
import pytest

from app.core import german_stemmer
from app.index import LexicalIndex, forget_lexical, sync_lexical
from app.index.lexical import terms
from tests.conftest import CORPUS, damage_bm25

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


ROWS = [(i, t, land, 1) for i, t, land in zip(IDS, TEXTS, LANDS)]


def built(folder: Path, rows: list[tuple[str, str, str, int]] = ROWS, generation: int = 1) -> LexicalIndex:
    sync_lexical(folder, rows, generation, full=True)
    index = LexicalIndex.open(folder, generation)
    assert index is not None
    return index


@pytest.fixture(scope="module")
def reference() -> bm25s.BM25:
    model = bm25s.BM25(k1=1.2, b=0.75)  # Tantivy's parameters
    model.index(bm25s.tokenize(TEXTS, stopwords="de", stemmer=german_stemmer(), show_progress=False), show_progress=False)
    return model


@pytest.mark.parametrize("query", QUERIES)
def test_scores_are_bm25_scores(reference: bm25s.BM25, query: str, tmp_path: Path) -> None:
    """Tantivy's BM25 is bm25s's times (k1 + 1); it stores lengths rounded down (to within a few
    per cent for long chunks), which can only raise a score a little."""
    index = built(tmp_path / "bm25")
    tokens = bm25s.tokenize([query], stopwords="de", stemmer=german_stemmer(), return_ids=False, show_progress=False)
    docs, scores = reference.retrieve(tokens, k=len(TEXTS), show_progress=False, n_threads=1)
    expected = {IDS[int(d)]: float(s) * 2.2 for d, s in zip(docs[0], scores[0]) if s > 0}
    found = dict(index.search(query, len(TEXTS)))
    assert found.keys() == expected.keys()
    assert all(expected[i] - 1e-4 <= found[i] <= expected[i] * 1.05 for i in expected)
    ranked = index.search(query, 3)
    assert [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)


def test_vocabulary_lookups_and_misses(tmp_path: Path) -> None:
    index = built(tmp_path / "bm25")
    assert len(index) == len(TEXTS)
    assert all(t in index for t in terms("Integrationszentren Dortmund"))
    assert "quantenchromodynamik" not in index and "" not in index and 5 not in index
    assert index.search("Quantenchromodynamik", 5) == [] and index.search("", 5) == []


def test_an_empty_or_unsynced_index(tmp_path: Path) -> None:
    empty = built(tmp_path / "empty", [])
    assert len(empty) == 0 and empty.search("Köln", 3) == []
    (tmp_path / "half").mkdir()
    assert LexicalIndex.open(tmp_path / "half", 1) is None  # never synced: a first ingest that did not finish
    assert LexicalIndex.open(tmp_path / "empty", 2) is None  # synced to generation 1 only


def test_a_search_for_one_land_ranks_only_its_chunks(tmp_path: Path) -> None:
    munich = "Einbürgerung in Bayern: Kommunale Beratung in München zur Einbürgerung, Einbürgerung, Einbürgerung."
    index = built(tmp_path / "bm25", [*ROWS, ("bayern-1", munich, "Bayern", 1)])
    assert index.search("Einbürgerung Beratung", 1)[0][0] == "bayern-1"
    nrw = index.search("Einbürgerung Beratung", 5, land="Nordrhein-Westfalen")
    assert nrw and "bayern-1" not in dict(nrw)
    assert [cid for cid, _ in index.search("Einbürgerung Beratung", 5, land="Bayern")] == ["bayern-1"]
    assert index.search("Einbürgerung", 5, land="Hessen") == []


def test_generations_are_added_not_rebuilt(tmp_path: Path) -> None:
    """A generation adds its rows; a reader of an older one does not see them; a run that
    stopped before its commit leaves rows that the next sync of that generation replaces;
    forgotten rows leave."""
    folder = tmp_path / "bm25"
    built(folder)
    new = "Das Quartiersbüro Zollverein berät Neuzugewanderte."
    sync_lexical(folder, [("stopped-run", new, "Nordrhein-Westfalen", 2)], 2, full=False)
    sync_lexical(folder, [("new-1", new, "Nordrhein-Westfalen", 2)], 2, full=False)
    older, newer = LexicalIndex.open(folder, 1), LexicalIndex.open(folder, 2)
    assert older is not None and newer is not None
    assert older.search("Quartiersbüro Zollverein", 5) == []
    assert [cid for cid, _ in newer.search("Quartiersbüro Zollverein", 5)] == ["new-1"]
    forget_lexical(folder, ["new-1", IDS[0]])
    after = LexicalIndex.open(folder, 2)
    assert after is not None and after.search("Quartiersbüro", 5) == [] and len(after) == len(TEXTS) - 1


@pytest.mark.parametrize("damage", ["truncated", "zero-filled", "deleted"])
def test_a_damaged_segment_is_not_opened(tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "bm25"
    built(folder)
    damage_bm25(folder, damage)
    assert LexicalIndex.open(folder, 1) is None
    assert built(folder).search("Dortmund", 1)  # a full sync builds it again
