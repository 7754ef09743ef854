"""The question-answering chain as LangChain Runnables with injected collaborators."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from langchain_core.runnables import Runnable, RunnableLambda

from app.answering import Composer, Draft, Evidence, citation_problems
from app.conversation import Query
from app.core import Answer, RetrievedChunk
from app.retrieval import HybridRetriever, PageReader, Retrieval

log = logging.getLogger(__name__)


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)


@dataclass(frozen=True)
class Request:
    """The chain's input: an understood query and when the request started."""

    query: Query
    started: float


@dataclass(frozen=True)
class Retrieved:
    """The state between retrieval and answering."""

    request: Request
    retrieval: Retrieval
    retrieve_ms: float


def _with_extra(retrieved: list[RetrievedChunk], draft: Draft) -> list[RetrievedChunk]:
    return retrieved + [c for c in draft.extra if c not in retrieved]


def build_chain(retriever: HybridRetriever, reader: PageReader, composer: Composer) -> Runnable[Request, Answer]:
    """``Request`` -> verified ``Answer``. Steps: retrieve (with the query's place filter) ->
    read the retrieved documents' pages -> compose -> verify citations. An answer whose
    citations do not verify is never returned: the composer's abstention is used instead."""

    def retrieve(request: Request) -> Retrieved:
        started = time.perf_counter()
        return Retrieved(request, retriever.retrieve(request.query), _ms(started))

    def answer(state: Retrieved) -> Answer:
        started = time.perf_counter()
        request, chunks = state.request, state.retrieval.chunks
        referral = reader.referral_for(request.query.place_filter)
        evidence = Evidence(request.query, state.retrieval, reader.pages(chunks), referral).on_the_need()
        draft = composer.compose(evidence)
        problems = citation_problems(draft.answer, draft.citations, _with_extra(chunks, draft))
        if problems:
            log.warning("Zitate nicht belegt, Antwort verworfen: %s", "; ".join(problems))
            draft = composer.abstain(evidence.referral, request.query.place_filter)
        return Answer(
            question=request.query.turn,
            answer=draft.answer,
            abstained=draft.abstained,
            citations=draft.citations,
            retrieved=_with_extra(chunks, draft),
            composer=draft.composer,
            language=draft.language,
            pieces=draft.pieces,
            standalone=request.query.text if request.query.text != request.query.turn else "",
            timings_ms={"retrieve": state.retrieve_ms, "answer": _ms(started), "total": _ms(request.started)},
        )

    return RunnableLambda(retrieve) | RunnableLambda(answer)
