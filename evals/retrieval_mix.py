"""Measure which retrieval mix to use: dense, BM25 or both fused, with and without the
glossary expansion, on evals/datasets/nrw.jsonl. Prints a Markdown table.

    python -m evals.retrieval_mix      (needs an index: lotse ingest)
"""

from __future__ import annotations

import itertools

from app.core import Settings
from app.pipeline import Lotse
from evals.dataset import load_questions
from evals.metrics import contains_fact, first_hit_rank, hit_at, mean, reciprocal_rank

MODES = ("dense", "lexical", "hybrid")
EXPANSIONS = ("none", "lexical", "all")


def main() -> None:
    """Print document and key-fact hits and MRR for each retrieval mode and glossary expansion."""
    lotse = Lotse.from_settings(Settings())
    questions = [q for q in load_questions() if q.answerable]
    crosslingual = {q.id for q in questions if q.kind == "crosslingual"}
    print(f"{len(questions)} answerable questions ({len(crosslingual)} cross-lingual)\n")
    print(
        "| mode | glossary expansion | doc hit@1 | doc hit@5 | doc MRR | key fact @1 | key fact @3 | key fact @5 "
        "| key fact MRR | cross-lingual key fact @3 |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for mode, expand in itertools.product(MODES, EXPANSIONS):
        retriever = lotse.retriever.model_copy(update={"mode": mode, "expand": expand, "k": 5})
        ranks, fact_ranks, cross = [], [], []
        for q in questions:
            hits = [
                (c.chunk_id, c) for c in retriever.retrieve(lotse.understand(q.question, previous=q.previous_turn)).chunks[:5]
            ]
            docs = [c.doc_id for _, c in hits]
            rank = first_hit_rank(docs, set(q.gold_doc_ids))
            ranks.append(rank)
            with_fact = [cid for cid, h in hits if contains_fact(h.text, q.key_fact or "")]
            fact_rank = first_hit_rank([cid for cid, _ in hits], set(with_fact))
            fact_ranks.append(fact_rank)
            if q.id in crosslingual:
                cross.append(hit_at(fact_rank, 3))
        print(
            f"| {mode} | {expand} | {mean([hit_at(r, 1) for r in ranks]):.3f} | "
            f"{mean([hit_at(r, 5) for r in ranks]):.3f} | {mean([reciprocal_rank(r) for r in ranks]):.3f} | "
            f"{mean([hit_at(r, 1) for r in fact_ranks]):.3f} | {mean([hit_at(r, 3) for r in fact_ranks]):.3f} | "
            f"{mean([hit_at(r, 5) for r in fact_ranks]):.3f} | {mean([reciprocal_rank(r) for r in fact_ranks]):.3f} | "
            f"{mean(cross):.3f} |"
        )


if __name__ == "__main__":
    main()
