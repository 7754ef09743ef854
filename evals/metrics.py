"""Small pure metric functions."""

from __future__ import annotations

import math
from collections.abc import Sequence

from app.core import collapse_whitespace


def contains_fact(text: str, fact: str) -> bool:
    """Case-insensitive, whitespace-insensitive containment."""
    return collapse_whitespace(fact).lower() in collapse_whitespace(text).lower()


def first_hit_rank(ranked: Sequence[str], gold: set[str]) -> int | None:
    """1-based rank of the first item in ``gold`` (None if absent)."""
    return next((i for i, item in enumerate(ranked, start=1) if item in gold), None)


def hit_at(rank: int | None, k: int) -> float:
    """1.0 if the first hit is within the top ``k``, else 0.0."""
    return 1.0 if rank is not None and rank <= k else 0.0


def reciprocal_rank(rank: int | None) -> float:
    """1 / ``rank``, or 0.0 without a hit."""
    return 1.0 / rank if rank else 0.0


def mean(values: Sequence[float]) -> float:
    """The arithmetic mean, 0.0 for no values."""
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


def ndcg_at(relevant: Sequence[bool], k: int) -> float:
    """Binary nDCG@k of one ranking (``relevant[i]``: is item i relevant)."""
    dcg = sum(1.0 / math.log2(i + 2) for i, rel in enumerate(relevant[:k]) if rel)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, sum(relevant))))
    return dcg / ideal if ideal else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def omosqa_scores(gold: Sequence[Sequence[int]], predicted: Sequence[Sequence[int]]) -> dict[str, float]:
    """The OMoS-QA paper's metric: mean P and mean R over answerable questions (P = 1 for an
    empty prediction), F1 = 2PR/(P+R); no-answer P/R/F1 over all questions."""
    precisions, recalls = [], []
    for g, s in zip(gold, predicted):
        if not g:
            continue
        hit = len(set(g) & set(s))
        precisions.append(hit / len(set(s)) if s else 1.0)
        recalls.append(hit / len(set(g)))
    p, r = mean(precisions), mean(recalls)
    na_p, na_r, na_f1 = precision_recall_f1([not s for s in predicted], [not g for g in gold])
    return {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "no_answer_precision": na_p,
        "no_answer_recall": na_r,
        "no_answer_f1": na_f1,
    }
