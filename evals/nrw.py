"""The NRW suite: hand-written questions about the corpus (evals/datasets/nrw.jsonl).

Retrieval (hit@1/3/5, MRR, nDCG@10 by gold document and by key fact), answers (key fact
shown, citation validity and precision (per citation, and per answer sentence:
several sentences may share one citation), German answers, abstention P/R/F1, latency), each
next to the naive LangChain baseline run in the same process on the same questions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tqdm import tqdm

from app.answering import CITATION_MARK, citation_problems
from app.conversation import is_german
from app.core import Answer
from app.index import Catalogue
from app.pipeline import Lotse
from evals.baseline import NaiveBaseline
from evals.dataset import EvalQuestion, load_questions
from evals.judge import SKIPPED, judge_answers
from evals.metrics import (
    contains_fact,
    first_hit_rank,
    hit_at,
    mean,
    ndcg_at,
    percentile,
    precision_recall_f1,
    reciprocal_rank,
)
from evals.suite import SuiteResult

RETRIEVAL_DEPTH = 10


def _ranking_metrics(prefix: str, rows: list[dict[str, Any]], key: str) -> dict[str, float]:
    ranks = [r[f"{key}_rank"] for r in rows]
    out = {f"{prefix}@{k}": mean([hit_at(rank, k) for rank in ranks]) for k in (1, 3, 5)}
    out[f"{prefix}_mrr"] = mean([reciprocal_rank(rank) for rank in ranks])
    out[f"{prefix}_ndcg@10"] = mean([r[f"{key}_ndcg"] for r in rows])
    return out


def _rank_fields(doc_ids: list[str], texts: list[str], q: EvalQuestion) -> dict[str, Any]:
    gold = set(q.gold_doc_ids)
    doc_rel = [d in gold for d in doc_ids]
    fact_rel = [contains_fact(t, q.key_fact or "") for t in texts]
    return {
        "doc_rank": first_hit_rank(doc_ids, gold),
        "doc_ndcg": ndcg_at(doc_rel, RETRIEVAL_DEPTH),
        "fact_rank": next((i for i, rel in enumerate(fact_rel, start=1) if rel), None),
        "fact_ndcg": ndcg_at(fact_rel, RETRIEVAL_DEPTH),
    }


def _lotse_row(lotse: Lotse, q: EvalQuestion, answers: list[Answer]) -> dict[str, Any]:
    answer = lotse.ask(q.question, previous=q.previous_turn)
    answers.append(answer)
    deep = (
        lotse.retriever.model_copy(update={"k": RETRIEVAL_DEPTH})
        .retrieve(lotse.understand(q.question, previous=q.previous_turn))
        .chunks
    )
    shown = " ".join([answer.answer, *(c.quote for c in answer.citations)])
    chunk_text = {r.chunk_id: r.text for r in answer.retrieved}
    cited_with_fact = [contains_fact(chunk_text[c.chunk_id], q.key_fact or "") for c in answer.citations]
    chunk_of = {c.n: c.chunk_id for c in answer.citations}
    sentences_with_fact = [
        contains_fact(chunk_text[chunk_of[int(n)]], q.key_fact or "")
        for n in CITATION_MARK.findall(answer.answer)
        if int(n) in chunk_of
    ]
    fact_shown = q.answerable and not answer.abstained and contains_fact(shown, q.key_fact or "")
    return {
        "id": q.id,
        "kind": q.kind,
        "question": q.question,
        "answerable": q.answerable,
        "answer": answer.answer,
        "abstained": answer.abstained,
        "fact_shown": fact_shown,
        "correct": fact_shown if q.answerable else answer.abstained,
        "citations_valid": not citation_problems(answer.answer, answer.citations, answer.retrieved),
        "citation_precision": mean([float(x) for x in cited_with_fact]) if q.answerable and not answer.abstained else None,
        "sentence_citation_precision": (
            mean([float(x) for x in sentences_with_fact]) if q.answerable and not answer.abstained else None
        ),
        "german": is_german(answer.answer),
        "answer_chars": len(answer.answer),
        "latency_ms": answer.timings_ms["total"],
        "top_score": max((r.score for r in answer.retrieved[: lotse.settings.top_k]), default=0.0),
        **_rank_fields([c.doc_id for c in deep], [c.text for c in deep], q),
    }


def _baseline_row(baseline: NaiveBaseline, q: EvalQuestion) -> dict[str, Any]:
    top = baseline.ask(q.standalone)
    deep = baseline.ask(q.standalone, k=RETRIEVAL_DEPTH)
    fact_shown = q.answerable and contains_fact(top.answer, q.key_fact or "")
    return {
        "fact_shown": fact_shown,
        "correct": fact_shown,
        "abstained": False,
        "german": is_german(top.answer),
        "answer_chars": len(top.answer),
        "latency_ms": top.ms,
        **_rank_fields(deep.doc_ids, deep.chunk_texts, q),
    }


def _answer_metrics(
    rows: list[dict[str, Any]], answerable: list[dict[str, Any]], all_rows: list[dict[str, Any]]
) -> dict[str, float]:
    p, r, f1 = precision_recall_f1([x["abstained"] for x in rows], [not q["answerable"] for q in all_rows])
    latencies = [x["latency_ms"] for x in rows]
    return {
        "key_fact_shown": mean([float(x["fact_shown"]) for x in answerable]),
        "german_answers": mean([float(x["german"]) for x in rows]),
        "abstention_precision": p,
        "abstention_recall": r,
        "abstention_f1": f1,
        "answer_chars_p50": percentile([x["answer_chars"] for x in answerable], 0.5),
        "latency_p50_ms": percentile(latencies, 0.5),
        "latency_p95_ms": percentile(latencies, 0.95),
    }


def run_nrw(lotse: Lotse, questions: list[EvalQuestion] | None = None, progress: Callable[..., Any] = tqdm) -> SuiteResult:
    """Run Lotse and the naive baseline on every question; metrics for both."""
    questions = questions if questions is not None else load_questions()
    baseline = NaiveBaseline(Catalogue.load(lotse.index).documents(), lotse.embeddings)
    rows: list[dict[str, Any]] = []
    answers: list[Answer] = []
    for q in progress(questions, desc="NRW", unit="Frage"):
        row = _lotse_row(lotse, q, answers)
        row["baseline"] = _baseline_row(baseline, q)
        rows.append(row)
    answerable = [r for r in rows if r["answerable"]]
    metrics = {
        **_ranking_metrics("retrieval_doc_hit", answerable, "doc"),
        **_ranking_metrics("retrieval_fact_hit", answerable, "fact"),
        **_answer_metrics(rows, answerable, rows),
        "citation_validity": mean([float(r["citations_valid"]) for r in rows]),
        "citation_precision": mean([r["citation_precision"] for r in answerable if r["citation_precision"] is not None]),
        "sentence_citation_precision": mean(
            [r["sentence_citation_precision"] for r in answerable if r["sentence_citation_precision"] is not None]
        ),
    }
    base_rows = [r["baseline"] for r in rows]
    base_answerable = [r["baseline"] for r in answerable]
    baseline_metrics = {
        **_ranking_metrics("retrieval_doc_hit", base_answerable, "doc"),
        **_ranking_metrics("retrieval_fact_hit", base_answerable, "fact"),
        **_answer_metrics(base_rows, base_answerable, rows),
    }
    notes = [
        "Follow-up questions go through Lotse's rule-based resolution with their previous turn; "
        "the baseline gets the previous turn and the question concatenated.",
        "The baseline's 'answer' is its whole top chunk (LangChain's default splitter, up to 4000 characters), "
        "so it shows the key fact more easily; compare answer_chars_p50.",
    ]
    if lotse.chat_model is not None:
        metrics.update(judge_answers(lotse.chat_model, answers))
        metrics["llm_answers"] = mean([float(a.composer == "llm") for a in answers if not a.abstained])
    else:
        notes.append(SKIPPED)
    return SuiteResult(
        suite="nrw",
        metrics=metrics,
        baseline=baseline_metrics,
        rows=rows,
        thresholds={"abstention": lotse.settings.min_chunk_score, "score_label": "best chunk similarity"},
        notes=notes,
    )
