"""Answer-level scores on evals/datasets/nrw.jsonl: key fact shown, citation validity,
abstention precision/recall/F1 and latency. Prints a table and the misses.

    python -m evals.nrw      (needs an index: lotse ingest)
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from app.answer import Answer
from app.service import Lotse
from app.settings import Settings
from app.verify import citation_problems
from evals.dataset import EvalQuestion, load_questions
from evals.metrics import contains_fact, mean, precision_recall_f1


@dataclass(frozen=True)
class Outcome:
    question: EvalQuestion
    answer: Answer

    @property
    def fact_shown(self) -> bool:
        shown = " ".join([self.answer.answer, *(c.quote for c in self.answer.citations)])
        return not self.answer.abstained and contains_fact(shown, self.question.key_fact or "")

    @property
    def citations_valid(self) -> bool:
        return not citation_problems(self.answer.answer, self.answer.citations, self.answer.retrieved)


def run(lotse: Lotse, questions: list[EvalQuestion]) -> list[Outcome]:
    return [Outcome(q, lotse.ask(q.standalone)) for q in questions]


def scores(outcomes: list[Outcome]) -> dict[str, float]:
    answerable = [o for o in outcomes if o.question.answerable]
    p, r, f1 = precision_recall_f1(
        [o.answer.abstained for o in outcomes], [not o.question.answerable for o in outcomes]
    )
    latencies = sorted(o.answer.timings_ms["total"] for o in outcomes)
    return {
        "key_fact_shown": mean([float(o.fact_shown) for o in answerable]),
        "citation_validity": mean([float(o.citations_valid) for o in outcomes]),
        "abstention_precision": p,
        "abstention_recall": r,
        "abstention_f1": f1,
        "latency_p50_ms": statistics.median(latencies),
        "latency_p95_ms": latencies[int(0.95 * (len(latencies) - 1))],
    }


def main() -> None:
    lotse = Lotse.from_settings(Settings())
    outcomes = run(lotse, load_questions())
    print("| metric | value |\n|---|---|")
    for name, value in scores(outcomes).items():
        print(f"| {name} | {value:.3f} |")
    kinds = sorted({o.question.kind for o in outcomes})
    print("\n| kind | n | key fact shown / correctly abstained |\n|---|---|---|")
    for kind in kinds:
        group = [o for o in outcomes if o.question.kind == kind]
        ok = [o.fact_shown if o.question.answerable else o.answer.abstained for o in group]
        print(f"| {kind} | {len(group)} | {mean([float(x) for x in ok]):.3f} |")
    print("\nMisses:")
    for o in outcomes:
        ok = o.fact_shown if o.question.answerable else o.answer.abstained
        if not ok:
            print(f"- {o.question.id} [{o.question.kind}] {o.question.question} -> {o.answer.answer[:160]}")


if __name__ == "__main__":
    main()
