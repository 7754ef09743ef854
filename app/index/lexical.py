"""German BM25 over the chunks, built once per generation by ingest and memory-mapped by
readers, so opening it costs the same at 100 or 500,000 chunks.

Scoring is bm25s's default (Lucene idf, Robertson tf part, k1 1.5, b 0.75) with the same
tokens (words of two or more characters, German stop words removed, Snowball stems); a
test checks the scores against bm25s. bm25s itself is not used for the index because it
needs every token of the corpus in memory to build and loads the vocabulary as a dict.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from bm25s.stopwords import STOPWORDS_GERMAN

from app.core import german_stemmer

K1 = 1.5
B = 0.75
MAX_TERM_BYTES = 64
FORMAT = 3  # 3: size and sampled checksum per array in meta.json
ARRAYS = ("ids", "terms", "indptr", "docs", "weights", "land_codes")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_STOPWORDS = frozenset(STOPWORDS_GERMAN)


def generation_folder(root: Path, build: str, generation: int) -> Path:
    """Where the BM25 index of one build's generation lives."""
    return root / f"{build}-g{generation}"


def terms(text: str) -> list[str]:
    """BM25 terms of a text: lower-cased words of 2+ characters, no stop words, stemmed."""
    tokens = [t for t in _TOKEN.findall(text.lower()) if t not in _STOPWORDS]
    return [s for s in german_stemmer().stemWords(tokens) if len(s.encode()) <= MAX_TERM_BYTES]


def stop_word_stems() -> frozenset[str]:
    """Stems of the stop words, which the index leaves out but the language has."""
    return frozenset(german_stemmer().stemWords(sorted(_STOPWORDS)))


SAMPLE_BYTES = 64 * 1024


def fingerprint(path: Path) -> str:
    """Size and the SHA-256 of a file's first and last 64 KiB: constant cost at any corpus size,
    and enough to notice a truncated, zero-filled or swapped file."""
    size = path.stat().st_size
    digest = hashlib.sha256(str(size).encode())
    with open(path, "rb") as handle:
        digest.update(handle.read(SAMPLE_BYTES))
        if size > SAMPLE_BYTES:
            handle.seek(max(SAMPLE_BYTES, size - SAMPLE_BYTES))
            digest.update(handle.read(SAMPLE_BYTES))
    return f"{size}:{digest.hexdigest()[:32]}"


