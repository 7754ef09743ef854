"""Sentence selection on one page: (question, sentences) -> the answer's line indices.

``MarginSelector`` is the naive selector: every sentence within a cosine margin of the best
one, and no answer when even the best is below a threshold. Issue 5 measures it on
OMoS-QA and replaces it with something better behind the same ``select`` signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


class SentenceSelector(Protocol):
    """Picks answer sentences from one page; ``[]`` means the page has no answer."""

    def select(self, question: np.ndarray, sentences: np.ndarray, texts: list[str]) -> list[int]: ...


@dataclass(frozen=True)
class MarginSelector:
    """Sentences within ``margin`` of the best cosine similarity, at most ``max_sentences``."""

    margin: float = 0.02
    min_score: float = 0.80
    max_sentences: int = 5

    def select(self, question: np.ndarray, sentences: np.ndarray, texts: list[str]) -> list[int]:
        if len(texts) == 0:
            return []
        scores = sentences @ question
        best = float(scores.max())
        if best < self.min_score:
            return []
        ranked = [int(i) for i in np.argsort(-scores) if scores[i] >= best - self.margin]
        return sorted(ranked[: self.max_sentences])
