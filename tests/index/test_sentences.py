from dataclasses import replace
from pathlib import Path

import numpy as np

from app.index import SentenceStore, StoredSentence


def _row(chunk: str, position: int, text: str) -> StoredSentence:
    return StoredSentence(chunk, position, "doc", text, np.zeros(4, dtype=np.float32))


def test_the_store_counts_how_the_documents_spell_each_word_and_gives_the_commonest_form(tmp_path: Path) -> None:
    store = SentenceStore(tmp_path / "b.sentences.sqlite", create=True)
    store.add(
        [
            _row("c1", 0, "Das Kommunale Integrationszentrum in Köln berät."),
            _row("c1", 1, "Es ist das kommunale Angebot für alle."),
            _row("c2", 0, "Beratung gibt es im Kommunalen und im Kommunale Integrationszentrum Köln."),
        ]
    )
    found = store.spellings({"koln", "koeln", "kommunale", "fur", "das", "beratung", "missing"})
    assert found == {"koln": "Köln", "koeln": "Köln", "kommunale": "Kommunale", "fur": "für", "das": "das"}
    # "Beratung" only opens a sentence (capitalised by position), so it is not counted


def test_spelling_counts_grow_across_batches(tmp_path: Path) -> None:
    store = SentenceStore(tmp_path / "b.sentences.sqlite", create=True)
    store.add([_row("c1", 0, "Die kommunale Ebene und die kommunale Arbeit.")])
    assert store.spellings({"kommunale"}) == {"kommunale": "kommunale"}
    store.add([_row("c2", 0, "Das Kommunale Integrationszentrum, das Kommunale Team, das Kommunale Amt.")])
    assert store.spellings({"kommunale"}) == {"kommunale": "Kommunale"}


def test_a_sentence_keeps_the_names_ingest_found_in_it(tmp_path: Path) -> None:
    store = SentenceStore(tmp_path / "b.sentences.sqlite", create=True)
    row = _row("c1", 0, "Rund ein Drittel der Menschen in Nordrhein-Westfalen hat eine Einwanderungsgeschichte.")
    store.add([replace(row, entities=frozenset({"Dortmund"}), places=frozenset({"Nordrhein-Westfalen"}))])
    (stored,) = store.of_chunks(["c1"])
    assert (stored.entities, stored.places) == (frozenset({"Dortmund"}), frozenset({"Nordrhein-Westfalen"}))
    assert store.of_chunks(["c2"]) == []
