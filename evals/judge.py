"""LLM-as-judge metrics with German prompts, only when an LLM is configured:
faithfulness (is each answer sentence supported by the passage it cites?) and answer
relevance (does the answer address the question?)."""

from __future__ import annotations

import re

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage

from app.answering import CITATION_MARK
from app.core import Answer, split_sentences
from evals.metrics import mean

FAITHFUL = (
    "Prüfe, ob die Aussage vollständig von der Quelle gestützt wird. Antworte nur mit JA oder NEIN.\n\n"
    "Quelle:\n{source}\n\nAussage:\n{claim}"
)
RELEVANT = "Beantwortet die Antwort die Frage? Antworte nur mit JA oder NEIN.\n\nFrage: {question}\n\nAntwort: {answer}"
SKIPPED = "Judge-Metriken übersprungen: kein LLM konfiguriert (LOTSE_LLM)."


def _yes(model: BaseChatModel, prompt: str) -> float | None:
    try:
        reply = str(model.invoke([HumanMessage(prompt)]).content).strip().upper()
    except Exception:  # a failed judgement is left out, not counted as no
        return None
    if reply.startswith("JA"):
        return 1.0
    return 0.0 if reply.startswith("NEIN") else None


def judge_answers(model: BaseChatModel, answers: list[Answer]) -> dict[str, float]:
    """Mean faithfulness over cited sentences and mean relevance over answered questions."""
    faithful: list[float] = []
    relevant: list[float] = []
    for answer in answers:
        if answer.abstained:
            continue
        by_n = {c.n: c for c in answer.citations}
        chunks = {r.chunk_id: r.text for r in answer.retrieved}
        for sentence in split_sentences(answer.answer):
            for n in {int(x) for x in CITATION_MARK.findall(sentence)} & by_n.keys():
                source = chunks.get(by_n[n].chunk_id, by_n[n].quote)
                verdict = _yes(model, FAITHFUL.format(source=source, claim=re.sub(CITATION_MARK, "", sentence).strip()))
                if verdict is not None:
                    faithful.append(verdict)
        verdict = _yes(model, RELEVANT.format(question=answer.question, answer=answer.answer))
        if verdict is not None:
            relevant.append(verdict)
    return {"judge_faithfulness": mean(faithful), "judge_relevance": mean(relevant)}
