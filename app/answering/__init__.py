"""Answering: from evidence to a verified, cited German answer. The learned sentence
selector and its features score each retrieved page; the gates judge evidence against the
understood query; the extractive composer (default, pure) or the optional LLM composer
(checked in code) writes the answer; ``citation_problems`` verifies every citation."""

from app.answering.draft import Composer, Draft, Evidence
from app.answering.extractive import ExtractiveComposer, Thresholds
from app.answering.features import FEATURES, is_heading, line_features, section_heads
from app.answering.gates import is_fragment, looks_back
from app.answering.llm import FALLBACK_NOTE, LLMComposer, LLMCondenser, load_chat_model
from app.answering.selector import (
    DEFAULT_MODEL,
    ONNX_INPUT,
    LearnedSelector,
    MarginSelector,
    SentenceSelector,
    grow_spans,
    selector_for,
)
from app.answering.verify import CITATION_MARK, citation_problems

__all__ = [
    "CITATION_MARK",
    "DEFAULT_MODEL",
    "FALLBACK_NOTE",
    "FEATURES",
    "ONNX_INPUT",
    "Composer",
    "Draft",
    "Evidence",
    "ExtractiveComposer",
    "LLMComposer",
    "LLMCondenser",
    "LearnedSelector",
    "MarginSelector",
    "SentenceSelector",
    "Thresholds",
    "citation_problems",
    "grow_spans",
    "is_fragment",
    "is_heading",
    "line_features",
    "load_chat_model",
    "looks_back",
    "section_heads",
    "selector_for",
]
