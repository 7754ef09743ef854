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
