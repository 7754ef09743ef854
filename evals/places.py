"""The places suite (``lotse eval places``): is every answer about the asker's place?

A synthetic fixture corpus (``tests/fixtures/places/``: 48 short documents about one local offer
or figure each, across 28 Kreise and kreisfreie Städte, about half without a ``places``
sidecar, plus three statewide ones; clearly marked test texts, never part of ``corpus/``) and
146 questions: the place named directly, through a Gemeinde of its Kreis, by an exonym, without
umlauts, in lower case or in another language; 91 that a document of that place answers and 55
that none does while another place's document states the same kind of figure (planted).

Metrics: right-place answers (covered questions answered with the key fact), wrong-place answers
(an answer citing a local document of another place: the worst answer Lotse can give, must be
0), declines on uncovered places, and the place tagging of the fixture documents (precision and
recall of the local places their chunks carry, against the place each document is about).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from chromadb.api.types import Where
from tqdm import tqdm

from app.conversation import Glossary
from app.core import STATEWIDE, Answer, InvalidQuestion, Settings
from app.index import load_embeddings, open_client
from app.pipeline import Lotse
from evals.metrics import contains_fact, mean, percentile
from evals.suite import SuiteResult
from ingest.pipeline import run_ingest

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "places"
PROJECT_GLOSSARY = Path(__file__).resolve().parent.parent / "corpus" / "glossary"
KIND = "press"
"""The folder the fixture documents are filed under (their document ids start with it)."""


@dataclass(frozen=True)
class PlaceQuestion:
    """One question of the places fixture: the place it asks about, whether a document of it answers, and how the
    place is named."""

    id: str
    question: str
    lang: str
    place: str | None
    """The Kreis or kreisfreie Stadt asked about; None: all of NRW."""
    covered: bool
    doc: str | None
    fact: str | None
    planted: str | None
    how: str


def load_place_questions(path: Path = FIXTURE / "questions.jsonl") -> list[PlaceQuestion]:
    """The questions of the places fixture."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [PlaceQuestion(**row) for row in rows]


def doc_id(file_name: str) -> str:
    """The document id the ingest gives a fixture file."""
    return f"{KIND}/{Path(file_name).stem}"


def true_places(questions: list[PlaceQuestion], corpus: Path = FIXTURE / "corpus") -> dict[str, str | None]:
    """The place each fixture document is about: its sidecar's, else that of the questions it
    answers (None: statewide)."""
    truth: dict[str, str | None] = {}
    for sidecar in corpus.glob("*.meta.json"):
        truth[doc_id(sidecar.name.removesuffix(".meta.json"))] = json.loads(sidecar.read_text(encoding="utf-8"))["places"][0]
    for q in questions:
        if q.covered and q.doc:
            truth.setdefault(doc_id(q.doc), q.place)
    return truth


def index_settings(folder: Path, progress: bool = True) -> Settings:
    """Settings of the fixture index under ``folder``, ingested (incrementally) now."""
    corpus = folder / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)  # the fixture and the glossary as they are now; ingest re-embeds only changes
    shutil.copytree(FIXTURE / "corpus", corpus / KIND)
    shutil.copytree(PROJECT_GLOSSARY, corpus / "glossary")
    settings = Settings(corpus_dir=corpus, chroma_dir=folder / "chroma", collection="places")
    run_ingest(
        settings,
        open_client(settings),
        load_embeddings(settings.embeddings),
        Glossary.load(settings.glossary_path),
        progress=progress,
    )
    return settings


def _row(lotse: Lotse, q: PlaceQuestion, truth: dict[str, str | None]) -> dict[str, Any]:
    try:
        answer = lotse.ask(q.question)
    except InvalidQuestion as error:  # no answer was given
        answer = Answer(q.question, str(error), True)
    cited = [c.doc_id for c in answer.citations]
    other_places = sorted({str(truth[d]) for d in cited if truth.get(d) is not None and truth[d] != q.place})
    shown = " ".join([answer.answer, *(c.quote for c in answer.citations)])
    right = q.covered and not answer.abstained and contains_fact(shown, q.fact or "")
    return {
        "id": q.id,
        "kind": q.how,
        "question": q.question,
        "lang": q.lang,
        "how": q.how,
        "place": q.place,
        "covered": q.covered,
        "answer": answer.answer,
        "abstained": answer.abstained,
        "cited": cited,
        "right_place": right,
        "wrong_place": not answer.abstained and bool(other_places),
        "other_places": other_places,
        "planted_cited": bool(q.planted) and doc_id(q.planted or "") in cited,
        "correct": right if q.covered else answer.abstained,
        "latency_ms": answer.timings_ms.get("total", 0.0),
    }


def tagging(lotse: Lotse, truth: dict[str, str | None]) -> tuple[float, float]:
    """Precision and recall of the local places the fixture documents' chunks carry."""
    got = lotse.index.chunks.get(where=cast(Where, {"doc_id": {"$in": sorted(truth)}}), include=["metadatas"])
    tagged: dict[str, set[str]] = {}
    for meta in got["metadatas"] or []:
        places = meta.get("places") or []
        assert isinstance(places, list), "places are stored as a list"
        tagged.setdefault(str(meta["doc_id"]), set()).update(str(p) for p in places if p != STATEWIDE)
    local = {d: p for d, p in truth.items() if p is not None}
    tags = sum(len(tagged.get(d, set())) for d in truth)
    correct = sum(p in tagged.get(d, set()) for d, p in local.items())
    return (correct / tags if tags else 0.0), (correct / len(local) if local else 0.0)


def run_places(lotse: Lotse, questions: list[PlaceQuestion] | None = None, progress: Callable[..., Any] = tqdm) -> SuiteResult:
    """Every question through Lotse over the fixture index; the suite's metrics."""
    questions = questions if questions is not None else load_place_questions()
    truth = true_places(questions)
    rows = [_row(lotse, q, truth) for q in progress(questions, desc="Orte", unit="Frage")]
    covered = [r for r in rows if r["covered"]]
    uncovered = [r for r in rows if not r["covered"]]
    precision, recall = tagging(lotse, truth)
    metrics = {
        "right_place_answers": mean([float(r["right_place"]) for r in covered]),
        "wrong_place_answers": float(sum(r["wrong_place"] for r in rows)),
        "wrong_place_answers_uncovered": float(sum(r["wrong_place"] for r in uncovered)),
        "planted_figures_cited": float(sum(r["planted_cited"] and not r["abstained"] for r in uncovered)),
        "declines_on_uncovered": mean([float(r["abstained"]) for r in uncovered]),
        "tagging_precision": precision,
        "tagging_recall": recall,
        **{
            f"right_place_{how}": mean([float(r["right_place"]) for r in covered if r["how"] == how])
            for how in sorted({r["how"] for r in covered})
        },
        "latency_p50_ms": percentile([r["latency_ms"] for r in rows], 0.5),
    }
    notes = [
        f"{len(rows)} questions ({len(covered)} answered by a document of the asked place, {len(uncovered)} not, each "
        f"with another place's figure planted); {len(truth)} synthetic documents (tests/fixtures/places/)."
    ]
    return SuiteResult(suite="places", metrics=metrics, baseline={}, rows=rows, notes=notes)
