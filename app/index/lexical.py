"""German BM25 over the chunks (bm25s with Snowball stemming and German stop words)."""

from __future__ import annotations

from dataclasses import dataclass

import bm25s
import numpy as np

from app.core import german_stemmer


@dataclass
class LexicalIndex:
    """An in-memory BM25 index over chunk ids and texts."""

    ids: list[str]
    _bm25: bm25s.BM25 | None

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> LexicalIndex:
        if not ids:
            return cls([], None)
        tokens = bm25s.tokenize(texts, stopwords="de", stemmer=german_stemmer(), show_progress=False)
        model = bm25s.BM25()
        model.index(tokens, show_progress=False)
        return cls(list(ids), model)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Up to ``k`` (chunk id, BM25 score) pairs with a positive score, best first."""
        if self._bm25 is None or not query.strip():
            return []
        tokens = bm25s.tokenize([query], stopwords="de", stemmer=german_stemmer(), return_ids=False, show_progress=False)
        if not tokens[0]:
            return []
        k = min(k, len(self.ids))
        docs, scores = self._bm25.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        return [(self.ids[int(i)], float(s)) for i, s in zip(np.ravel(docs), np.ravel(scores)) if s > 0]
