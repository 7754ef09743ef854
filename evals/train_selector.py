"""``lotse train-selector``: train the line model on OMoS-QA train, tune its two thresholds on dev.

Only the train split is used for fitting (the number of boosting rounds comes from grouped
cross-validation on train, pages never straddle folds); dev only picks ``line_threshold``
and ``answer_threshold`` on a fixed grid, maximising F1 + no-answer F1. The artefact is one
JSON file with the LightGBM model as text (no pickle), the thresholds and the attribution.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import numpy as np
from tqdm import tqdm

from app.answering import DEFAULT_MODEL, FEATURES, LearnedSelector, line_features
from app.core import Settings
from app.index import load_embeddings
from evals.dataset import OMOS_DIR
from evals.metrics import omosqa_scores
from evals.omosqa import OmosRow, load_split
from evals.vector_cache import OMOS_CACHE_DIR, VectorCache

ATTRIBUTION = (
    "Trained on OMoS-QA (digitalfabrik/integreat-qa-dataset), CC BY 4.0, Tür an Tür - Digitalfabrik gGmbH; "
    "paper: OMoS-QA, KONVENS 2024 (aclanthology.org/2024.konvens-main.25)."
)
# Chosen among four settings by grouped cross-validated log loss on train (0.4260 vs 0.4273-0.4287).
PARAMS = {
    "objective": "binary", "learning_rate": 0.02, "num_leaves": 7, "min_data_in_leaf": 50,
    "feature_fraction": 0.5, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 5.0,
    "verbose": -1, "num_threads": 2, "deterministic": True, "force_row_wise": True,
}
LINE_GRID = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)
ANSWER_GRID = tuple(round(0.1 + 0.05 * i, 2) for i in range(17))
FOLDS = 5


@dataclass(frozen=True)
class Examples:
    """Line features per question, with the gold lines and the page of each question."""

    rows: list[OmosRow]
    features: list[np.ndarray]

    def labels(self) -> list[np.ndarray]:
        return [np.isin(np.arange(len(r.lines)), r.answers).astype(int) for r in self.rows]


def build_examples(rows: list[OmosRow], cache: VectorCache) -> Examples:
    """Line features for each row's question on its page."""
    features = [line_features(r.question, cache.query(r.question), cache.passages(r.lines), r.lines)
                for r in tqdm(rows, desc="Merkmale", unit="Frage", mininterval=5)]
    return Examples(rows, features)


