"""Conversation: from what a user typed to a ``Query``. Cleans and checks the raw question,
completes follow-ups ("Und in Köln?") with the previous turn, knows the glossary (abbreviations,
synonyms, places, programmes) and understands each turn once (language, places, programmes,
expected answer type, unknown terms, standalone text)."""

from app.conversation.followup import is_elliptical, needs_context, resolve_followup
from app.conversation.glossary import Glossary
from app.conversation.questions import clean_question
from app.conversation.understanding import (
    AnswerType,
    Condenser,
    Query,
    Understanding,
    corpus_vocabulary,
    expected_answer_type,
    is_german,
    unknown_terms,
)

__all__ = [
    "AnswerType",
    "Condenser",
    "Glossary",
    "Query",
    "Understanding",
    "clean_question",
    "corpus_vocabulary",
    "expected_answer_type",
    "is_elliptical",
    "is_german",
    "needs_context",
    "resolve_followup",
    "unknown_terms",
]
