"""The topic head's training: a grid that keeps no (C, floor) under the cost rule is a clear CLI error."""

import click
import numpy as np
import pytest

from app.conversation import UNRELATED
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
