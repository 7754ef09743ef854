"""The topic head's training: a grid that keeps no (C, floor) under the cost rule is a clear CLI
error; the held-out measure applies the heads as Lotse does."""

import json
from pathlib import Path

import click
import numpy as np
import pytest

from app.conversation import UNRELATED, IntentModel
from app.conversation.intent import Head
from evals import train_intent


def bank(rows_per_class: int = 10) -> tuple[list[dict[str, str]], np.ndarray]:
    """Related and unrelated questions whose vectors say nothing about which is which."""
    rows = [{"lang": "de", "intent": intent} for intent in ("fact", UNRELATED) for _ in range(rows_per_class)]
    return rows, np.random.default_rng(0).normal(size=(len(rows), 4))


def test_the_topic_head_reports_its_grid_when_some_pair_keeps_the_rule() -> None:
    rows, x = bank()
    report, head = train_intent.train_topic(rows, x, applied=False)
    assert report["false_unrelated"] <= train_intent.MAX_FALSE_UNRELATED
    assert head["floor"] == report["floor"]


def test_no_pair_under_the_rule_is_a_german_cli_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(train_intent, "MAX_FALSE_UNRELATED", -1.0)
    rows, x = bank()
    with pytest.raises(click.ClickException, match="Kein \\(C, Schwelle\\)"):
        train_intent.train_topic(rows, x, applied=False)


class FootballIsOffTopic:
    """Vectors whose first dimension says whether a message speaks of football."""

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.array([[5.0, 0.0] if "football" in t else [-5.0, 0.0] for t in texts], dtype=np.float32)


def test_the_held_out_measure_reads_the_heads_as_applied(tmp_path: Path) -> None:
    width = 2  # the vector alone: the model reads no cue features
    intents = ("definition", "fact", "help", "service")
    always_help = Head(intents, np.zeros((4, width), dtype=np.float32), np.array([0, 0, 9, 0], dtype=np.float32))
    cues_decide = Head(("none",), np.zeros((1, width), dtype=np.float32), np.zeros(1, dtype=np.float32), applied=False)
    topic_weights = np.zeros((2, width), dtype=np.float32)
    topic_weights[1, 0] = 1.0  # football -> unrelated
    topic = Head(("related", UNRELATED), topic_weights, np.zeros(2, dtype=np.float32), floor=0.9)
    model = IntentModel("fake", (), always_help, cues_decide, topic)
    rows = [
        {"question": "who won the football match", "lang": "en", "intent": UNRELATED, "detail": "none"},
        {"question": "a poem about the sea please", "lang": "en", "intent": UNRELATED, "detail": "none"},
        {"question": "where do i get help in bonn", "lang": "en", "intent": "help", "detail": "none"},
        {"question": "phone number of the KI Bonn", "lang": "en", "intent": "fact", "detail": "phone"},
    ]
    path = tmp_path / "holdout.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    report = train_intent.held_out(model, FootballIsOffTopic(), path)
    # the phone number question is a fact by its detail cue (the cues decide the detail), whatever the intent head says
    assert report == {"rows": 4, "unrelated_caught": 0.5, "related_called_unrelated": 0.0, "intent_accuracy": 1.0}
