"""The OMoS-QA suite (CC BY 4.0, see evals/datasets/omosqa/README.md).

- selection: the sentence selector on each row's own page, with the paper's metric (and the
  naive margin selector beside it, as ``margin_selection_*``);
- cross-lingual: the English question (``*_en``) against the German page of the same id;
- page retrieval: Lotse's own ingest and retriever over the pooled pages of the split;
- end to end: retrieve the top page, then select on it (a wrong page scores as wrong).
The naive LangChain baseline answers with its top chunk, i.e. every line that chunk holds.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from app.answering import MarginSelector, SentenceSelector
from app.conversation import Glossary, Understanding
from app.core import Settings
from app.index import LotseEmbeddings, open_client, open_generation
from app.retrieval import HybridRetriever
from evals.baseline import NaiveBaseline
from evals.metrics import first_hit_rank, hit_at, mean, omosqa_scores, percentile, reciprocal_rank
from evals.suite import SuiteResult
from evals.vector_cache import VectorCache
from ingest.pipeline import IngestReport, run_ingest

PUBLISHED = {  # German test split, from shared/omosqa/README.md
    "DeBERTa-v3-large (fine-tuned)": (0.625, 0.605),
    "Llama-3-70B-Instruct": (0.603, 0.685),
    "GPT-3.5-Turbo 5-shot": (0.581, 0.709),
}
WRONG_PAGE = -1


@dataclass(frozen=True)
class OmosRow:
    """One OMoS-QA row: the question, its page's lines, the indices of the answer lines, and the page."""

    id: str
    question: str
    lines: list[str]
    answers: list[int]
    page: str


def load_split(path: Path) -> list[OmosRow]:
    """The rows of one OMoS-QA split file."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            rows.append(
                OmosRow(str(r["id"]), r["question"], r["context"].split("\n"), list(r["answers"]), f"{r['city']}-{r['pageId']}")
            )
    return rows


def english_split(path: Path) -> Path | None:
    """``dev_de.jsonl`` -> ``dev_en.jsonl`` beside it, if present."""
    other = path.with_name(path.name.replace("_de.", "_en."))
    return other if other != path and other.is_file() else None


def select_all(
    rows: list[OmosRow], questions: list[str], cache: VectorCache, selector: SentenceSelector, progress: Callable[..., Any]
) -> tuple[list[list[int]], list[float], list[float]]:
    """Selector predictions on each row's own page, the selection time per question (page
    vectors cached, question embedded beforehand), and each page's best line score."""
    predictions, times, best = [], [], []
    for row, question in progress(list(zip(rows, questions)), desc="OMoS Auswahl", unit="Frage"):
        lines = cache.passages(row.lines)
        q = cache.query(question)
        started = time.perf_counter()
        scores = selector.scores(question, q, lines, row.lines)
        predictions.append(selector.choose(scores))
        times.append((time.perf_counter() - started) * 1000)
        best.append(float(scores.max()))
    return predictions, times, best


def lines_in(chunk: str, lines: list[str]) -> list[int]:
    """Indices of the page lines a chunk holds (the naive baseline's "answer")."""
    return [i for i, line in enumerate(lines) if line.strip() and line.strip() in chunk]


def pooled_pages(rows: list[OmosRow]) -> dict[str, str]:
    """Each distinct page of the rows, by page key, as its text."""
    return {r.page: "\n".join(r.lines) for r in rows}


def ingest_pages(
    pages: dict[str, str], embeddings: LotseEmbeddings, folder: Path, progress: bool
) -> tuple[Settings, IngestReport]:
    """Write the pages as a corpus under ``folder`` and ingest them with Lotse's own pipeline."""
    corpus = folder / "corpus" / "pages"
    corpus.mkdir(parents=True)
    for page, text in pages.items():
        (corpus / f"{page}.txt").write_text(text, encoding="utf-8")
    settings = Settings(corpus_dir=corpus.parent, chroma_dir=folder / "chroma", collection="omosqa")
    report = run_ingest(settings, open_client(settings), embeddings, Glossary(), progress=progress)
    return settings, report


def _page_index(pages: dict[str, str], embeddings: LotseEmbeddings, folder: Path) -> HybridRetriever:
    """Ingest the pooled pages and return Lotse's retriever over them."""
    settings, _ = ingest_pages(pages, embeddings, folder, progress=True)
    index, lexical = open_generation(open_client(settings), settings, embeddings)
    return HybridRetriever(index=index, embeddings=embeddings, lexical=lexical, glossary=Glossary(), k=10, expand="none")


def _ranked_pages(chunk_docs: list[str]) -> list[str]:
    return list(dict.fromkeys(d.removeprefix("pages/") for d in chunk_docs))


