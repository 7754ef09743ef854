import pytest

from evals.metrics import (
    contains_fact,
    first_hit_rank,
    hit_at,
    ndcg_at,
    omosqa_scores,
    percentile,
    precision_recall_f1,
    reciprocal_rank,
)


def test_contains_fact_ignores_case_and_spacing() -> None:
    assert contains_fact("Es gibt 75  Millionen\nEuro.", "75 millionen euro")
    assert not contains_fact("Es gibt 75 Mio.", "75 Millionen Euro")


def test_ranks_hits_and_mrr() -> None:
    rank = first_hit_rank(["a", "b", "c"], {"c"})
    assert rank == 3 and hit_at(rank, 3) == 1.0 and hit_at(rank, 1) == 0.0
    assert reciprocal_rank(rank) == pytest.approx(1 / 3)
    assert first_hit_rank(["a"], {"z"}) is None and reciprocal_rank(None) == 0.0


def test_ndcg() -> None:
    assert ndcg_at([True, False], 10) == 1.0
    assert ndcg_at([False, True], 10) == pytest.approx(1 / 1.5849625)
    assert ndcg_at([False, False], 10) == 0.0


def test_precision_recall_f1() -> None:
    assert precision_recall_f1([True, True, False], [True, False, True]) == (0.5, 0.5, 0.5)
    assert precision_recall_f1([False], [True]) == (0.0, 0.0, 0.0)


def test_percentile() -> None:
    assert percentile([5, 1, 3], 0.5) == 3 and percentile([], 0.5) == 0.0


def test_omosqa_metric_as_in_the_paper() -> None:
    gold = [[1, 2], [3], []]
    predicted = [[1], [], []]
    scores = omosqa_scores(gold, predicted)
    # answerable rows: P = (1/1 + 1[empty]) / 2 = 1.0, R = (1/2 + 0) / 2 = 0.25
    assert scores["precision"] == 1.0 and scores["recall"] == 0.25
    assert scores["f1"] == pytest.approx(2 * 1.0 * 0.25 / 1.25)
    # no-answer: predicted empty for rows 2 and 3, gold empty only for row 3
    assert scores["no_answer_precision"] == 0.5 and scores["no_answer_recall"] == 1.0
