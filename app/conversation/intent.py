"""What a message asks, learned: the intent (help, definition, service, fact), the asked
detail (phone, opening hours, amount, date, …, or none), whether it is about anything the
documents could answer at all (the topic: a poem, the weather or football results are not)
and the need it seeks help with (a dentist, a flat, starting a business), each from a
logistic-regression head over the multilingual question embedding Lotse computes anyway plus
the cue features of ``cues.yaml``. Trained by ``lotse train-intent`` on
``evals/datasets/intent_bank_*.jsonl`` and ``need_bank*.jsonl``
(cross-validated numbers in ``models/README.md``); stored as plain weights in
``models/intent.json`` and applied with numpy (well under a millisecond).

Each head has a confidence floor, chosen by cross-validation on the bank: below it the cues
decide that head (for the topic: the message counts as related); a head trained but not
applied (``applied: false``) leaves it to the cues always (the first intent cue that matches,
else fact; the first detail cue, else none). A model trained for another embedder does not
apply: then the cues decide alone."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.conversation.cues import cues

DEFAULT_MODEL = Path(__file__).parent / "models" / "intent.json"
INTENTS = ("help", "definition", "service", "fact")
UNRELATED = "unrelated"
"""The topic head's class (and the bank's intent label) for a message the documents are not about."""
NO_NEED = "none"
"""The need head's class for a message that seeks help with nothing in particular."""


@dataclass(frozen=True)
class Head:
    """One softmax classifier: ``classes`` and the weights over the feature vector."""

    classes: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray
    floor: float = 0.0
    """Below this probability the head abstains and the cues decide."""
    applied: bool = True
    """False: trained and reported, but the cues decide."""

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """The softmax probability of each class for one feature vector."""
        logits = self.weights @ features + self.bias
        exp = np.exp(logits - logits.max())
        return np.asarray(exp / exp.sum())

    def predict(self, features: np.ndarray) -> tuple[str, float]:
        """The most probable class and its probability."""
        p = self.probabilities(features)
        best = int(p.argmax())
        return self.classes[best], float(p[best])

    @classmethod
    def of(cls, data: dict[str, Any]) -> Head:
        """A head from its stored form in ``intent.json`` (floor 0 and applied unless it says otherwise)."""
        return cls(
            tuple(data["classes"]),
            np.asarray(data["weights"], dtype=np.float32),
            np.asarray(data["bias"], dtype=np.float32),
            float(data.get("floor", 0.0)),
            bool(data.get("applied", True)),
        )

    def decides(self, probability: float) -> bool:
        """Whether this head's answer stands (else the cues decide)."""
        return self.applied and probability >= self.floor


@dataclass(frozen=True)
class Asked:
    """A message's intent and asked detail ("none" if it asks for no particular detail)."""

    intent: str
    detail: str
    confidence: float = 1.0
    unrelated: bool = False
    """The message is about nothing the documents could answer (the topic head is sure of it)."""


def feature_vector(vector: np.ndarray, text: str, cue_names: tuple[str, ...]) -> np.ndarray:
    """The classifier's input: the normalised embedding, then the cue features in ``cue_names`` order."""
    found = cues().features(text)
    return np.concatenate([np.asarray(vector, dtype=np.float32), np.asarray([found[n] for n in cue_names], dtype=np.float32)])


def by_cues(text: str) -> Asked:
    """The rules alone: the first intent cue that matches (else fact), the first detail cue in
    ``cues.yaml``'s order (else none); a detail makes it a fact question."""
    rules = cues()
    found = rules.features(text)
    detail = next((d for d in rules.details if found[f"detail_cue:{d}"]), "none")
    intent = "fact" if detail != "none" else next((i for i in INTENTS[:3] if found[f"intent_cue:{i}"]), "fact")
    return Asked(intent, detail)


@dataclass(frozen=True)
class IntentModel:
    """The trained heads, for one embedder (a model trained before the topic head has none)."""

    embedder: str
    cue_names: tuple[str, ...]
    intent: Head
    detail: Head
    topic: Head | None = None
    need: Head | None = None
    """The need a help or service request seeks help with (a ``cues.yaml`` need, or ``NO_NEED``),
    from the whole message: trained on ``need_bank*.jsonl``; consulted only where the cues find no
    specific need, and its need counts only when the ask gets the same (``Understanding.learned_need``)."""

    @classmethod
    def load(cls, path: Path = DEFAULT_MODEL) -> IntentModel | None:
        """The stored model, or None if there is none."""
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        topic, need = (Head.of(data[name]) if name in data else None for name in ("topic", "need"))
        return cls(data["embedder"], tuple(data["cue_names"]), Head.of(data["intent"]), Head.of(data["detail"]), topic, need)

    def asked(self, vector: np.ndarray, text: str) -> Asked:
        """Each head's answer where it is at least as sure as its floor, else the cues'."""
        features = feature_vector(vector, text, self.cue_names)
        intent, p_intent = self.intent.predict(features)
        detail, p_detail = self.detail.predict(features)
        rules = by_cues(text)
        if not self.detail.decides(p_detail):
            detail, p_detail = rules.detail, 1.0
        if not self.intent.decides(p_intent):
            intent, p_intent = rules.intent, 1.0
        if detail != "none":
            intent = "fact"
        return Asked(intent, detail, min(p_intent, p_detail), self._unrelated(features))

    def sought_need(self, vector: np.ndarray, text: str) -> str | None:
        """The need the head is at least as sure as its floor that ``text`` (the whole message,
        embedded as ``vector``) seeks help with; None for none, below the floor or not applied."""
        if self.need is None or not self.need.applied:  # not applied: nothing to compute
            return None
        need, probability = self.need.predict(feature_vector(vector, text, self.cue_names))
        return need if need != NO_NEED and self.need.decides(probability) else None

    def _unrelated(self, features: np.ndarray) -> bool:
        if self.topic is None:
            return False
        topic, p_topic = self.topic.predict(features)
        return topic == UNRELATED and self.topic.decides(p_topic)


def classifier_for(embedder_id: str, path: Path = DEFAULT_MODEL) -> IntentModel | None:
    """The stored model if it was trained on ``embedder_id``'s vectors, else None (cues decide)."""
    model = IntentModel.load(path)
    return model if model is not None and model.embedder == embedder_id else None