@dataclass
class LexicalIndex:
    """Postings per term (chunk numbers and precomputed BM25 weights) in numpy arrays that
    may be memory-mapped; the terms are a sorted byte array searched by bisection. Each chunk's
    Land is one small number (``land_codes``, names in ``lands``), so a search can keep one Land
    before it ranks."""

    ids: np.ndarray
    terms: np.ndarray
    indptr: np.ndarray
    docs: np.ndarray
    weights: np.ndarray
    land_codes: np.ndarray
    lands: tuple[str, ...] = ()

    @classmethod
    def build(cls, rows: Iterable[tuple[str, str, str]]) -> LexicalIndex:
        """Index (chunk id, text, Land) rows, streamed; only postings are held, not texts."""
        ids: list[str] = []
        land_names: dict[str, int] = {}
        codes: list[int] = []
        lengths: list[int] = []
        vocabulary: dict[str, int] = {}
        term_parts: list[np.ndarray] = []
        doc_parts: list[np.ndarray] = []
        tf_parts: list[np.ndarray] = []
        for chunk_id, text, land in rows:
            codes.append(land_names.setdefault(land, len(land_names)))
            found = terms(text)
            counts = Counter(vocabulary.setdefault(t, len(vocabulary)) for t in found)
            term_parts.append(np.fromiter(counts.keys(), dtype=np.int32, count=len(counts)))
            tf_parts.append(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
            doc_parts.append(np.full(len(counts), len(ids), dtype=np.int32))
            ids.append(chunk_id)
            lengths.append(max(len(found), 1))  # bm25s counts an empty text as one empty token
        if not ids:
            return cls.empty()
        term_ids, docs, tf = (np.concatenate(parts) for parts in (term_parts, doc_parts, tf_parts))
        length = np.asarray(lengths, dtype=np.float32)
        df = np.bincount(term_ids, minlength=len(vocabulary))
        idf = np.log(1 + (len(ids) - df + 0.5) / (df + 0.5)).astype(np.float32)
        weights = idf[term_ids] * tf / (K1 * ((1 - B) + B * length[docs] / length.mean()) + tf)
        sorted_terms = sorted(vocabulary, key=lambda t: t.encode())
        rank = np.empty(len(vocabulary), dtype=np.int64)
        rank[[vocabulary[t] for t in sorted_terms]] = np.arange(len(vocabulary))
        order = np.argsort(rank[term_ids], kind="stable")
        indptr = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(np.bincount(rank[term_ids], minlength=len(vocabulary)), out=indptr[1:])
        return cls(
            ids=np.asarray(ids, dtype="S"),
            terms=np.asarray([t.encode() for t in sorted_terms], dtype="S"),
            indptr=indptr,
            docs=docs[order],
            weights=weights[order].astype(np.float32),
            land_codes=np.asarray(codes, dtype=np.uint16),
            lands=tuple(land_names),
        )

    @classmethod
    def empty(cls) -> LexicalIndex:
        """An index without chunks (what an empty corpus builds)."""
        return cls(
            np.asarray([], dtype="S1"),
            np.asarray([], dtype="S1"),
            np.zeros(1, dtype=np.int64),
            np.asarray([], dtype=np.int32),
            np.asarray([], dtype=np.float32),
            np.asarray([], dtype=np.uint16),
        )

    def save(self, folder: Path) -> None:
        """Write the arrays beside ``folder`` and move them in place in one rename, so a
        reader finds the complete index or none."""
        partial = folder.with_name(folder.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        for name in ARRAYS:
            np.save(partial / f"{name}.npy", getattr(self, name))
        meta = {
            "format": FORMAT,
            "chunks": len(self.ids),
            "lands": list(self.lands),
            "files": {name: fingerprint(partial / f"{name}.npy") for name in ARRAYS},
        }
        (partial / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(partial, folder)

    @classmethod
    def open(cls, folder: Path) -> LexicalIndex | None:
        """The index saved in ``folder``, memory-mapped; None if it is missing, incomplete or
        damaged (a file's size or sampled checksum differs from what ``save`` recorded), so the
        next ``lotse ingest`` builds it again."""
        path = folder / "meta.json"
        try:
            meta = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
            if meta.get("format") != FORMAT:
                return None
            if any(fingerprint(folder / f"{name}.npy") != meta["files"][name] for name in ARRAYS):
                return None
            arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in ARRAYS}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return cls(**arrays, lands=tuple(meta["lands"]))

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, term: object) -> bool:
        """Whether ``term`` (a stem) occurs in any chunk."""
        return isinstance(term, str) and self._position(term) is not None

    def _position(self, term: str) -> int | None:
        key = term.encode()
        if not self.terms.size or len(key) > MAX_TERM_BYTES:
            return None
        at = int(np.searchsorted(self.terms, key))
        return at if at < len(self.terms) and self.terms[at] == key else None

    def search(self, query: str, k: int, land: str | None = None) -> list[tuple[str, float]]:
        """Up to ``k`` (chunk id, BM25 score) pairs with a positive score, best first; with
        ``land``, only chunks of that Land (filtered before ranking, so other Länder's chunks
        cannot crowd them out)."""
        positions = [p for p in (self._position(t) for t in terms(query)) if p is not None]
        if not positions or not len(self) or (land is not None and land not in self.lands):
            return []
        scores = np.zeros(len(self.ids), dtype=np.float32)
        for at in positions:
            start, end = int(self.indptr[at]), int(self.indptr[at + 1])
            np.add.at(scores, self.docs[start:end], self.weights[start:end])
        if land is not None and len(self.lands) > 1:
            scores[self.land_codes != self.lands.index(land)] = 0.0
        k = min(k, int(np.count_nonzero(scores)))
        if k <= 0:
            return []
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.lexsort((best, -scores[best]))]
        return [(self.ids[i].decode(), float(scores[i])) for i in best]
