"""Thresholds chosen by cross-validation over OMoS-QA train + dev, not on one split.

Questions are split into page-grouped folds (all questions of a page in one fold). Each fold
gets line probabilities from a model trained on the other folds (out-of-fold predictions).

- Estimate: for each fold, thresholds are tuned on the other folds' out-of-fold predictions and
  scored on this fold (nested: no fold helps choose the thresholds it is scored with). The
  mean, spread and per-fold thresholds show how well a choice transfers to unseen pages.
- Product: the median of the folds' choices, with a model trained on all questions
  (train + dev).

Thresholds are chosen by the one-standard-error rule (``choose_thresholds``).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import numpy as np

from evals.metrics import omosqa_scores
from evals.train_selector import ANSWER_GRID, LINE_GRID, Examples, decide, predict, train_line_model

FOLDS = 5


@dataclass(frozen=True)
class FoldResult:
    """One outer fold: thresholds chosen without it and its scores with them."""

    fold: int
    questions: int
    line_threshold: float
    answer_threshold: float
    scores: dict[str, float]
    typed_scores: dict[str, float]
    """The same thresholds' scores on the fold's typed copies of its questions."""

    def all_scores(self) -> dict[str, float]:
        """``scores`` and ``typed_scores`` (its keys prefixed "typed_")."""
        return {**self.scores, **{f"typed_{k}": v for k, v in self.typed_scores.items()}}


def question_folds(examples: Examples, folds: int = FOLDS) -> list[np.ndarray]:
    """Question indices per fold; all questions of a page share a fold."""
    from sklearn.model_selection import GroupKFold

    pages = [r.page for r in examples.rows]
    groups = np.array([sorted(set(pages)).index(p) for p in pages])
    return [test for _, test in GroupKFold(folds).split(np.zeros(len(pages)), groups=groups)]


def _subset(examples: Examples, index: np.ndarray) -> Examples:
    return Examples(
        [examples.rows[i] for i in index],
        [examples.features[i] for i in index],
        [examples.typed[i] for i in index] if examples.typed else [],
    )


def out_of_fold(
    examples: Examples, folds: list[np.ndarray], seed: int, learn_typed: bool = False
) -> tuple[list[np.ndarray], list[list[np.ndarray]]]:
    """Each question's line probabilities, and its typed copies', from a model that never saw
    its page (``learn_typed``: trained on the other pages' questions and their typed copies)."""
    probabilities: list[np.ndarray | None] = [None] * len(examples.rows)
    typed: list[list[np.ndarray]] = [[] for _ in examples.rows]
    for test in folds:
        train = _subset(examples, np.setdiff1d(np.arange(len(examples.rows)), test))
        model, _ = train_line_model(train.with_typed() if learn_typed else train, seed)
        for i, p in zip(test, predict(model, _subset(examples, test))):
            probabilities[int(i)] = p
            typed[int(i)] = [np.asarray(model.predict(f)) for f in (examples.typed[int(i)] if examples.typed else [])]
    return [p for p in probabilities if p is not None], typed


def _objective(probabilities: list[np.ndarray], gold: list[list[int]], point: tuple[float, float]) -> float:
    scores = omosqa_scores(gold, decide(probabilities, *point))
    return scores["f1"] + scores["no_answer_f1"]


def choose_thresholds(probabilities: list[np.ndarray], gold: list[list[int]], folds: list[np.ndarray]) -> tuple[float, float]:
    """The one-standard-error rule over folds: among grid points whose mean objective (F1 +
    no-answer F1) is within one standard error of the best, the one that abstains most
    (highest answer threshold; then the better mean). Points the folds cannot tell apart are
    settled toward abstaining: for a newcomer a wrong answer costs more than a referral."""
    table = {
        point: [_objective([probabilities[i] for i in fold], [gold[i] for i in fold], point) for fold in folds]
        for point in ((t, a) for t in LINE_GRID for a in ANSWER_GRID)
    }
    means = {point: statistics.fmean(values) for point, values in table.items()}
    best = max(means, key=lambda point: means[point])
    margin = statistics.stdev(table[best]) / len(folds) ** 0.5 if len(folds) > 1 else 0.0
    return max((point for point in table if means[point] >= means[best] - margin), key=lambda point: (point[1], means[point]))


def nested_estimate(
    examples: Examples, folds: list[np.ndarray], probabilities: list[np.ndarray], typed: list[list[np.ndarray]]
) -> list[FoldResult]:
    """Per fold: thresholds chosen (``choose_thresholds``) on the other folds, scored on this
    one's questions as written and on their typed copies."""
    gold = [r.answers for r in examples.rows]
    results = []
    for k, test in enumerate(folds):
        rest = [fold for j, fold in enumerate(folds) if j != k]
        line, answer = choose_thresholds(probabilities, gold, rest)
        scores = omosqa_scores([gold[i] for i in test], decide([probabilities[i] for i in test], line, answer))
        copies = [(gold[i], p) for i in test for p in typed[i]]
        typed_scores = omosqa_scores([g for g, _ in copies], decide([p for _, p in copies], line, answer)) if copies else {}
        results.append(FoldResult(k, len(test), line, answer, scores, typed_scores))
    return results


def spread(results: list[FoldResult], key: str) -> dict[str, float]:
    """Mean, standard deviation, min and max of one score over the folds."""
    values = [r.all_scores()[key] for r in results]
    return {
        "mean": statistics.fmean(values),
        "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
        "min": min(values),
        "max": max(values),
    }
