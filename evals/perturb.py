"""How people type a question: typing slips, no umlauts, all in lower case. Deterministic
(seeded by the text), so the robustness suite and the selector's training copies repeat."""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable

from app.core import spelling_counts, without_umlauts


def seeded(text: str, name: str) -> random.Random:
    """A random source fixed by ``text`` and the perturbation's ``name``."""
    return random.Random(f"{name}|{text}")


def typos(text: str, rng: random.Random) -> str:
    """One or two typing slips (swapped, dropped or doubled letters) in words of 5+ letters."""
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if sum(ch.isalpha() for ch in w) >= 5]
    for i in rng.sample(long, min(len(long), rng.choice((1, 2)))):
        w, at = words[i], rng.randrange(1, len(words[i]) - 2)
        kind = rng.choice(("swap", "drop", "double"))
        words[i] = (
            w[:at] + w[at + 1] + w[at] + w[at + 2 :]
            if kind == "swap"
            else w[:at] + w[at + 1 :]
            if kind == "drop"
            else w[:at] + w[at] + w[at:]
        )
    return " ".join(words)


def as_typed(question: str, copy: int) -> str:
    """Copy number ``copy`` of a question as people type it: even copies with slips, odd ones
    also without umlauts and in lower case."""
    slipped = typos(question, seeded(question, f"typed-{copy}"))
    return without_umlauts(slipped).lower() if copy % 2 else slipped


class CountedSpellings:
    """The spellings of some sentences, counted and chosen as ingest does for the corpus
    (``SentenceStore.spellings``): for each key its most frequent form."""

    def __init__(self, sentences: Iterable[str]) -> None:
        ranked = sorted(spelling_counts(sentences).items(), key=lambda item: (item[1], item[0][1]))
        self.forms = {key: form for (key, form), _ in ranked}  # the most frequent form comes last

    def spellings(self, keys: Collection[str]) -> dict[str, str]:
        """For each of ``keys`` the sentences use, their most frequent form."""
        return {key: self.forms[key] for key in keys if key in self.forms}