def _page_folds(rows: list[OmosRow], sizes: list[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Grouped folds over lines: all questions of a page fall into the same fold."""
    from sklearn.model_selection import GroupKFold

    pages = {p: k for k, p in enumerate(dict.fromkeys(r.page for r in rows))}
    groups = np.concatenate([np.full(n, pages[r.page]) for r, n in zip(rows, sizes)])
    return list(GroupKFold(FOLDS).split(np.zeros(len(groups)), groups=groups))


def train_line_model(train: Examples, seed: int) -> tuple[Any, int]:
    """Fit on all of train with the number of rounds that cross-validation on train found best."""
    import lightgbm

    x, y = np.vstack(train.features), np.concatenate(train.labels())
    params = {**PARAMS, "seed": seed}
    folds = _page_folds(train.rows, [len(f) for f in train.features])
    history = lightgbm.cv(params, lightgbm.Dataset(x, y, feature_name=list(FEATURES)), num_boost_round=1000, folds=folds,
                          callbacks=[lightgbm.early_stopping(100, verbose=False)])
    rounds = len(next(iter(history.values())))
    return lightgbm.train(params, lightgbm.Dataset(x, y, feature_name=list(FEATURES)), num_boost_round=rounds), rounds


def decide(probabilities: list[np.ndarray], line_threshold: float, answer_threshold: float) -> list[list[int]]:
    """The selector's decision for each page's line probabilities."""
    chooser = LearnedSelector(None, line_threshold, answer_threshold, embedder="")
    return [chooser.choose(p) for p in probabilities]


def tune_thresholds(probabilities: list[np.ndarray], gold: list[list[int]]) -> tuple[float, float]:
    """The grid point with the best F1 + no-answer F1 (ties: the earlier, i.e. lower, thresholds)."""
    def objective(point: tuple[float, float]) -> float:
        scores = omosqa_scores(gold, decide(probabilities, *point))
        return scores["f1"] + scores["no_answer_f1"]

    return max(((t, a) for t in LINE_GRID for a in ANSWER_GRID), key=objective)


def predict(model: Any, examples: Examples) -> list[np.ndarray]:
    return [np.asarray(model.predict(f)) for f in examples.features]


def train_selector(cache: VectorCache, seed: int, train_split: Path, dev_split: Path) -> tuple[dict[str, Any], dict[str, float]]:
    """The artefact (as a dict) and its dev scores."""
    train = build_examples(load_split(train_split), cache)
    dev = build_examples(load_split(dev_split), cache)
    started = time.perf_counter()
    model, rounds = train_line_model(train, seed)
    dev_probabilities, dev_gold = predict(model, dev), [r.answers for r in dev.rows]
    line_threshold, answer_threshold = tune_thresholds(dev_probabilities, dev_gold)
    dev_scores = omosqa_scores(dev_gold, decide(dev_probabilities, line_threshold, answer_threshold))
    artefact = {
        "format": 1,
        "embedder": cache.embeddings.id,
        "features": list(FEATURES),
        "line_threshold": line_threshold,
        "answer_threshold": answer_threshold,
        "seed": seed,
        "rounds": rounds,
        "trained_on": f"{train_split.name}: {len(train.rows)} questions; thresholds tuned on {dev_split.name}",
        "dev_scores": {k: round(v, 4) for k, v in dev_scores.items()},
        "training_seconds": round(time.perf_counter() - started, 1),
        "attribution": ATTRIBUTION,
        "model": model.model_to_string(),
    }
    return artefact, dev_scores


@click.command("train-selector")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_MODEL, show_default=True,
              help="Wohin das Modell geschrieben wird.")
@click.option("--seed", type=int, default=0, show_default=True, help="Zufallsstartwert des Trainings.")
@click.option("--spread", type=int, default=0, help="Zusätzlich so viele weitere Startwerte trainieren und die Streuung melden.")
@click.option("--train-split", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=OMOS_DIR / "train_de.jsonl")
@click.option("--dev-split", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=OMOS_DIR / "dev_de.jsonl")
@click.pass_obj
def train_selector_command(settings: Settings, out: Path, seed: int, spread: int, train_split: Path, dev_split: Path) -> None:
    """Satzauswahl-Modell aus OMoS-QA train trainieren (Schwellen auf dev)."""
    cache = VectorCache(load_embeddings(settings.embeddings), OMOS_CACHE_DIR)
    artefact, scores = train_selector(cache, seed, train_split, dev_split)
    cache.save()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(artefact, ensure_ascii=False, indent=1), encoding="utf-8")
    LearnedSelector.from_file(out)  # what we wrote must load
    click.echo(f"{out}: {out.stat().st_size / 1e6:.2f} MB, {artefact['rounds']} Runden, Schwellen Zeile {artefact['line_threshold']} "
               f"/ Antwort {artefact['answer_threshold']}, dev F1 {scores['f1']:.3f}, keine-Antwort-F1 {scores['no_answer_f1']:.3f}")
    if spread:
        runs = [scores] + [train_selector(cache, s, train_split, dev_split)[1] for s in range(seed + 1, seed + 1 + spread)]
        for key in ("f1", "no_answer_f1"):
            values = [r[key] for r in runs]
            click.echo(f"{key} über {len(runs)} Startwerte: Median {statistics.median(values):.3f}, "
                       f"min {min(values):.3f}, max {max(values):.3f}")
