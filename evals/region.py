"""The region suite: NRW questions over a corpus that also holds pages from other Länder.

The project corpus plus the 442 OMoS-QA pages (train and dev) of München, the Landkreis
Augsburg (Bayern) and the Rems-Murr-Kreis (Baden-Württemberg), each page with a sidecar naming
its place, as a crawler or a maintainer would file it. Questions: the NRW suite (82) and the
region questions (evals/datasets/region.jsonl): NRW questions that only the other Länder's pages
answer (Lotse must abstain, not quote München), questions that name a place in another Land
(answered from that Land's pages), NRW paraphrases that share few words with their source, and
near-miss questions (the documents name the thing but not the asked detail: the answer must
say what is missing and quote a sentence about the thing).

Metrics: out-of-region citations of NRW questions (target 0) and NRW questions citing any,
out-of-region top-5 retrieval slots, correct abstentions, false abstentions, key fact shown,
near-miss answers; for questions about another Land, answers citing only that Land and their
key facts; latency. ``scoped=False`` files the pages without their place, so that every
document counts as NRW's: what Lotse did before it knew regions.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from app.conversation import Glossary
from app.core import STATEWIDE, Answer, InvalidQuestion, Settings
from app.index import load_embeddings, open_client
from app.pipeline import Lotse
from evals.dataset import DATASETS, OMOS_DIR, load_questions
from evals.metrics import contains_fact, mean, percentile
from evals.omosqa import load_split
from evals.suite import SuiteResult
from ingest.pipeline import run_ingest

REGION_PATH = DATASETS / "region.jsonl"
PROJECT_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PLACE_OF_CITY = {"muenchen": "München", "lkaugsburg": "Landkreis Augsburg", "rems-murr-kreis": "Rems-Murr-Kreis"}
LAND_OF_CITY = {"muenchen": "Bayern", "lkaugsburg": "Bayern", "rems-murr-kreis": "Baden-Württemberg"}


def land_of(doc_id: str) -> str:
    """The Land of a document of the suite's corpus (an OMoS page's city tells it)."""
    if not doc_id.startswith(DISTRACTOR_PREFIX):
        return STATEWIDE
    return LAND_OF_CITY[doc_id.removeprefix(DISTRACTOR_PREFIX).rsplit("-", 1)[0]]


DISTRACTOR_PREFIX = "pages/"


@dataclass(frozen=True)
class RegionQuestion:
    """One question of the suite, with the Land it is about (``STATEWIDE``: NRW)."""

    id: str
    question: str
    kind: str
    key_fact: str | None
    land: str
    previous_turn: str | None = None
    entity: str | None = None
    """Near-miss questions: what the answer's first quote must name."""

    @property
    def answerable(self) -> bool:
        """Whether the question has a key fact (the documents answer it)."""
        return self.key_fact is not None


def load_region_questions(path: Path = REGION_PATH) -> list[RegionQuestion]:
    """The NRW suite's questions (all about NRW) and the region questions."""
    nrw = [RegionQuestion(q.id, q.question, q.kind, q.key_fact, STATEWIDE, q.previous_turn) for q in load_questions()]
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return nrw + [
        RegionQuestion(r["id"], r["question"], r["kind"], r["key_fact"], r["land"], entity=r.get("entity")) for r in rows
    ]


