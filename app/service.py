"""``Lotse``: the library's front door, wiring settings to store, retriever and chain."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from langchain_core.runnables import Runnable

from app.answer import Answer
from app.chain import build_chain
from app.composer import Composer, ExtractiveComposer, Thresholds
from app.embeddings import load_embeddings
from app.errors import InvalidQuestion
from app.followup import is_elliptical, needs_context, resolve_followup
from app.llm import LLMComposer, load_chat_model
from app.glossary import Glossary
from app.questions import clean_question
from app.retrieval import HybridRetriever
from app.selector import selector_for
from app.settings import Settings
from app.text import stems
from app.store import open_client, open_index


def corpus_vocabulary(retriever: HybridRetriever, glossary: Glossary) -> set[str]:
    """Every stem used by the indexed chunks, their titles and the glossary."""
    texts = [*retriever.chunk_text.values(), *(str(m.get("title", "")) for m in retriever.chunk_meta.values())]
    texts += [*glossary.abbreviations, *glossary.abbreviations.values(), *(t for g in glossary.synonyms for t in g)]
    texts += [*glossary.places.patterns, *glossary.programmes.patterns]
    return {s for text in texts for s in stems(text)}


@dataclass
class Lotse:
    """Answers questions; build once (``from_settings``) and reuse: the index loads once."""

    settings: Settings
    glossary: Glossary
    retriever: HybridRetriever
    composer: Composer
    chain: Runnable

    @classmethod
    def from_settings(cls, settings: Settings) -> Lotse:
        embeddings = load_embeddings(settings.embeddings)
        index = open_index(open_client(settings), settings.collection, embeddings)
        glossary = Glossary.load(settings.glossary_path)
        retriever = HybridRetriever.from_index(index, embeddings, glossary, k=settings.top_k)
        selector = selector_for(embeddings.id, settings.min_sentence_score)
        extractive = ExtractiveComposer(index, retriever.chunk_meta, embeddings, glossary, corpus_vocabulary(retriever, glossary),
                                        Thresholds(min_chunk_score=settings.min_chunk_score), selector)
        model = load_chat_model(settings)
        composer: Composer = LLMComposer(model, extractive) if model is not None else extractive
        return cls(settings, glossary, retriever, composer, build_chain(retriever, composer))

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
        standalone = self._standalone(turn, previous)
        return self.chain.invoke({"question": standalone, "turn": turn, "place": place,
                                  "started": started, "on_sentence": on_sentence})

    def _standalone(self, turn: str, previous: str | None) -> str:
        if previous and isinstance(self.composer, LLMComposer) and is_elliptical(turn, self.glossary):
            condensed = self.composer.condense(previous, turn)
            if condensed:
                return condensed
        return resolve_followup(turn, previous, self.glossary)
