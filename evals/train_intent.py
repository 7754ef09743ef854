"""``lotse train-intent``: train the intent, detail, topic and need heads of ``app.conversation.intent``
on the labelled question bank (``evals/datasets/intent_bank_*.jsonl``, nine languages, written
the way people type; ``intent_bank_d.jsonl`` holds messages about nothing the documents could
answer, labelled "unrelated"), choose the regularisation by stratified cross-validation, report
cross-validated accuracy per language and class beside the rules alone (the cues; for the topic:
everything is related), and store the weights as JSON (``app/conversation/models/intent.json``).
The intent and detail heads learn from the related rows only; the need head from the need banks
(``NEED_BANKS``) and the related rows that seek no need."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Protocol

import click
import numpy as np

from app.conversation import INTENT_MODEL, NO_NEED, UNRELATED, IntentModel, by_cues, cues, feature_vector, sought, split_ask
from app.core import Settings
from app.index import load_embeddings
from evals.dataset import DATASETS

BANKS = sorted(DATASETS.glob("intent_bank_*.jsonl"))
NEED_BANKS = sorted(DATASETS.glob("need_bank*.jsonl"))
"""Help requests labelled with the need they seek help with (a ``cues.yaml`` need or "none"):
``need_bank.jsonl`` written for it, ``need_bank_b.jsonl`` the intent bank's help requests labelled
by a second helper, ``need_bank_c.jsonl`` situations told apart from needs (a shelter or the
Jobcenter mentioned, general help asked); trained on together with the intent bank's questions
that seek none (``without_need``)."""
C_GRID = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0)
FLOOR_GRID = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
FOLDS = 5
SEED = 7
TOPIC_FLOOR_GRID = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
MAX_FALSE_UNRELATED = 0.001
"""The topic head may call at most this share of the related rows (out of fold) unrelated: a
question Lotse could answer, declined as off-topic, costs the asker more than an off-topic
message answered with the nearest offers. Among the (C, floor) pairs that keep to it, the one
that declines the most unrelated rows."""
NEED_FLOOR_GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
MAX_FALSE_NEED = 0.02
"""The need head may give at most this share of its rows (out of fold) a need they do not seek: a
wrong need narrows the evidence to documents about it, and the question is declined. Among the
(C, floor) pairs that keep to it, the most accurate together with the rules. (The folds do not
model ``Understanding``'s gate: the head is asked only for help and service requests.)"""


HOLDOUT = DATASETS / "intent_holdout.jsonl"
"""Messages no head is trained on (150 off-topic ones and 90 related look-alikes, eleven
languages, written after the heads by a helper that saw no evaluation set): how the heads carry
over to messages they never saw."""


def load_bank(paths: list[Path] = BANKS) -> list[dict[str, str]]:
    """Every labelled row of the bank files."""
    return [json.loads(line) for path in paths for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _folds(rows: list[dict[str, str]], label: str = "intent") -> np.ndarray:
    """A fold number per row, stratified by language and ``label``."""
    from sklearn.model_selection import StratifiedKFold

    strata = [f"{r['lang']}|{r[label]}" for r in rows]
    counts: dict[str, int] = defaultdict(int)
    for s in strata:
        counts[s] += 1
    strata = [s if counts[s] >= FOLDS else r["lang"] for s, r in zip(strata, rows)]
    fold = np.zeros(len(rows), dtype=int)
    splitter = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for number, (_, test) in enumerate(splitter.split(np.zeros(len(rows)), strata)):
        fold[test] = number
    return fold


def _fit(x: np.ndarray, y: list[str], c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, y)


def cross_validated(x: np.ndarray, y: list[str], fold: np.ndarray, c: float) -> tuple[list[str], np.ndarray]:
    """Out-of-fold predictions and the probability of each."""
    predicted, confidence = [""] * len(y), np.zeros(len(y))
    for number in range(FOLDS):
        train, test = fold != number, fold == number
        model = _fit(x[train], [v for v, t in zip(y, train) if t], c)
        probabilities = model.predict_proba(x[test])
        for i, row in zip(np.flatnonzero(test), probabilities):
            predicted[i], confidence[i] = str(model.classes_[row.argmax()]), float(row.max())
    return predicted, confidence


def with_floor(predicted: list[str], confidence: np.ndarray, rules: list[str], floor: float) -> list[str]:
    """The head's answer where it is at least ``floor`` sure, else the rules' (as ``IntentModel.asked``)."""
    return [p if c >= floor else r for p, c, r in zip(predicted, confidence, rules)]


def _accuracy(truth: list[str], predicted: list[str]) -> float:
    return round(float(np.mean([t == p for t, p in zip(truth, predicted)])), 3)


def accuracy_by(rows: list[dict[str, str]], key: str, truth: list[str], predicted: list[str]) -> dict[str, float]:
    """The share of right predictions for each value of ``key`` in ``rows`` (e.g. per language)."""
    groups: dict[str, list[bool]] = defaultdict(list)
    for row, t, p in zip(rows, truth, predicted):
        groups[row[key]].append(t == p)
    return {name: round(float(np.mean(hits)), 3) for name, hits in sorted(groups.items())}


def _head(model: Any) -> dict[str, Any]:
    classes = [str(c) for c in model.classes_]
    weights, bias = model.coef_, model.intercept_
    if len(classes) == 2:  # sklearn stores one row for two classes
        weights, bias = np.vstack([-weights[0], weights[0]]) / 2, np.asarray([-bias[0], bias[0]]) / 2
    return {"classes": classes, "weights": np.round(weights, 6).tolist(), "bias": np.round(bias, 6).tolist()}


def train_head(
    rows: list[dict[str, str]], x: np.ndarray, truth: list[str], rules: list[str], fold: np.ndarray, applied: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One head: its regularisation and floor chosen by cross-validation, its report and weights."""
    scores = {c: _accuracy(truth, cross_validated(x, truth, fold, c)[0]) for c in C_GRID}
    best = max(C_GRID, key=lambda c: (scores[c], -c))  # ties: the stronger regularisation
    head_alone, confidence = cross_validated(x, truth, fold, best)
    floors = {f: _accuracy(truth, with_floor(head_alone, confidence, rules, f)) for f in FLOOR_GRID}
    floor = max(FLOOR_GRID, key=lambda f: (floors[f], -f))  # ties: trust the head more
    predicted = with_floor(head_alone, confidence, rules, floor)
    report = {
        "C_by_cv": {str(c): v for c, v in scores.items()},
        "C": best,
        "floor_by_cv": {str(f): v for f, v in floors.items()},
        "floor": floor,
        "applied": applied,
        "cv_accuracy": _accuracy(truth, predicted),
        "head_alone_accuracy": _accuracy(truth, head_alone),
        "rules_accuracy": _accuracy(truth, rules),
        "cv_by_language": accuracy_by(rows, "lang", truth, predicted),
        "rules_by_language": accuracy_by(rows, "lang", truth, rules),
        "cv_by_class": accuracy_by([{"class": t} for t in truth], "class", truth, predicted),
    }
    return report, {**_head(_fit(x, truth, best)), "floor": floor, "applied": applied}


def train_topic(rows: list[dict[str, str]], x: np.ndarray, applied: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """The topic head: (C, floor) chosen by cross-validation under ``MAX_FALSE_UNRELATED``."""
    truth = [UNRELATED if r["intent"] == UNRELATED else "related" for r in rows]
    related, fold = truth.count("related"), _folds(rows)
    grid: dict[str, dict[str, float]] = {}
    for c in C_GRID:
        predicted, confidence = cross_validated(x, truth, fold, c)
        for floor in TOPIC_FLOOR_GRID:
            said = [p == UNRELATED and p_c >= floor for p, p_c in zip(predicted, confidence)]
            grid[f"C={c} floor={floor}"] = {
                "C": c,
                "floor": floor,
                "false_unrelated": round(sum(s for s, t in zip(said, truth) if t == "related") / related, 4),
                "unrelated_caught": round(sum(s for s, t in zip(said, truth) if t == UNRELATED) / (len(truth) - related), 3),
            }
    allowed = [g for g in grid.values() if g["false_unrelated"] <= MAX_FALSE_UNRELATED]
    if not allowed:
        raise click.ClickException(
            f"Kein (C, Schwelle) des Rasters hält höchstens {MAX_FALSE_UNRELATED:.1%} verwandte Fragen für themenfremd; "
            "bitte TOPIC_FLOOR_GRID erweitern oder die Fragenbanken prüfen."
        )
    best = max(allowed, key=lambda g: (g["unrelated_caught"], -g["C"], g["floor"]))
    report = {
        "grid_by_cv": grid,
        "C": best["C"],
        "floor": best["floor"],
        "applied": applied,
        "false_unrelated": best["false_unrelated"],
        "unrelated_caught": best["unrelated_caught"],
    }
    return report, {**_head(_fit(x, truth, best["C"])), "floor": best["floor"], "applied": applied}


def without_need(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The intent bank's fact, definition and service questions in which the cues find no need,
    labelled "none": what the need head meets most ("Welche Angebote hat das Welcome Center?",
    "Wie viel Geld bekommen die KI?") and must not take for a need. Help requests stay out: they
    may seek one the cues miss."""
    return [
        {"question": r["question"], "lang": r["lang"], "need": NO_NEED}
        for r in rows
        if r["intent"] not in (UNRELATED, "help") and rules_need(r["question"]) == NO_NEED
    ]


def rules_need(question: str) -> str:
    """The need the rules find: the first specific one sought, else a broad one, else "none"."""
    split = split_ask(question)
    found = sorted(sought(split.ask, split.context), key=lambda need: need.broad)
    return found[0].name if found else NO_NEED


def with_need_head(rules: list[str], predicted: list[str], confidence: np.ndarray, floor: float) -> list[str]:
    """As ``Understanding`` decides: a specific need the rules find stands; else the head's, where it
    is at least ``floor`` sure, else the rules' (a broad need or none)."""
    broad = {need.name for need in cues().needs if need.broad} | {NO_NEED}
    return [p if r in broad and p != NO_NEED and c >= floor else r for r, p, c in zip(rules, predicted, confidence)]


def train_need(rows: list[dict[str, str]], x: np.ndarray, applied: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """The need head: (C, floor) chosen by cross-validation under ``MAX_FALSE_NEED``, the most
    accurate pair together with the rules."""
    truth, rules = [r["need"] for r in rows], [rules_need(r["question"]) for r in rows]
    fold = _folds(rows, "need")
    grid: dict[str, dict[str, float]] = {}
    for c in C_GRID:
        predicted, confidence = cross_validated(x, truth, fold, c)
        for floor in NEED_FLOOR_GRID:
            combined = with_need_head(rules, predicted, confidence, floor)
            by_head = [n != r for n, r in zip(combined, rules)]
            grid[f"C={c} floor={floor}"] = {
                "C": c,
                "floor": floor,
                "accuracy": _accuracy(truth, combined),
                "false_need": round(sum(h and n != t for h, n, t in zip(by_head, combined, truth)) / len(rows), 4),
            }
    allowed = [g for g in grid.values() if g["false_need"] <= MAX_FALSE_NEED]
    if not allowed:
        raise click.ClickException(
            f"Kein (C, Schwelle) des Rasters gibt höchstens {MAX_FALSE_NEED:.1%} der Fragen ein falsches Anliegen."
        )
    best = max(allowed, key=lambda g: (g["accuracy"], -g["C"], g["floor"]))
    combined = with_need_head(rules, *cross_validated(x, truth, fold, best["C"]), best["floor"])
    report = {
        "grid_by_cv": grid,
        "C": best["C"],
        "floor": best["floor"],
        "applied": applied,
        "false_need": best["false_need"],
        "cv_accuracy": best["accuracy"],
        "rules_accuracy": _accuracy(truth, rules),
        "cv_by_language": accuracy_by(rows, "lang", truth, combined),
        "rules_by_language": accuracy_by(rows, "lang", truth, rules),
        "cv_by_need": accuracy_by([{"need": t} for t in truth], "need", truth, combined),
        "rules_by_need": accuracy_by([{"need": t} for t in truth], "need", truth, rules),
    }
    return report, {**_head(_fit(x, truth, best["C"])), "floor": best["floor"], "applied": applied}


class EmbedsQueries(Protocol):
    """What the held-out measure needs of an embedder (``LotseEmbeddings`` has it)."""

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """One normalised vector per text."""
        ...


def held_out(model: IntentModel, embeddings: EmbedsQueries, path: Path = HOLDOUT) -> dict[str, Any]:
    """The heads as applied (floors, cues where a head abstains) on the held-out messages: the
    share of off-topic ones the topic head catches, of related ones it calls off-topic, and of
    related ones whose intent is right."""
    rows = load_bank([path])
    asks = [split_ask(r["question"]).ask for r in rows]
    vectors = np.asarray(embeddings.embed_queries(asks), dtype=np.float32)
    asked = [model.asked(v, a) for v, a in zip(vectors, asks)]
    off = [a.unrelated for a, r in zip(asked, rows) if r["intent"] == UNRELATED]
    on = [(a, r["intent"]) for a, r in zip(asked, rows) if r["intent"] != UNRELATED]
    return {
        "rows": len(rows),
        "unrelated_caught": round(float(np.mean(off)), 3),
        "related_called_unrelated": round(float(np.mean([a.unrelated for a, _ in on])), 3),
        "intent_accuracy": round(float(np.mean([a.intent == intent for a, intent in on])), 3),
    }


def train(settings: Settings, out: Path = INTENT_MODEL, cues_decide: tuple[str, ...] = ()) -> dict[str, Any]:
    """Train the four heads, write the model, return the report. The heads in ``cues_decide`` are
    trained and reported but not applied."""
    rows = load_bank()
    embeddings = load_embeddings(settings.embeddings)
    asks = [split_ask(r["question"]).ask for r in rows]
    started = time.perf_counter()
    vectors = np.asarray(embeddings.embed_queries(asks), dtype=np.float32)
    embed_s = time.perf_counter() - started
    cue_names = tuple(cues().features("").keys())
    x = np.stack([feature_vector(v, a, cue_names) for v, a in zip(vectors, asks)])
    related = [i for i, r in enumerate(rows) if r["intent"] != UNRELATED]
    related_rows = [rows[i] for i in related]
    report: dict[str, Any] = {
        "rows": len(rows),
        "related_rows": len(related),
        "languages": sorted({r["lang"] for r in rows}),
        "embed_seconds": round(embed_s, 1),
    }
    heads = {}
    for target in ("intent", "detail"):
        truth = [rows[i][target] for i in related]
        rules = [getattr(by_cues(asks[i]), target) for i in related]
        report[target], heads[target] = train_head(
            related_rows, x[related], truth, rules, _folds(related_rows), target not in cues_decide
        )
    if len(related) < len(rows):  # a bank without unrelated messages trains no topic head
        report["topic"], heads["topic"] = train_topic(rows, x, "topic" not in cues_decide)
    if NEED_BANKS:  # the need head reads the whole message: a need may be told before the ask
        need_rows = load_bank(NEED_BANKS) + without_need(rows)
        messages = [r["question"] for r in need_rows]
        need_x = np.stack([feature_vector(v, m, cue_names) for v, m in zip(embeddings.embed_queries(messages), messages)])
        report["need"], heads["need"] = train_need(need_rows, need_x, "need" not in cues_decide)
    model = {
        "embedder": embeddings.id,
        "cue_names": list(cue_names),
        **heads,
        "trained_on": [p.name for p in [*BANKS, *NEED_BANKS]],
        "report": report,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(model, ensure_ascii=False) + "\n", encoding="utf-8")
    report["held_out"] = held_out(_stored(out), embeddings)
    return report


def _stored(path: Path) -> IntentModel:
    """The model stored at ``path``, or a German CLI error."""
    model = IntentModel.load(path)
    if model is None:
        raise click.ClickException(f"Kein Modell unter {path}. Bitte zuerst 'lotse train-intent' ausführen.")
    return model


@click.command("train-intent")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=INTENT_MODEL, show_default=True)
@click.option(
    "--cues-decide",
    type=click.Choice(["intent", "detail", "topic", "need"]),
    multiple=True,
    default=("detail",),
    show_default=True,
    help="Köpfe, die trainiert und berichtet, aber nicht angewandt werden (die Regeln entscheiden).",
)
@click.option(
    "--held-out-only", is_flag=True, help="Nicht trainieren: die gespeicherten Köpfe auf dem zurückgelegten Satz messen."
)
@click.pass_obj
def train_intent_command(settings: Settings, out: Path, cues_decide: tuple[str, ...], held_out_only: bool) -> None:
    """Absicht und gefragtes Detail lernen (Fragenbank, Kreuzvalidierung)."""
    if held_out_only:
        model, embeddings = _stored(out), load_embeddings(settings.embeddings)
        if model.embedder != embeddings.id:
            raise click.ClickException(f"Das Modell unter {out} gehört zu {model.embedder}, nicht zu {embeddings.id}.")
        report = held_out(model, embeddings)
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    report = train(settings, out, cues_decide)
    click.echo(json.dumps(report, ensure_ascii=False, indent=1))
    click.echo(f"geschrieben: {out}")
