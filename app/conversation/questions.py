"""Checks on a user's question before any work is done."""

from __future__ import annotations

from app.core import InvalidQuestion, normalize_text


def clean_question(raw: str, max_chars: int) -> str:
    """The question as one clean line, or ``InvalidQuestion`` with a German message."""
    text = raw.encode("utf-8", "replace").decode("utf-8")
    if len(text) > max_chars * 4:
        raise InvalidQuestion(f"Die Frage ist zu lang (höchstens {max_chars} Zeichen). Bitte kürzer fragen.")
    text = " ".join(normalize_text(text).split())
    if not text:
        raise InvalidQuestion("Bitte geben Sie eine Frage ein.")
    if len(text) > max_chars:
        raise InvalidQuestion(f"Die Frage ist zu lang (höchstens {max_chars} Zeichen). Bitte kürzer fragen.")
    if not any(ch.isalnum() for ch in text):
        raise InvalidQuestion("Ich habe keine Frage erkannt. Bitte stellen Sie Ihre Frage mit Worten.")
    return text
