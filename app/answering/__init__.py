"""Answering: from evidence to a verified, cited German answer. The learned sentence
selector and its features score each retrieved page; the gates judge evidence against the
understood query; the extractive composer (default, pure) or the optional LLM composer
(checked in code) writes the answer; ``citation_problems`` verifies every citation."""

from app.answering.draft import Composer, Draft, Evidence
from app.answering.evidence import Scored, admissible, score_pages
from app.answering.extractive import ABSTAIN_TEXT, ExtractiveComposer, Thresholds, select_sentences
from app.answering.features import FEATURES, is_heading, line_features, section_heads
from app.answering.gates import evidence_fits, is_answer_sentence, is_fragment, looks_back, stands_alone, years_in
from app.answering.llm import FALLBACK_NOTE, LLMComposer, LLMCondenser, load_chat_model
from app.answering.selector import (
    DEFAULT_MODEL,
    LearnedSelector,
    MarginSelector,
    SentenceSelector,
    grow_spans,
    selector_for,
)
from app.answering.verify import CITATION_MARK, citation_problems

__all__ = [
    "ABSTAIN_TEXT",
    "CITATION_MARK",
    "DEFAULT_MODEL",
    "FALLBACK_NOTE",
    "FEATURES",
    "Composer",
    "Draft",
    "Evidence",
    "ExtractiveComposer",
    "LLMComposer",
    "LLMCondenser",
    "LearnedSelector",
    "MarginSelector",
    "Scored",
    "SentenceSelector",
    "Thresholds",
    "admissible",
    "citation_problems",
    "evidence_fits",
    "grow_spans",
    "is_answer_sentence",
    "is_fragment",
    "is_heading",
    "line_features",
    "load_chat_model",
    "looks_back",
    "score_pages",
    "section_heads",
    "select_sentences",
    "selector_for",
    "stands_alone",
    "years_in",
]
