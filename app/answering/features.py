"""Features of each line of a page for the learned sentence selector.

Everything comes from the question text, the stored line vectors (e5, L2-normalised) and
the line texts; no extra embedding at question time. A page is a list of lines (OMoS-QA:
the page split on newlines; Lotse: the sentences of a document's retrieved chunks).
Headings split a page into sections; a line's context vector is its own vector plus its
heading's, a section's vector the mean of its lines (both re-normalised). ``NaN`` marks
"not there" (no neighbour, no heading); LightGBM handles it natively.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from app.core import CLOSING_PUNCTUATION, CONTACT_LINE, CONTENT_STOP_WORDS, DIGIT, stems, words

_BULLET = re.compile(r"^\s*([-•*–]|\d+[.)])\s")
QUESTION_WORDS = ("wer", "was", "wo", "wann", "wie", "welch", "kann", "gibt", "muss", "wieviel", "warum")

FEATURES = (
    "sim",
    "sim_minus_best",
    "rank_share",
    "rank",
    "sim_z",
    "prev_sim",
    "next_sim",
    "prev2_sim",
    "next2_sim",
    "window_best",
    "context_sim",
    "context_minus_best",
    "prev_context",
    "next_context",
    "context_z",
    "section_sim",
    "section_minus_best",
    "section_rank",
    "heading_sim",
    "heading_minus_best",
    "heading_rank",
    "heading_lexical",
    "lines_after_heading",
    "section_best_minus_best",
    "section_mean_minus_best",
    "section_lines",
    "in_best_section",
    "offset_from_best",
    "distance_from_best",
    "similar_to_best",
    "similar_to_prev",
    "similar_to_next",
    "is_heading",
    "is_question",
    "ends_colon",
    "is_bullet",
    "after_colon",
    "lines_after_colon",
    "lexical",
    "prev_lexical",
    "next_lexical",
    "lexical_minus_best",
    "chars",
    "log_chars",
    "position_share",
    "position",
    "page_lines",
    "has_digit",
    "has_contact",
    "repeats_previous",
    "page_best_sim",
    "question_chars",
    "question_terms",
    "question_coverage",
    *(f"asks_{w}" for w in QUESTION_WORDS),
)


def is_heading(line: str) -> bool:
    """A question, a label ending in a colon, or a short line without closing punctuation."""
    text = line.strip()
    return text.endswith(("?", ":")) or (len(text) < 80 and not CLOSING_PUNCTUATION.search(text))


@lru_cache(maxsize=16384)
def content_stems(text: str) -> frozenset[str]:
    """Stems of the words that carry meaning (no stop words, no single letters); kept for the
    sentences of the pages a reader keeps, which every question about them scores again."""
    return frozenset(s for w, s in zip(words(text), stems(text)) if w not in CONTENT_STOP_WORDS and len(w) > 1)


def section_heads(lines: list[str]) -> np.ndarray:
    """For each line, the index of the heading above it (itself if it is one), or -1."""
    heads, current = [], -1
    for i, line in enumerate(lines):
        if is_heading(line):
            current = i
        heads.append(current)
    return np.array(heads, dtype=int)


def _shifted(values: np.ndarray, by: int) -> np.ndarray:
    """``values`` moved by ``by`` places (positive: the previous line's value), NaN-padded."""
    out = np.full(len(values), np.nan)
    if by > 0:
        out[by:] = values[:-by]
    else:
        out[:by] = values[-by:]
    return out


def _normalised(vectors: np.ndarray) -> np.ndarray:
    return np.asarray(vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9))


def _descending_rank(values: np.ndarray) -> np.ndarray:
    ranks = np.empty(len(values))
    ranks[np.argsort(-values, kind="stable")] = np.arange(len(values))
    return ranks


def _z(values: np.ndarray) -> np.ndarray:
    return np.asarray((values - values.mean()) / (values.std() + 1e-6))


def _lines_since(flags: np.ndarray) -> np.ndarray:
    """Lines since the last earlier line with ``flag`` set (NaN if none)."""
    out, last = np.full(len(flags), np.nan), None
    for i, flag in enumerate(flags):
        if last is not None:
            out[i] = i - last
        if flag:
            last = i
    return out


@dataclass(frozen=True)
class _Layout:
    """What the features read of a page's texts alone, the same for every question about it."""

    heads: np.ndarray
    sections: np.ndarray
    """Where each section (a run of lines under one heading) starts."""
    section_of: np.ndarray
    """Each line's section, as an index into ``sections``."""
    heading: np.ndarray
    line_terms: list[frozenset[str]]
    page_terms: frozenset[str]
    chars: np.ndarray
    colon: np.ndarray
    question: np.ndarray
    bullet: np.ndarray
    digit: np.ndarray
    contact: np.ndarray
    repeats: np.ndarray

    def __post_init__(self) -> None:
        for value in vars(self).values():  # kept and shared: no caller may change them
            if isinstance(value, np.ndarray):
                value.setflags(write=False)


