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
    Intent,
    Query,
    Understanding,
    Vocabulary,
    expected_answer_type,
    question_intent,
    unknown_terms,
)
from app.core import is_german

__all__ = [
    "AnswerType",
    "Condenser",
    "Glossary",
    "Intent",
    "Query",
    "Understanding",
    "Vocabulary",
    "clean_question",
    "expected_answer_type",
    "is_elliptical",
    "is_german",
    "needs_context",
    "question_intent",
    "resolve_followup",
    "unknown_terms",
]
