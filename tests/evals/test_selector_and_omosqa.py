import json
from pathlib import Path

import numpy as np

from app.answering import MarginSelector
from evals.omosqa import english_split, lines_in, load_split


def test_margin_selector_picks_sentences_near_the_best_or_none() -> None:
    sentences = np.eye(3, dtype=np.float32)
    question = np.array([0.9, 0.89, 0.1], dtype=np.float32)
    assert MarginSelector(margin=0.02, min_score=0.5).select("", question, sentences, ["a", "b", "c"]) == [0, 1]
    assert MarginSelector(min_score=0.95).select("", question, sentences, ["a", "b", "c"]) == []
    assert MarginSelector().select("", question, np.zeros((0, 3)), []) == []


def test_split_loading_and_english_counterpart() -> None:
    split = Path("evals/datasets/omosqa/dev_de.jsonl")
    rows = load_split(split)
    assert len(rows) == 193 and sum(not r.answers for r in rows) == 38
    assert english_split(split) == Path("evals/datasets/omosqa/dev_en.jsonl")
    first = json.loads(split.read_text(encoding="utf-8").splitlines()[0])
    assert rows[0].lines == first["context"].split("\n")


def test_lines_in_chunk() -> None:
    assert lines_in("Kopf\nZeile zwei\nRest", ["Kopf", "anders", "Zeile zwei", ""]) == [0, 2]