def build_corpus(folder: Path, *, scoped: bool) -> Path:
    """The project corpus as it is now plus every OMoS page (ingest re-embeds only what changed)."""
    corpus = folder / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.copytree(PROJECT_CORPUS, corpus)
    pages = corpus / "pages"
    pages.mkdir()
    for split in ("train", "dev"):
        for row in load_split(OMOS_DIR / f"{split}_de.jsonl"):
            path = pages / f"{row.page}.txt"
            if path.exists():
                continue
            path.write_text("\n".join(row.lines), encoding="utf-8")
            if scoped:
                city = row.page.rsplit("-", 1)[0]
                meta = {"places": [PLACE_OF_CITY[city]]}
                path.with_suffix(".meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return corpus


def index_settings(folder: Path, *, scoped: bool, progress: bool = True) -> Settings:
    """Settings of the distractor index under ``folder``, ingested (incrementally) now."""
    settings = Settings(corpus_dir=build_corpus(folder, scoped=scoped), chroma_dir=folder / "chroma", collection="region")
    run_ingest(
        settings,
        open_client(settings),
        load_embeddings(settings.embeddings),
        Glossary.load(settings.glossary_path),
        progress=progress,
    )
    return settings


def _row(lotse: Lotse, q: RegionQuestion) -> dict[str, Any]:
    try:
        answer = lotse.ask(q.question, previous=q.previous_turn)
    except InvalidQuestion as error:  # counted as an abstention: no answer was given
        answer = Answer(q.question, str(error), True)
    docs = [c.doc_id for c in answer.citations]
    top5 = [r.doc_id for r in answer.retrieved[:5]]
    outside = [d for d in docs if land_of(d) != q.land]
    shown = " ".join([answer.answer, *(c.quote for c in answer.citations)])
    fact_shown = q.answerable and not answer.abstained and contains_fact(shown, q.key_fact or "")
    near_miss = bool(
        q.entity
        and answer.abstained
        and "nennen meine Dokumente" in answer.answer
        and answer.citations
        and contains_fact(answer.citations[0].quote, q.entity)
    )
    return {
        "id": q.id,
        "kind": q.kind,
        "land": q.land,
        "question": q.question,
        "answerable": q.answerable,
        "answer": answer.answer,
        "abstained": answer.abstained,
        "fact_shown": fact_shown,
        "near_miss": near_miss,
        "correct": fact_shown if q.answerable else answer.abstained,
        "cited_docs": docs,
        "out_of_region_citations": len(outside),
        "out_of_region_top5": sum(land_of(d) != q.land for d in top5),
        "top5": len(top5),
        "latency_ms": answer.timings_ms.get("total", 0.0),
    }


def run_region(lotse: Lotse, questions: list[RegionQuestion] | None = None, progress: Callable[..., Any] = tqdm) -> SuiteResult:
    """Every question through Lotse over the distractor index; the suite's metrics."""
    questions = questions if questions is not None else load_region_questions()
    rows = [_row(lotse, q) for q in progress(questions, desc="Region", unit="Frage")]
    nrw = [r for r in rows if r["land"] == STATEWIDE]
    nrw_answerable = [r for r in nrw if r["answerable"]]
    nrw_unanswerable = [r for r in nrw if not r["answerable"]]
    other = [r for r in rows if r["land"] != STATEWIDE]
    metrics = {
        "out_of_region_citations": float(sum(r["out_of_region_citations"] for r in nrw)),
        "nrw_answers_citing_other_lands": float(sum(r["out_of_region_citations"] > 0 for r in nrw)),
        "out_of_region_top5_slots": float(sum(r["out_of_region_top5"] for r in nrw)),
        "nrw_top5_slots": float(sum(r["top5"] for r in nrw)),
        "correct_abstentions": float(sum(r["abstained"] for r in nrw_unanswerable)),
        "should_abstain": float(len(nrw_unanswerable)),
        "false_abstentions": float(sum(r["abstained"] for r in nrw_answerable)),
        "key_fact_shown": mean([float(r["fact_shown"]) for r in nrw_answerable]),
        "paraphrase_key_fact_shown": mean([float(r["fact_shown"]) for r in nrw_answerable if r["kind"] == "paraphrase"]),
        "near_miss_answers": mean([float(r["near_miss"]) for r in nrw if r["kind"] == "near_miss"]),
        "other_land_answered_from_that_land": mean(
            [float(not r["abstained"] and r["out_of_region_citations"] == 0) for r in other]
        ),
        "other_land_key_fact_shown": mean([float(r["fact_shown"]) for r in other]),
        "latency_p50_ms": percentile([r["latency_ms"] for r in rows], 0.5),
    }
    notes = [
        f"{len(nrw)} NRW questions ({len(nrw_unanswerable)} unanswerable in NRW), {len(other)} about other Länder; "
        "corpus: project corpus + 442 OMoS-QA pages (München, Landkreis Augsburg, Rems-Murr-Kreis)."
    ]
    return SuiteResult(suite="region", metrics=metrics, baseline={}, rows=rows, notes=notes)
