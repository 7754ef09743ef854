"""The newcomer suite: questions as newcomers and counsellors ask them (evals/datasets/newcomer.jsonl).

Help-seeking ("Wo bekomme ich Hilfe in …"), definitional ("Was ist …"), service lookups and a
few fact questions, in German and translated into English, Ukrainian, Russian, Arabic and
Turkish (each translation names its German original as ``pair``). Each row lists the documents
a correct answer may cite (``sources``), the facts one of which it must show (``facts``) and,
for help-seeking, the offers a full list should name (``list_sources``).

Metrics: answer correct (cites a listed source and shows a listed fact), by language and
intent; sources recall of help-seeking lists; cross-lingual agreement (the cited documents of
a translation against those of its German original); fragment rate of answer sentences;
false refusals; latency. The naive LangChain baseline answers with its top chunk.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from app.answering import is_fragment, looks_back
from app.core import Answer, without_source_note
from app.index import Catalogue
from app.pipeline import Lotse
from evals.baseline import NaiveBaseline
from evals.dataset import NEWCOMER_PATH
from evals.metrics import contains_fact, mean, percentile
from evals.suite import SuiteResult

_SENTENCE_AND_MARK = re.compile(r"\s*(.+?)\s*\[(\d+)\]")


@dataclass(frozen=True)
class NewcomerQuestion:
    """One row of ``newcomer.jsonl``."""

    id: str
    question: str
    lang: str
    intent: str
    pair: str | None
    sources: list[str]
    facts: list[str]
    list_sources: list[str]


def load_newcomer(path: Path = NEWCOMER_PATH) -> list[NewcomerQuestion]:
    """The questions of ``newcomer.jsonl`` (or another file in its format)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        NewcomerQuestion(
            r["id"],
            r["question"],
            r["lang"],
            r["intent"],
            r.get("pair"),
            list(r["sources"]),
            list(r["facts"]),
            list(r.get("list_sources") or []),
        )
        for r in rows
    ]


def is_broken(sentence: str, after_its_document: bool = False) -> bool:
    """A shown sentence a reader cannot use: a fragment or heading, one pointing back at a
    sentence not shown right before it (``after_its_document``: the previous answer sentence
    quotes the same document), a source note mid-text, a cut name (unbalanced „ “), or a
    lower-case start."""
    text = sentence.split(": ", 1)[1] if re.match(r"^[^:]{3,90}: [A-ZÄÖÜ„\"]", sentence) else sentence  # "Offer: sentence"
    return (
        is_fragment(text)
        or (looks_back(text) and not after_its_document)
        or "(Quelle:" in sentence
        or text.count("„") != text.count("“")
        or not text[:1].isupper()
        and text[:1] not in '„"'
    )


def broken_sentences(answer: Answer) -> tuple[int, int]:
    """(shown sentences, broken ones) of an answer; each sentence ends with its [n]."""
    if answer.abstained:
        return 0, 0
    doc_of = {str(c.n): c.doc_id for c in answer.citations}
    pairs = _SENTENCE_AND_MARK.findall(without_source_note(answer.answer))
    docs = [doc_of.get(n) for _, n in pairs]
    return len(pairs), sum(
        is_broken(s, i > 0 and docs[i] is not None and docs[i] == docs[i - 1]) for i, (s, _) in enumerate(pairs)
    )


def _cited_docs(answer: Answer) -> set[str]:
    return {c.doc_id for c in answer.citations}


def shows_key_fact(answer: Answer, sources: list[str], facts: list[str]) -> bool:
    """An answer (not a refusal) that cites one of ``sources`` and shows one of ``facts``."""
    shown = " ".join([answer.answer, *(c.quote for c in answer.citations)])
    return not answer.abstained and bool(_cited_docs(answer) & set(sources)) and any(contains_fact(shown, f) for f in facts)