@lru_cache(maxsize=1024)
def _layout(lines: tuple[str, ...]) -> _Layout:
    """The layout of a page, kept: a reader keeps its pages, and every question about one reads it again."""
    line_terms = [content_stems(line) for line in lines]
    heads = section_heads(list(lines))
    starts_section = np.r_[True, heads[1:] != heads[:-1]]
    return _Layout(
        heads=heads,
        sections=np.flatnonzero(starts_section),
        section_of=np.cumsum(starts_section) - 1,
        heading=(heads == np.arange(len(lines))).astype(float),  # a heading heads its own section
        line_terms=line_terms,
        page_terms=frozenset().union(*line_terms),
        chars=np.array([len(line) for line in lines], dtype=float),
        colon=np.array([line.strip().endswith(":") for line in lines], dtype=float),
        question=np.array([line.strip().endswith("?") for line in lines], dtype=float),
        bullet=np.array([bool(_BULLET.match(line)) for line in lines], dtype=float),
        digit=np.array([bool(DIGIT.search(line)) for line in lines], dtype=float),
        contact=np.array([bool(CONTACT_LINE.search(line)) for line in lines], dtype=float),
        repeats=np.array([i > 0 and lines[i].strip() == lines[i - 1].strip() for i in range(len(lines))], dtype=float),
    )


def line_features(question: str, query: np.ndarray, vectors: np.ndarray, lines: list[str]) -> np.ndarray:
    """One row of ``FEATURES`` per line (float32, shape ``(len(lines), len(FEATURES))``)."""
    n = len(lines)
    vectors = np.ascontiguousarray(vectors)  # a section's mean adds in memory order
    sim = vectors @ query
    best_line = int(sim.argmax())
    layout = _layout(tuple(lines))
    heads, heading, chars, colon = layout.heads, layout.heading, layout.chars, layout.colon
    has_head = heads >= 0

    context = vectors + np.where(has_head[:, None] & (heads != np.arange(n))[:, None], vectors[heads], 0.0)
    context_sim = _normalised(context) @ query

    bounds = list(zip(layout.sections, [*layout.sections[1:], n]))
    section_vectors = _normalised(np.stack([vectors[a:b].mean(axis=0) for a, b in bounds]))
    section_sims = section_vectors @ query
    section_sim = section_sims[layout.section_of]
    section_rank = (section_sims[None, :] > section_sim[:, None]).sum(axis=1).astype(float)

    heading_lines = np.flatnonzero(heading)
    heading_best = sim[heading_lines].max() if len(heading_lines) else np.nan
    heading_order = {h: float(r) for r, h in enumerate(sorted(heading_lines, key=lambda h: -sim[h]))}
    heading_sim = np.where(has_head, sim[heads], np.nan)
    heading_rank = np.array([heading_order.get(h, np.nan) for h in heads])

    section_best = np.array([sim[a:b].max() for a, b in bounds])[layout.section_of]
    section_mean = np.array([sim[a:b].mean() for a, b in bounds])[layout.section_of]
    section_lines = np.array([float(b - a) for a, b in bounds])[layout.section_of]

    terms = content_stems(question)
    lexical = np.array([len(terms & t) / max(len(terms), 1) for t in layout.line_terms])
    heading_lexical = np.where(has_head, lexical[heads], np.nan)

    neighbour_similarity = np.sum(vectors[1:] * vectors[:-1], axis=1)
    offset = np.arange(n) - best_line
    window = sliding_window_view(np.pad(sim, 2, constant_values=-np.inf), 5).max(axis=1) - sim.max()
    asks = [float(any(w.startswith(q) for w in words(question)[:3])) for q in QUESTION_WORDS]

    columns = [
        sim,
        sim - sim.max(),
        _descending_rank(sim) / n,
        _descending_rank(sim),
        _z(sim),
        _shifted(sim, 1) - sim.max(),
        _shifted(sim, -1) - sim.max(),
        _shifted(sim, 2) - sim.max(),
        _shifted(sim, -2) - sim.max(),
        window,
        context_sim,
        context_sim - context_sim.max(),
        _shifted(context_sim, 1) - context_sim.max(),
        _shifted(context_sim, -1) - context_sim.max(),
        _z(context_sim),
        section_sim,
        section_sim - section_sims.max(),
        section_rank,
        heading_sim,
        heading_sim - heading_best,
        heading_rank,
        heading_lexical,
        np.where(has_head, np.arange(n) - heads, np.arange(n) + 1),
        section_best - sim.max(),
        section_mean - sim.max(),
        section_lines,
        (heads == heads[best_line]).astype(float),
        offset,
        np.abs(offset),
        vectors @ vectors[best_line],
        np.r_[np.nan, neighbour_similarity],
        np.r_[neighbour_similarity, np.nan],
        heading,
        layout.question,
        colon,
        layout.bullet,
        np.r_[0.0, colon[:-1]],
        _lines_since(colon),
        lexical,
        _shifted(lexical, 1),
        _shifted(lexical, -1),
        lexical - lexical.max(),
        chars,
        np.log1p(chars),
        np.arange(n) / n,
        np.arange(n),
        np.full(n, n),
        layout.digit,
        layout.contact,
        layout.repeats,
        np.full(n, sim.max()),
        np.full(n, len(question)),
        np.full(n, len(terms)),
        np.full(n, len(terms & layout.page_terms) / max(len(terms), 1)),
        *(np.full(n, a) for a in asks),
    ]
    return np.column_stack(columns).astype(np.float32)