def run_omosqa(
    split: Path,
    embeddings: LotseEmbeddings,
    selector: SentenceSelector,
    cache_dir: Path,
    predictions_out: Path | None = None,
    progress: Callable[..., Any] = tqdm,
) -> SuiteResult:
    """The OMoS-QA suite on ``split``: selection, cross-lingual, page retrieval and end to end, with the naive baseline."""
    rows = load_split(split)
    cache = VectorCache(embeddings, cache_dir)
    gold = [r.answers for r in rows]
    own, select_ms, best = select_all(rows, [r.question for r in rows], cache, selector, progress)
    if predictions_out is not None:
        predictions_out.parent.mkdir(parents=True, exist_ok=True)
        predictions_out.write_text(json.dumps({r.id: p for r, p in zip(rows, own)}), encoding="utf-8")
    metrics = {f"selection_{k}": v for k, v in omosqa_scores(gold, own).items()}
    margin, _, _ = select_all(rows, [r.question for r in rows], cache, MarginSelector(), progress)
    metrics.update({f"margin_selection_{k}": v for k, v in omosqa_scores(gold, margin).items()})
    metrics["selection_latency_p50_ms"] = percentile(select_ms, 0.5)
    metrics["selection_latency_p95_ms"] = percentile(select_ms, 0.95)
    notes = [
        "Published (German test split) F1 / no-answer F1: "
        + "; ".join(f"{k} {f:.3f} / {n:.3f}" for k, (f, n) in PUBLISHED.items()),
        "The shipped selector is trained on train + dev: scores on those splits are in-sample. Its cross-validated "
        "estimate is in app/answering/models/README.md (`lotse train-selector` reproduces it).",
    ]

    english = english_split(split)
    if english is not None:
        en_question = {r.id: r.question for r in load_split(english)}
        crossed, _, _ = select_all(rows, [en_question.get(r.id, r.question) for r in rows], cache, selector, progress)
        metrics.update({f"crosslingual_{k}": v for k, v in omosqa_scores(gold, crossed).items()})
    cache.save()

    pages = pooled_pages(rows)
    baseline = NaiveBaseline({f"pages/{p}": t for p, t in pages.items()}, embeddings)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        retriever = _page_index(pages, embeddings, Path(tmp))
        understand = Understanding(retriever.glossary, frozenset(), embed=embeddings.embed_query)  # the chat's understanding step
        notes.append(f"Page index of {len(pages)} pages built by Lotse's ingest in {time.perf_counter() - started:.0f} s.")
        lotse_ranks, base_ranks, end_to_end, base_own, base_e2e = [], [], [], [], []
        for row, prediction in progress(list(zip(rows, own)), desc="OMoS Seiten", unit="Frage"):
            ranked = _ranked_pages([c.doc_id for c in retriever.retrieve(understand(row.question)).chunks])
            lotse_ranks.append(first_hit_rank(ranked, {row.page}))
            top_page = ranked[0] if ranked else None
            end_to_end.append(prediction if top_page == row.page else [WRONG_PAGE] * len(prediction))
            naive = baseline.ask(row.question, k=10)
            naive_pages = _ranked_pages(naive.doc_ids)
            base_ranks.append(first_hit_rank(naive_pages, {row.page}))
            on_page = baseline.store.similarity_search(row.question, k=1, filter={"doc_id": f"pages/{row.page}"})
            base_own.append(lines_in(on_page[0].page_content, row.lines) if on_page else [])
            top_chunk_page = naive.doc_ids[0].removeprefix("pages/") if naive.doc_ids else None
            base_e2e.append(lines_in(naive.answer, row.lines) if top_chunk_page == row.page else [WRONG_PAGE])
    metrics.update(_page_metrics(lotse_ranks))
    metrics.update({f"end_to_end_{k}": v for k, v in omosqa_scores(gold, end_to_end).items()})
    baseline_metrics = {
        **{f"selection_{k}": v for k, v in omosqa_scores(gold, base_own).items()},
        **_page_metrics(base_ranks),
        **{f"end_to_end_{k}": v for k, v in omosqa_scores(gold, base_e2e).items()},
    }
    out_rows = [
        {
            "id": r.id,
            "kind": "answerable" if r.answers else "unanswerable",
            "answerable": bool(r.answers),
            "question": r.question,
            "gold": r.answers,
            "predicted": p,
            "page_rank": rank,
            "selection_ms": ms,
            "top_score": top,
        }
        for r, p, rank, ms, top in zip(rows, own, lotse_ranks, select_ms, best)
    ]
    thresholds = {"score_label": "best line score", "abstention": selector.abstention_threshold}
    return SuiteResult(
        suite="omosqa", metrics=metrics, baseline=baseline_metrics, rows=out_rows, notes=notes, thresholds=thresholds
    )


def _page_metrics(ranks: list[int | None]) -> dict[str, float]:
    out = {f"page_hit@{k}": mean([hit_at(r, k) for r in ranks]) for k in (1, 5, 10)}
    out["page_mrr"] = mean([reciprocal_rank(r) for r in ranks])
    return out
