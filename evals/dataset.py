"""The hand-written NRW question set."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DATASETS = Path(__file__).parent / "datasets"
NRW_PATH = DATASETS / "nrw.jsonl"
NEWCOMER_PATH = DATASETS / "newcomer.jsonl"
"""Questions as newcomers and counsellors ask them (``lotse eval newcomer``)."""
OMOS_DIR = DATASETS / "omosqa"
"""The OMoS-QA train and dev splits (CC BY 4.0)."""
ANSWERABLE_KINDS = {"fact", "number", "date", "place", "programme", "crosslingual", "colloquial", "followup"}


@dataclass(frozen=True)
class EvalQuestion:
    """One row of ``nrw.jsonl``."""

    id: str
    question: str
    kind: str
    gold_doc_ids: list[str]
    key_fact: str | None
    previous_turn: str | None = None

    @property
    def answerable(self) -> bool:
        """Whether the question has a key fact (the documents answer it)."""
        return self.key_fact is not None

    @property
    def standalone(self) -> str:
        """The question with its previous turn, for a retriever that has no chat memory."""
        return f"{self.previous_turn} {self.question}" if self.previous_turn else self.question


def load_questions(path: Path = NRW_PATH) -> list[EvalQuestion]:
    """The questions of ``nrw.jsonl`` (or another file in its format)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        EvalQuestion(
            id=r["id"],
            question=r["question"],
            kind=r["kind"],
            gold_doc_ids=list(r["gold_doc_ids"]),
            key_fact=r["key_fact"],
            previous_turn=r.get("previous_turn"),
        )
        for r in rows
    ]