def _row(lotse: Lotse, baseline: NaiveBaseline, q: NewcomerQuestion) -> dict[str, Any]:
    answer = lotse.ask(q.question)
    cited = _cited_docs(answer)
    sentences, broken = broken_sentences(answer)
    top = baseline.ask(q.question)
    base_correct = bool(top.doc_ids) and top.doc_ids[0] in q.sources and any(contains_fact(top.answer, f) for f in q.facts)
    return {
        "id": q.id,
        "kind": f"{q.intent}·{'de' if q.lang == 'de' else 'other'}",
        "lang": q.lang,
        "intent": q.intent,
        "pair": q.pair,
        "question": q.question,
        "answerable": True,
        "answer": answer.answer,
        "abstained": answer.abstained,
        "cited": sorted(cited),
        "correct": shows_key_fact(answer, q.sources, q.facts),
        "list_recall": len(cited & set(q.list_sources)) / len(q.list_sources) if q.list_sources else None,
        "sentences": sentences,
        "broken": broken,
        "latency_ms": answer.timings_ms["total"],
        "baseline": {"correct": base_correct, "latency_ms": top.ms},
    }


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def run_newcomer(
    lotse: Lotse, questions: list[NewcomerQuestion] | None = None, progress: Callable[..., Any] = tqdm
) -> SuiteResult:
    """The newcomer suite over ``questions`` (default: ``newcomer.jsonl``), with the naive baseline beside Lotse."""
    questions = questions if questions is not None else load_newcomer()
    baseline = NaiveBaseline(Catalogue.load(lotse.index).documents(), lotse.embeddings)
    rows = [_row(lotse, baseline, q) for q in progress(questions, desc="Newcomer", unit="Frage")]
    by_id = {r["id"]: r for r in rows}
    german, other = [r for r in rows if r["lang"] == "de"], [r for r in rows if r["lang"] != "de"]
    pairs = [(r, by_id[r["pair"]]) for r in other if r["pair"] in by_id]
    sentences = sum(r["sentences"] for r in rows)
    metrics = {
        "correct": mean([float(r["correct"]) for r in rows]),
        "correct_german": mean([float(r["correct"]) for r in german]),
        "correct_other_languages": mean([float(r["correct"]) for r in other]),
        **{
            f"correct_{intent}": mean([float(r["correct"]) for r in rows if r["intent"] == intent])
            for intent in sorted({r["intent"] for r in rows})
        },
        "fragment_rate": sum(r["broken"] for r in rows) / sentences if sentences else 0.0,
        "false_refusals": mean([float(r["abstained"]) for r in rows]),
        "latency_p50_ms": percentile([r["latency_ms"] for r in rows], 0.5),
    }
    recalls = [r["list_recall"] for r in rows if r["list_recall"] is not None]
    if recalls:  # only for suites that name the offers a full list should show
        metrics["help_sources_recall"] = mean(recalls)
    if pairs:  # only for suites with translations of their German questions
        metrics["crosslingual_citation_jaccard"] = mean([_jaccard(set(a["cited"]), set(b["cited"])) for a, b in pairs])
        metrics["crosslingual_shared_source"] = mean([float(bool(set(a["cited"]) & set(b["cited"]))) for a, b in pairs])
    baseline_metrics = {
        "correct": mean([float(r["baseline"]["correct"]) for r in rows]),
        "correct_german": mean([float(r["baseline"]["correct"]) for r in german]),
        "correct_other_languages": mean([float(r["baseline"]["correct"]) for r in other]),
    }
    notes = [
        f"{len(rows)} questions: {len(german)} German, {len(other)} in other languages ({len(pairs)} paired with "
        "their German original). Every question is answerable from the corpus; an abstention is a false refusal.",
        "Baseline: correct when its top chunk comes from a listed source and contains a listed fact.",
    ]
    return SuiteResult(suite="newcomer", metrics=metrics, baseline=baseline_metrics, rows=rows, notes=notes)
