"""The naive LangChain pipeline every report shows beside Lotse: whole documents split by
LangChain's default splitter, the same embedder, Chroma ``similarity_search`` k=4, and
the top chunk returned as the "answer". Runs in-process on an ephemeral Chroma."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_text_splitters import RecursiveCharacterTextSplitter

from app.index import LotseEmbeddings

K = 4


@dataclass(frozen=True)
class BaselineAnswer:
    """Top chunk as the answer, the ranked doc ids, and the latency."""

    answer: str
    doc_ids: list[str]
    chunk_texts: list[str]
    score: float
    ms: float


class NaiveBaseline:
    """Index ``{doc_id: text}`` once; ``ask`` returns the top chunk."""

    def __init__(self, documents: dict[str, str], embeddings: LotseEmbeddings) -> None:
        self.embeddings = embeddings
        splitter = RecursiveCharacterTextSplitter()
        texts, metas = [], []
        for doc_id, text in documents.items():
            for piece in splitter.split_text(text):
                texts.append(piece)
                metas.append({"doc_id": doc_id})
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.store = Chroma(
            client=client,
            collection_name=f"naive-{uuid.uuid4().hex[:8]}",
            embedding_function=embeddings,
            collection_configuration={"hnsw": {"space": "cosine"}},
        )
        self.store.add_texts(texts, metadatas=metas)

    def ask(self, question: str, k: int = K) -> BaselineAnswer:
        """The top ``k`` chunks for ``question``: the first as the answer, with its cosine similarity and the search time."""
        started = time.perf_counter()
        hits = self.store.similarity_search_with_score(question, k=k)
        ms = (time.perf_counter() - started) * 1000
        if not hits:
            return BaselineAnswer("", [], [], 0.0, ms)
        return BaselineAnswer(
            answer=hits[0][0].page_content,
            doc_ids=[str(d.metadata["doc_id"]) for d, _ in hits],
            chunk_texts=[d.page_content for d, _ in hits],
            score=1.0 - float(hits[0][1]),
            ms=ms,
        )
