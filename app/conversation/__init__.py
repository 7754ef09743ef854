"""Conversation: from what a user typed to a ``Query``. Cleans and checks the raw question,
completes follow-ups ("Und in Köln?") with the previous turn, knows the glossary (abbreviations,
synonyms, places, programmes) and understands each turn once (language, places, programmes,
intent and asked detail (learned), unknown terms, standalone text, the ask of a long message)."""

from app.conversation.asking import needs_of, sought, split_ask
from app.conversation.cues import Need, cues, speaks_of, speaks_of_harm
from app.conversation.followup import is_elliptical, needs_context, resolve_followup
from app.conversation.gazetteer import Gazetteer, places_digest
from app.conversation.glossary import Glossary
from app.conversation.intent import DEFAULT_MODEL as INTENT_MODEL
from app.conversation.intent import NO_NEED, UNRELATED, IntentModel, by_cues, classifier_for, feature_vector
from app.conversation.questions import clean_question
from app.conversation.spelling import WithWords, restore_spelling
from app.conversation.understanding import (
    Condenser,
    Intent,
    Query,
    Understanding,
    Vocabulary,
    unknown_terms,
)
from app.core import is_german

__all__ = [
    "INTENT_MODEL",
    "NO_NEED",
    "UNRELATED",
    "Condenser",
    "Gazetteer",
    "Glossary",
    "Intent",
    "Need",
    "Query",
    "Understanding",
    "Vocabulary",
    "by_cues",
    "classifier_for",
    "IntentModel",
    "clean_question",
    "cues",
    "feature_vector",
    "is_elliptical",
    "is_german",
    "needs_context",
    "needs_of",
    "places_digest",
    "resolve_followup",
    "restore_spelling",
    "WithWords",
    "speaks_of",
    "speaks_of_harm",
    "sought",
    "split_ask",
    "unknown_terms",
]
