"""Results kept per text, for objects that never change once built (the glossary, the gazetteer)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar

Found = TypeVar("Found")

TEXTS_KEPT = 4096
"""Texts whose results one object keeps: understanding a turn asks for the places and
programmes of the turn, its ask and its context several times (three of four calls repeat one)."""


def kept_per_text(method: Callable[[Any, str], list[Found]]) -> Callable[[Any, str], list[Found]]:
    """``method`` with its result kept for the last ``TEXTS_KEPT`` texts, per object. Only for
    objects that never change (frozen dataclasses): the result depends on the text alone. Each
    call returns a new list."""
    slot = f"_kept_{method.__name__}"

    @wraps(method)
    def kept(self: Any, text: str) -> list[Found]:
        found = self.__dict__.get(slot)
        if found is None:  # first call: written past the frozen dataclass's __setattr__, as cached_property does
            found = self.__dict__[slot] = lru_cache(maxsize=TEXTS_KEPT)(lambda t: tuple(method(self, t)))
        return list(found(text))

    return kept
