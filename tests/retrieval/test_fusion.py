from app.retrieval import reciprocal_rank_fusion


def test_rrf_rewards_agreement_between_rankings() -> None:
    scores = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "a"]])
    assert max(scores, key=scores.__getitem__) == "b"


def test_rrf_includes_items_from_either_ranking() -> None:
    assert set(reciprocal_rank_fusion([["a"], ["z"]])) == {"a", "z"}
