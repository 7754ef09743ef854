"""Checks on a user's question before any work is done."""

from __future__ import annotations

import re

from app.core import InvalidQuestion, addresses_an_ai, normalize_text

_LETTERS = re.compile(r"[^\W\d_]{2,}")
"""A run of two or more letters, in any script."""
NOT_A_QUESTION = "Ich habe keine Frage erkannt. Bitte stellen Sie Ihre Frage mit Worten."
ORDERS_NOT_QUESTIONS = (
    "Ich beantworte nur Fragen zu Integrationsangeboten in NRW, mit Zitaten aus meinen Dokumenten. "
    "Anweisungen an mich ändern daran nichts."
)


def _is_word_token(token: str) -> bool:
    """A token that can carry meaning: not a command-line flag, not a file path, and with a
    run of letters that is not one letter repeated ("KKKK")."""
    if token.startswith("-") or token.startswith(("/", "./", "../", "~/")) or token.count("/") + token.count("\\") >= 2:
        return False
    return any(len(set(run.lower())) > 1 for run in _LETTERS.findall(token))


def has_content(text: str) -> bool:
    """Whether ``text`` has at least one word to search for (a path, flags, digits,
    punctuation or one letter repeated are not a question)."""
    return any(_is_word_token(token) for token in text.split())


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
    if not has_content(text):
        raise InvalidQuestion(NOT_A_QUESTION)
    if addresses_an_ai(text):
        raise InvalidQuestion(ORDERS_NOT_QUESTIONS)
    return text
