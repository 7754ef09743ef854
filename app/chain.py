"""The question-answering chain as LangChain Runnables with injected collaborators."""

from __future__ import annotations

import logging
import time
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from app.answer import Answer, RetrievedChunk
from app.composer import Composer
from app.retrieval import HybridRetriever
from app.verify import citation_problems

log = logging.getLogger(__name__)


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)


def _to_chunk(doc: Any) -> RetrievedChunk:
    meta = doc.metadata
    return RetrievedChunk.from_metadata(str(meta["chunk_id"]), doc.page_content, meta, round(float(meta["score"]), 4))


def build_chain(retriever: HybridRetriever, composer: Composer) -> Runnable[dict[str, Any], Answer]:
    """``{"question": str, "place": str | None, "turn": str | None}`` -> verified ``Answer``.

    ``question`` is what is retrieved with (a follow-up already completed with the previous
    turn); ``turn`` is what the user typed, which the composer's gates check and the answer
    repeats (defaults to ``question``). Steps: retrieve (with the place filter) -> compose ->
    verify citations. An answer whose citations do not verify is never returned: the
    composer's abstention is used instead.
    """

    def retrieve(inputs: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        filtered = retriever.with_filters(place=inputs.get("place"))
        chunks = [_to_chunk(d) for d in filtered.invoke(inputs["question"])]
        return {**inputs, "query_text": filtered.query_text(inputs["question"]), "retrieved": chunks,
                "retrieve_ms": _ms(started), "started": inputs.get("started", started)}

    def compose(state: dict[str, Any]) -> Answer:
        started = time.perf_counter()
        turn = state.get("turn") or state["question"]
        draft = composer.compose(turn, state["query_text"], state["retrieved"], on_sentence=state.get("on_sentence"))
        retrieved = state["retrieved"] + [c for c in draft.extra if c not in state["retrieved"]]
        problems = citation_problems(draft.answer, draft.citations, retrieved)
        if problems:
            log.warning("Zitate nicht belegt, Antwort verworfen: %s", "; ".join(problems))
            draft = composer.abstain()
            retrieved = state["retrieved"] + [c for c in draft.extra if c not in state["retrieved"]]
        return Answer(
            question=turn, answer=draft.answer, abstained=draft.abstained,
            citations=draft.citations, retrieved=retrieved, composer=draft.composer,
            timings_ms={"retrieve": state["retrieve_ms"], "answer": _ms(started), "total": _ms(state["started"])},
        )

    return RunnableLambda(retrieve) | RunnableLambda(compose)
