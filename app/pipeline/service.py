"""``Lotse``: the library's front door, wiring settings to index, understanding, retriever,
page reader, composer and chain, and switching to a newly committed ingest between questions."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from chromadb.api import ClientAPI
from chromadb.errors import ChromaError
from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable

from app.answering import Composer, ExtractiveComposer, LLMComposer, LLMCondenser, Thresholds, load_chat_model, selector_for
from app.conversation import (
    Glossary,
    Query,
    Understanding,
    Vocabulary,
    WithWords,
    classifier_for,
    clean_question,
    needs_context,
)
from app.core import Answer, DamagedIndex, IndexMissing, InvalidQuestion, Settings
from app.index import (
    Index,
    LotseEmbeddings,
    Pointer,
    live_pointer,
    load_embeddings,
    open_client,
    open_generation,
    reopen_client,
    stop_word_stems,
    store_errors,
    this_process,
)
from app.pipeline.chain import Request, build_chain
from app.retrieval import HybridRetriever, PageReader

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """Everything bound to one committed generation: a question is answered by one snapshot."""

    pointer: Pointer
    index: Index
    retriever: HybridRetriever
    reader: PageReader
    understand: Understanding
    chain: Runnable[Request, Answer]

    def serves(self, pointer: Pointer) -> bool:
        """Whether this snapshot reads what ``pointer`` commits (a pending rebuild changes nothing)."""
        return (self.pointer.live, self.pointer.generation) == (pointer.live, pointer.generation)


@dataclass
class Lotse:
    """Answers questions; build once (``from_settings``) and reuse. Opening costs the same at
    any corpus size (the BM25 index is memory-mapped, nothing is scanned), and a newly committed
    ingest is picked up before the next question: one metadata read per question."""

    settings: Settings
    glossary: Glossary
    embeddings: LotseEmbeddings
    client: ClientAPI
    composer: Composer
    chat_model: BaseChatModel | None = None
    _snapshot: Snapshot | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Lotse:
        """Lotse as ``settings`` configure it: embedder, glossary, composer (with the chat model if one is set)
        and the index; fails now, with a clear message, if there is no index."""
        embeddings = load_embeddings(settings.embeddings)
        glossary = Glossary.load(settings.glossary_path)
        extractive = ExtractiveComposer(
            Thresholds(min_chunk_score=settings.min_chunk_score),
            selector_for(embeddings.id, settings.min_sentence_score),
            glossary,
        )
        model = load_chat_model(settings)
        composer: Composer = LLMComposer(model, extractive) if model is not None else extractive
        with store_errors(settings):
            lotse = cls(settings, glossary, embeddings, open_client(settings), composer, model)
            lotse.snapshot()  # fail now, with a clear message, if there is no index
        return lotse

    def with_composer(self, composer: Composer) -> Lotse:
        """The same Lotse answering with another composer."""
        return dataclasses.replace(self, composer=composer, _snapshot=None, _lock=threading.Lock())

    def snapshot(self) -> Snapshot:
        """The snapshot of the committed generation, reopened if an ingest committed a new one
        (build names never repeat, so a new build is always a new snapshot)."""
        pointer = live_pointer(self.client, self.settings.collection)
        current = self._snapshot
        if current is not None and current.serves(pointer):
            return current
        with self._lock:
            if self._snapshot is None or not self._snapshot.serves(pointer):
                if self._snapshot is not None and pointer.writer != this_process():  # written elsewhere: load it afresh
                    self.client = reopen_client(self.client, self.settings)
                self._snapshot = self._open(pointer)
            return self._snapshot

    def _discard(self, failed: Snapshot) -> None:
        """Forget a snapshot whose collections failed (deleted build, stale segments)."""
        with self._lock:
            if self._snapshot is failed:
                self.client = reopen_client(self.client, self.settings)
                self._snapshot = None

    def _open(self, pointer: Pointer) -> Snapshot:
        index, lexical = open_generation(self.client, self.settings, self.embeddings, pointer)
        retriever = HybridRetriever(
            index=index, embeddings=self.embeddings, lexical=lexical, glossary=self.glossary, k=self.settings.top_k
        )
        reader = PageReader(index)
        understand = Understanding(
            self.glossary,
            Vocabulary.of(lexical, self.glossary, stop_word_stems()),
            LLMCondenser(self.chat_model) if self.chat_model is not None else None,
            self.embeddings.embed_query,
            classifier_for(self.embeddings.id),
            WithWords(index.sentences, self.glossary.words()),
        )
        return Snapshot(pointer, index, retriever, reader, understand, build_chain(retriever, reader, self.composer))

    @property
    def index(self) -> Index:
        """The index of the committed generation."""
        return self.snapshot().index

    @property
    def retriever(self) -> HybridRetriever:
        """The retriever over the committed generation."""
        return self.snapshot().retriever

    def resolve_place(self, place: str | None) -> str | None:
        """The canonical name of a user's place filter, or a German error if unknown."""
        if place is None or not place.strip():
            return None
        canonical = self.glossary.canonical_place(place)
        if canonical is None:
            shown = place.strip()[:80].encode("utf-8", "replace").decode("utf-8")  # a lone surrogate is never echoed
            raise InvalidQuestion(
                f"Den Ort '{shown}' kenne ich nicht. "
                "Bitte nennen Sie eine Gemeinde, eine Stadt oder einen Kreis in Nordrhein-Westfalen."
            )
        return canonical

    def _usable_previous(self, previous: str | None) -> str | None:
        """The conversation's last question cleaned like a new one; None if it is unusable
        (it comes from the client and may be anything)."""
        try:
            return clean_question(previous, self.settings.max_question_chars) if previous else None
        except InvalidQuestion:
            return None

    def understand(self, question: str, place: str | None = None, previous: str | None = None) -> Query:
        """The ``Query`` the chat would answer for this turn (evals retrieve through it, the same
        call as the chat); ``InvalidQuestion`` for unusable input."""
        turn = clean_question(question, self.settings.max_question_chars)
        return self.snapshot().understand(turn, self._usable_previous(previous), self.resolve_place(place))

    def stream(self, question: str, place: str | None = None, previous: str | None = None) -> Iterator[str | Answer]:
        """``ask``, shown as it is read: the verified answer's pieces (lines, each with the
        separator before it), then the ``Answer`` with its sources. Nothing is yielded before
        the whole answer has passed its citation checks, so what is shown is never taken back."""
        answer = self.ask(question, place, previous)
        yield from answer.pieces or (answer.answer,)
        yield answer

    def ask(self, question: str, place: str | None = None, previous: str | None = None) -> Answer:
        """Answer one question (``InvalidQuestion`` for unusable input). ``previous`` is the
        conversation's last question: an elliptical follow-up is completed with it (by the
        LLM if one is configured, else by rules)."""
        started = time.perf_counter()
        turn = clean_question(question, self.settings.max_question_chars)
        previous = self._usable_previous(previous)
        place = self.resolve_place(place)
        if not previous and needs_context(turn, self.glossary):
            raise InvalidQuestion(
                "Worauf bezieht sich Ihre Frage? Bitte nennen Sie das Angebot oder den Ort, "
                "z. B. „Seit wann gibt es KOMM-AN NRW?“"
            )
        with store_errors(self.settings):
            snapshot = self.snapshot()
            try:
                return snapshot.chain.invoke(Request(snapshot.understand(turn, previous, place), started))
            except (ChromaError, IndexMissing) as error:  # its build was replaced under it: once more, from the live pointer
                log.warning(
                    "Index-Stand %s/%s nicht lesbar (%s); neu geöffnet",
                    snapshot.pointer.live,
                    snapshot.pointer.generation,
                    type(error).__name__,
                )
                self._discard(snapshot)
                snapshot = self.snapshot()
                try:
                    return snapshot.chain.invoke(Request(snapshot.understand(turn, previous, place), started))
                except ChromaError as again:  # the live build itself cannot be read: its files are damaged
                    where = self.settings.chroma_url or self.settings.chroma_dir
                    raise DamagedIndex(
                        f"Der Suchindex in {where} lässt sich nicht lesen. Reparatur: lotse ingest --rebuild "
                        "(baut einen neuen Stand neben dem beschädigten).",
                        detail=f"{type(again).__name__}: {again}",
                    ) from again
