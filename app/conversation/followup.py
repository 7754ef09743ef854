"""Rule-based follow-up resolution, without an LLM.

An elliptical turn ("Und in Köln?", "Seit wann gibt es das?", "وفي بوخوم؟") is completed with
the previous question: its topic and entities are carried over; a new place replaces the old
one. A turn that is a question of its own (its own programme, or more than one word that names
something) starts a new topic, however short ("was kostet integrationskurs"). The word lists
are data (``cues.yaml``).
"""

from __future__ import annotations

from app.conversation.cues import cues, folded
from app.conversation.glossary import Glossary
from app.core import FUNCTION_WORDS, words

MAX_DETAIL_WORDS = 4
"""A follow-up that asks a detail ("wie viel Geld bekommen sie") has a few words of its own, not a topic."""


def _own_words(turn: str, glossary: Glossary) -> list[str]:
    """The words of ``turn`` that name something: not function, asking or referring words,
    not part of a place name."""
    rules = cues()
    without_places = glossary.places.without_places(turn) if glossary.places_in(turn) else turn
    return [w for w in words(folded(without_places)) if w not in rules.function and w not in FUNCTION_WORDS and not w.isdigit()]


def is_elliptical(turn: str, glossary: Glossary) -> bool:
    """A turn that cannot stand alone: it names no programme, has at most one word of its own,
    and opens with a continuing word ("und", "а", "و"), points back ("das", "там", "هناك") or
    is only places and asking words ("Bochum?", "Seit wann?")."""
    tokens = words(folded(turn))
    if not tokens or glossary.programmes_in(turn):
        return False
    own = _own_words(turn, glossary)
    rules = cues()
    continuing = bool(rules.continuing.match(folded(turn)))
    if len(own) <= 1:
        return not own or continuing or bool(rules.referring & set(tokens))
    # asking a detail of the previous subject: it is pointed at, and the turn names no place of its own
    return len(own) <= MAX_DETAIL_WORDS and not glossary.places_in(turn) and bool(rules.pointing & set(tokens))


def needs_context(turn: str, glossary: Glossary) -> bool:
    """An elliptical turn with nothing to search for on its own ("Seit wann gibt es das?")."""
    if not is_elliptical(turn, glossary) or glossary.places_in(turn):
        return False
    return not _own_words(turn, glossary)


def resolve_followup(turn: str, previous: str | None, glossary: Glossary) -> str:
    """The question to retrieve with: ``turn`` itself, or completed with ``previous``."""
    if not previous or not is_elliptical(turn, glossary):
        return turn
    base = glossary.places.without_places(previous) if glossary.places_in(turn) else previous
    return f"{base} {turn}"
