"""``Lotse``: the library's front door, wiring settings to index, understanding, retriever,
page reader, composer and chain."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable

from app.answering import Composer, ExtractiveComposer, LLMComposer, LLMCondenser, Thresholds, load_chat_model, selector_for
from app.conversation import Glossary, Understanding, clean_question, corpus_vocabulary, needs_context
from app.core import Answer, InvalidQuestion, Settings
from app.index import Catalogue, load_embeddings, open_client, open_index
from app.pipeline.chain import Request, build_chain
from app.retrieval import HybridRetriever, PageReader


@dataclass
class Lotse:
    """Answers questions; build once (``from_settings``) and reuse: the index loads once."""

    settings: Settings
    glossary: Glossary
    catalogue: Catalogue
    understand: Understanding
    retriever: HybridRetriever
    reader: PageReader
    composer: Composer
    chain: Runnable[Request, Answer]
    chat_model: BaseChatModel | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Lotse:
        embeddings = load_embeddings(settings.embeddings)
        index = open_index(open_client(settings), settings.collection, embeddings)
        glossary = Glossary.load(settings.glossary_path)
        catalogue = Catalogue.load(index)
        retriever = HybridRetriever.from_index(index, embeddings, glossary, catalogue, k=settings.top_k)
        reader = PageReader(index, catalogue)
        extractive = ExtractiveComposer(Thresholds(min_chunk_score=settings.min_chunk_score),
                                        selector_for(embeddings.id, settings.min_sentence_score), glossary)
        model = load_chat_model(settings)
        composer: Composer = LLMComposer(model, extractive) if model is not None else extractive
        titles = (str(meta.get("title", "")) for meta in catalogue.meta.values())
        understand = Understanding(glossary, corpus_vocabulary([*catalogue.text.values(), *titles], glossary),
                                   LLMCondenser(model) if model is not None else None)
        return cls(settings, glossary, catalogue, understand, retriever, reader, composer,
                   build_chain(retriever, reader, composer), model)

    def resolve_place(self, place: str | None) -> str | None:
        """The canonical name of a user's place filter, or a German error if unknown."""
        if place is None or not place.strip():
            return None
        canonical = self.glossary.canonical_place(place)
        if canonical is None:
            known = ", ".join(sorted(self.glossary.places.patterns))
            raise InvalidQuestion(f"Den Ort '{place.strip()[:80]}' kenne ich nicht. Bekannte Orte: {known}.")
        return canonical

    def ask(self, question: str, place: str | None = None, previous: str | None = None,
            on_sentence: Callable[[str], None] | None = None) -> Answer:
        """Answer one question (``InvalidQuestion`` for unusable input). ``previous`` is the
        conversation's last question: an elliptical follow-up is completed with it (by the
        LLM if one is configured, else by rules). ``on_sentence`` streams answer sentences."""
        started = time.perf_counter()
        turn = clean_question(question, self.settings.max_question_chars)
        place = self.resolve_place(place)
        if not previous and needs_context(turn, self.glossary):
            raise InvalidQuestion(
                "Worauf bezieht sich Ihre Frage? Bitte nennen Sie das Angebot oder den Ort, "
                "z. B. „Seit wann gibt es KOMM-AN NRW?“"
            )
        query = self.understand(turn, previous, place)
        return self.chain.invoke(Request(query, started, on_sentence))
