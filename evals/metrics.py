"""Small pure metric functions."""

from __future__ import annotations

from collections.abc import Sequence

from app.text import collapse_whitespace


def contains_fact(text: str, fact: str) -> bool:
    """Case-insensitive, whitespace-insensitive containment."""
    return collapse_whitespace(fact).lower() in collapse_whitespace(text).lower()


def first_hit_rank(ranked: Sequence[str], gold: set[str]) -> int | None:
    """1-based rank of the first item in ``gold`` (None if absent)."""
    return next((i for i, item in enumerate(ranked, start=1) if item in gold), None)


def hit_at(rank: int | None, k: int) -> float:
    return 1.0 if rank is not None and rank <= k else 0.0


def reciprocal_rank(rank: int | None) -> float:
    return 1.0 / rank if rank else 0.0


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def precision_recall_f1(predicted: Sequence[bool], actual: Sequence[bool]) -> tuple[float, float, float]:
    """P, R, F1 of the positive class (e.g. "abstained" vs "should abstain")."""
    tp = sum(p and a for p, a in zip(predicted, actual))
    fp = sum(p and not a for p, a in zip(predicted, actual))
    fn = sum(a and not p for p, a in zip(predicted, actual))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
