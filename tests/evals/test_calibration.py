import numpy as np

from evals.calibration import choose_thresholds
from evals.train_selector import ANSWER_GRID


def test_thresholds_the_folds_cannot_tell_apart_are_settled_toward_abstaining() -> None:
    # Answerable pages have one clear line (0.95); unanswerable ones nothing above 0.05:
    # every answer threshold from 0.1 to 0.9 decides the same, so the rule takes the highest.
    gold = [[2] if i % 3 else [] for i in range(30)]
    probabilities = [np.array([0.01, 0.02, 0.95, 0.03]) if g else np.array([0.05, 0.01, 0.02, 0.01]) for g in gold]
    folds = [np.arange(k, 30, 5) for k in range(5)]
    line, answer = choose_thresholds(probabilities, gold, folds)
    assert answer == max(a for a in ANSWER_GRID if a < 0.95)


def test_a_clearly_better_threshold_wins_over_abstaining_more() -> None:
    # Answerable pages peak at 0.5: thresholds above it turn every answer into a no-answer.
    gold = [[1] if i % 2 else [] for i in range(40)]
    probabilities = [np.array([0.02, 0.5, 0.02]) if g else np.array([0.2, 0.1, 0.1]) for g in gold]
    folds = [np.arange(k, 40, 5) for k in range(5)]
    _, answer = choose_thresholds(probabilities, gold, folds)
    assert 0.2 < answer <= 0.5
