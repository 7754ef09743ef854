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


def test_typed_copies_are_learned_as_questions_of_the_same_page() -> None:
    from evals.omosqa import OmosRow
    from evals.train_selector import Examples

    rows = [OmosRow("1", "Was kostet der Kurs?", ["a", "b"], [1], "p1"), OmosRow("2", "Wo ist das?", ["c"], [], "p2")]
    features = [np.zeros((2, 3)), np.zeros((1, 3))]
    typed = [[np.ones((2, 3)), np.ones((2, 3))], [np.ones((1, 3))]]
    expanded = Examples(rows, features, typed).with_typed()
    assert [r.page for r in expanded.rows] == ["p1", "p1", "p1", "p2", "p2"]
    assert [len(y) for y in expanded.labels()] == [2, 2, 2, 1, 1] and not expanded.typed


def test_a_typed_copy_keeps_the_question_recognisable_and_repeats() -> None:
    from evals.perturb import CountedSpellings, as_typed

    question = "Für welche Personengruppe übernimmt die Stadt die Kosten?"
    copies = [as_typed(question, copy) for copy in range(2)]
    assert copies == [as_typed(question, copy) for copy in range(2)] and question not in copies
    assert copies[1] == copies[1].lower() and "ü" not in copies[1]
    spellings = CountedSpellings(["Die Stadt übernimmt die Kosten für eine Personengruppe."])
    assert spellings.spellings({"ubernimmt", "personengruppe", "kurs"}) == {
        "ubernimmt": "übernimmt",
        "personengruppe": "Personengruppe",
    }
