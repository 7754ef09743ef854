"""Rule-based follow-up resolution, without an LLM.

An elliptical turn ("Und in Köln?", "Seit wann gibt es das?") is completed with the
previous question: its topic and entities are carried over; a new place replaces the
old one. A turn that names its own programme starts a new topic.
"""

from __future__ import annotations

import re

from app.conversation.glossary import Glossary
from app.core import FUNCTION_WORDS, words

_ANAPHORA = {"das", "dies", "diese", "dieses", "dafür", "dazu", "davon", "dort", "sie", "ihn"}
_SHORT = 4
_PLACE_PHRASE = r"(?:\b(?:im|in|in der|in den|aus|für)\s+(?:(?:dem\s+)?Kreis(?:es)?\s+|der Stadt\s+)?)?"


def is_elliptical(turn: str, glossary: Glossary) -> bool:
    """A turn that cannot stand alone: it names no programme and is short, opens with
    "und", or refers back ("das", "dafür", "sie")."""
    tokens = words(turn)
    if not tokens or glossary.programmes_in(turn):
        return False
    return len(tokens) <= _SHORT or tokens[0] == "und" or bool(_ANAPHORA & set(tokens[1:]))


def needs_context(turn: str, glossary: Glossary) -> bool:
    """An elliptical turn with nothing to search for on its own ("Seit wann gibt es das?")."""
    if not is_elliptical(turn, glossary) or glossary.places_in(turn):
        return False
    return all(w in FUNCTION_WORDS or w in _ANAPHORA for w in words(turn))


def _without_places(question: str, glossary: Glossary) -> str:
    """The question with every place phrase ("im Kreis Kleve", "in Köln") removed."""
    for pats in glossary.places.patterns.values():
        for pattern in pats:
            question = re.sub(_PLACE_PHRASE + pattern.pattern, "", question, flags=pattern.flags)
    return re.sub(r"\s+([?.!,])", r"\1", " ".join(question.split()))


def resolve_followup(turn: str, previous: str | None, glossary: Glossary) -> str:
    """The question to retrieve with: ``turn`` itself, or completed with ``previous``."""
    if not previous or not is_elliptical(turn, glossary):
        return turn
    base = _without_places(previous, glossary) if glossary.places_in(turn) else previous
    return f"{base} {turn}"
