"""Sentence selection on one page: (question, lines) -> the answer's line indices, or none.

``LearnedSelector`` is the default: a LightGBM model, run as ONNX by onnxruntime, scores every
line (features in ``app.answering.features``), the page has no answer when even the best line scores below
``answer_threshold``; otherwise the answer is every line of at least twice ``line_threshold``
(and at least the best one), grown to neighbours of at least ``line_threshold``, because
answers are mostly contiguous spans. Model and thresholds come from ``lotse train-selector``
(``app/answering/models/selector.json``, trained on OMoS-QA, CC BY 4.0; see ``app/answering/models/README.md``).
``MarginSelector`` is the naive baseline: lines within a cosine margin of the best one.
"""

from __future__ import annotations

import base64
import binascii
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
from onnxruntime.capi.onnxruntime_pybind11_state import Fail, InvalidProtobuf

from app.answering.features import FEATURES, line_features
from app.core import ConfigurationError

DEFAULT_MODEL = Path(__file__).parent / "models" / "selector.json"
ONNX_INPUT = "features"
"""The name of the line model's input in its ONNX graph (``lotse train-selector`` writes it)."""
ONNX_PROBABILITIES = "probabilities"
"""The line model's output: per line, the probability of each class (no answer, answer)."""


class SentenceSelector(ABC):
    """Scores the lines of one page and picks the answer; ``[]`` means the page has no answer."""

    @abstractmethod
    def scores(self, question: str, query: np.ndarray, vectors: np.ndarray, lines: list[str]) -> np.ndarray:
        """One score per line (higher: more likely part of the answer)."""

    @property
    @abstractmethod
    def abstention_threshold(self) -> float:
        """A page whose best line scores below this has no answer."""

    @abstractmethod
    def choose(self, scores: np.ndarray) -> list[int]:
        """The answer lines given the scores of a non-empty page, or ``[]``."""

    def select(self, question: str, query: np.ndarray, vectors: np.ndarray, lines: list[str]) -> list[int]:
        """``query`` and ``vectors`` are the question's and the lines' (normalised) embeddings."""
        return self.choose(self.scores(question, query, vectors, lines)) if lines else []


@dataclass(frozen=True)
class MarginSelector(SentenceSelector):
    """Lines within ``margin`` of the best cosine similarity, at most ``max_sentences``."""

    margin: float = 0.02
    min_score: float = 0.80
    max_sentences: int = 5

    @property
    def abstention_threshold(self) -> float:
        """``min_score``: a page whose best cosine similarity is below it has no answer."""
        return self.min_score

    def scores(self, question: str, query: np.ndarray, vectors: np.ndarray, lines: list[str]) -> np.ndarray:
        """Each line's cosine similarity to the question (both embeddings are normalised)."""
        return np.asarray(vectors @ query)

    def choose(self, scores: np.ndarray) -> list[int]:
        """Up to ``max_sentences`` lines within ``margin`` of the best, in page order; ``[]`` if the best is below
        ``min_score``."""
        best = float(scores.max())
        if best < self.min_score:
            return []
        ranked = [int(i) for i in np.argsort(-scores) if scores[i] >= best - self.margin]
        return sorted(ranked[: self.max_sentences])


def grow_spans(probabilities: np.ndarray, line_threshold: float) -> list[int]:
    """Seeds (≥ 2·threshold, at least the best line) grown to neighbours ≥ threshold."""
    seeds = np.flatnonzero(probabilities >= min(2 * line_threshold, probabilities.max()))
    chosen = set(seeds.tolist())
    for seed in seeds:
        for step in (-1, 1):
            i = seed + step
            while 0 <= i < len(probabilities) and probabilities[i] >= line_threshold and i not in chosen:
                chosen.add(int(i))
                i += step
    return sorted(int(i) for i in chosen)


@dataclass(frozen=True)
class LearnedSelector(SentenceSelector):
    """A trained line model with its two thresholds (see the module docstring)."""

    model: Any  # onnxruntime.InferenceSession
    line_threshold: float
    answer_threshold: float
    embedder: str

    @classmethod
    def from_file(cls, path: Path = DEFAULT_MODEL) -> LearnedSelector:
        """Load an artefact written by ``lotse train-selector``."""
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            if stored["features"] != list(FEATURES):
                raise ConfigurationError(f"{path}: Merkmale passen nicht zum Code; bitte 'lotse train-selector' ausführen.")
            return cls(
                line_model(base64.b64decode(stored["onnx"], validate=True)),
                float(stored["line_threshold"]),
                float(stored["answer_threshold"]),
                str(stored["embedder"]),
            )
        except (OSError, ValueError, KeyError, binascii.Error, Fail, InvalidProtobuf) as error:
            raise ConfigurationError(f"Auswahlmodell {path} ist nicht lesbar: {error}") from error

    def scores(self, question: str, query: np.ndarray, vectors: np.ndarray, lines: list[str]) -> np.ndarray:
        """Each line's probability of belonging to the answer."""
        features = np.asarray(line_features(question, query, vectors, lines), dtype=np.float32)
        (probabilities,) = self.model.run([ONNX_PROBABILITIES], {ONNX_INPUT: features})
        return np.asarray(probabilities[:, 1], dtype=np.float64)

    @property
    def abstention_threshold(self) -> float:
        """``answer_threshold``: a page whose best line probability is below it has no answer."""
        return self.answer_threshold

    def choose(self, scores: np.ndarray) -> list[int]:
        """The best lines grown to their neighbours (``grow_spans``), or ``[]`` if the best is below ``answer_threshold``."""
        return grow_spans(scores, self.line_threshold) if scores.max() >= self.answer_threshold else []


def line_model(onnx: bytes) -> Any:
    """The line model as an onnxruntime session on one thread (a page has a few dozen lines);
    onnxruntime is installed with Chroma, and answering imports neither LightGBM nor scikit-learn."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only: the unused label output's shape warns on every call
    return onnxruntime.InferenceSession(onnx, options, providers=["CPUExecutionProvider"])


def selector_for(embedder: str, min_score: float, model: Path = DEFAULT_MODEL) -> SentenceSelector:
    """The learned selector if it was trained on this embedder's vectors; otherwise the margin
    selector with the configured similarity threshold (other embedders score on other scales)."""
    learned = LearnedSelector.from_file(model)
    return learned if learned.embedder == embedder else MarginSelector(margin=0.03, min_score=min_score, max_sentences=3)
