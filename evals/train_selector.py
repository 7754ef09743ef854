"""``lotse train-selector``: train the line model on OMoS-QA train + dev, thresholds by cross-validation.

Thresholds are never chosen on one split: on page-grouped out-of-fold predictions, each fold
gets thresholds chosen on the other folds (F1 + no-answer F1, one-standard-error rule), is
scored with them (the nested estimate and its spread, ``evals.calibration``), and the shipped
thresholds are the median of those five choices. The number of boosting rounds comes from grouped cross-validation on
the training questions. The artefact is one JSON file with the LightGBM model as text (no
pickle) and as ONNX (``as_onnx``: what Lotse runs), the thresholds, the fold estimates and the
attribution.
"""

from __future__ import annotations

import base64
import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click
import numpy as np
from tqdm import tqdm

from app.answering import DEFAULT_MODEL, FEATURES, ONNX_INPUT, LearnedSelector, line_features
from app.conversation import restore_spelling
from app.core import Settings
from app.index import load_embeddings
from evals.dataset import OMOS_DIR
from evals.omosqa import OmosRow, load_split
from evals.perturb import CountedSpellings, as_typed
from evals.vector_cache import OMOS_CACHE_DIR, VectorCache

if TYPE_CHECKING:
    from evals.calibration import FoldResult

ONNX_OPSET = 15
"""The highest opset onnxmltools 1.16 converts LightGBM to."""
ATTRIBUTION = (
    "Trained on OMoS-QA (digitalfabrik/integreat-qa-dataset), CC BY 4.0, Tür an Tür - Digitalfabrik gGmbH; "
    "paper: OMoS-QA, KONVENS 2024 (aclanthology.org/2024.konvens-main.25)."
)
# Chosen among four settings by grouped cross-validated log loss on train (0.4260 vs 0.4273-0.4287).
PARAMS = {
    "objective": "binary",
    "learning_rate": 0.02,
    "num_leaves": 7,
    "min_data_in_leaf": 50,
    "feature_fraction": 0.5,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 5.0,
    "verbose": -1,
    "num_threads": 2,
    "deterministic": True,
    "force_row_wise": True,
}
LINE_GRID = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)
ANSWER_GRID = tuple(round(0.1 + 0.05 * i, 2) for i in range(17))
FOLDS = 5
TYPED_COPIES = 2
"""Copies of each question as people type it (``evals.perturb.as_typed``), respelled as a turn
is: the estimate scores them too, to show whether the no-answer decision carries over to real
messages. Learning from them as well (``--typed``) scored worse on both (see the models README)."""


@dataclass(frozen=True)
class Examples:
    """Line features per question, with the gold lines and the page of each question."""

    rows: list[OmosRow]
    features: list[np.ndarray]
    typed: list[list[np.ndarray]] = field(default_factory=list)
    """Per question, the line features of its typed copies (empty: none)."""

    def labels(self) -> list[np.ndarray]:
        """Per question, 1 for each of its page's answer lines and 0 for the others."""
        return [np.isin(np.arange(len(r.lines)), r.answers).astype(int) for r in self.rows]

    def with_typed(self) -> Examples:
        """Every question followed by its typed copies, each as a question of its own (same page)."""
        typed = self.typed or [[] for _ in self.rows]
        rows = [row for row, copies in zip(self.rows, typed) for row in [row] * (1 + len(copies))]
        return Examples(rows, [f for own, copies in zip(self.features, typed) for f in [own, *copies]])


def build_examples(rows: list[OmosRow], cache: VectorCache, copies: int = TYPED_COPIES) -> Examples:
    """Line features for each row's question, and for ``copies`` typed copies of it, on its
    page. A typed copy is respelled from the pages' own spellings first, as a turn is from the
    corpus's (``restore_spelling``): the selector judges what respelling leaves."""
    spellings = CountedSpellings(line for r in {r.page: r for r in rows}.values() for line in r.lines)
    features, typed = [], []
    for r in tqdm(rows, desc="Merkmale", unit="Frage", mininterval=5):
        lines = cache.passages(r.lines)
        features.append(line_features(r.question, cache.query(r.question), lines, r.lines))
        questions = [restore_spelling(as_typed(r.question, copy), spellings) for copy in range(copies)]
        typed.append([line_features(q, cache.query(q), lines, r.lines) for q in questions])
    return Examples(rows, features, typed)


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
    history = lightgbm.cv(
        params,
        lightgbm.Dataset(x, y, feature_name=list(FEATURES)),
        num_boost_round=1000,
        folds=folds,
        callbacks=[lightgbm.early_stopping(100, verbose=False)],
    )
    rounds = len(cast(list[float], next(iter(history.values()))))
    return lightgbm.train(params, lightgbm.Dataset(x, y, feature_name=list(FEATURES)), num_boost_round=rounds), rounds


def as_onnx(model: Any) -> str:
    """The LightGBM line model converted to ONNX by onnxmltools (base64): ``LearnedSelector``
    runs it with onnxruntime, so answering imports neither LightGBM nor scikit-learn (predictions
    agree to about 1e-7)."""
    from onnxmltools import convert_lightgbm  # training only; imports scikit-learn
    from onnxmltools.convert.common.data_types import FloatTensorType

    graph = convert_lightgbm(
        model, initial_types=[(ONNX_INPUT, FloatTensorType([None, len(FEATURES)]))], zipmap=False, target_opset=ONNX_OPSET
    )
    return base64.b64encode(graph.SerializeToString()).decode("ascii")


def decide(probabilities: list[np.ndarray], line_threshold: float, answer_threshold: float) -> list[list[int]]:
    """The selector's decision for each page's line probabilities."""
    chooser = LearnedSelector(None, line_threshold, answer_threshold, embedder="")
    return [chooser.choose(p) for p in probabilities]


def predict(model: Any, examples: Examples) -> list[np.ndarray]:
    """The model's line probabilities for each question's page."""
    return [np.asarray(model.predict(f)) for f in examples.features]


SCORES = ("f1", "no_answer_f1", "typed_f1", "typed_no_answer_f1")
"""The cross-validated scores stored: the paper's two, on the questions as written and typed."""


def train_selector(
    cache: VectorCache, seed: int, splits: list[Path], learn_typed: bool = False
) -> tuple[dict[str, Any], list[FoldResult]]:
    """The artefact (as a dict) and the nested cross-validated estimate, fold by fold: the
    model is trained on all questions of ``splits`` (``learn_typed``: and their typed copies),
    its thresholds are the ones that do best on out-of-fold predictions of the questions as
    written (see ``evals.calibration``); the typed copies are scored with the same thresholds."""
    from evals.calibration import FOLDS, nested_estimate, out_of_fold, question_folds, spread

    rows = [row for split in splits for row in load_split(split)]
    examples = build_examples(rows, cache)
    started = time.perf_counter()
    folds = question_folds(examples)
    probabilities, typed = out_of_fold(examples, folds, seed, learn_typed)
    estimate = nested_estimate(examples, folds, probabilities, typed)
    # Each fold's choice is made without that fold; their median is the choice that moves least
    # when the data does (a choice on all predictions at once sits on a flat optimum).
    line_threshold = statistics.median(r.line_threshold for r in estimate)
    answer_threshold = statistics.median(r.answer_threshold for r in estimate)
    model, rounds = train_line_model(examples.with_typed() if learn_typed else examples, seed)
    artefact = {
        "format": 1,
        "embedder": cache.embeddings.id,
        "features": list(FEATURES),
        "line_threshold": line_threshold,
        "answer_threshold": answer_threshold,
        "seed": seed,
        "rounds": rounds,
        "trained_on": (
            f"{' + '.join(s.name for s in splits)}: {len(rows)} questions"
            f"{f', each also in {TYPED_COPIES} typed copies' if learn_typed else ''}; thresholds from {FOLDS}-fold "
            "page-grouped out-of-fold predictions: median of the folds' one-standard-error choices"
        ),
        "cv_estimate": {key: {k: round(v, 4) for k, v in spread(estimate, key).items()} for key in SCORES},
        "cv_folds": [
            {
                "questions": r.questions,
                "line_threshold": r.line_threshold,
                "answer_threshold": r.answer_threshold,
                **{k: round(v, 4) for k, v in r.all_scores().items() if k in SCORES},
            }
            for r in estimate
        ],
        "training_seconds": round(time.perf_counter() - started, 1),
        "attribution": ATTRIBUTION,
        "model": model.model_to_string(),
        "onnx": as_onnx(model),
    }
    return artefact, estimate


@click.command("train-selector")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_MODEL,
    show_default=True,
    help="Wohin das Modell geschrieben wird.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Zufallsstartwert des Trainings.")
@click.option(
    "--split",
    "splits",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=[OMOS_DIR / "train_de.jsonl", OMOS_DIR / "dev_de.jsonl"],
    show_default=True,
    help="OMoS-QA-Splits, die zusammen trainiert und kreuzvalidiert werden.",
)
@click.option(
    "--typed/--as-written",
    "learn_typed",
    default=False,
    show_default=True,
    help=f"Auch aus {TYPED_COPIES} getippten Kopien jeder Frage lernen (Tippfehler, ohne Umlaute, klein); "
    "gemessen schlechter, daher nicht der Standard.",
)
@click.pass_obj
def train_selector_command(settings: Settings, out: Path, seed: int, splits: tuple[Path, ...], learn_typed: bool) -> None:
    """Satzauswahl-Modell aus OMoS-QA trainieren; Schwellen per Kreuzvalidierung."""
    cache = VectorCache(load_embeddings(settings.embeddings), OMOS_CACHE_DIR)
    artefact, estimate = train_selector(cache, seed, list(splits), learn_typed)
    cache.save()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(artefact, ensure_ascii=False, indent=1), encoding="utf-8")
    LearnedSelector.from_file(out)  # what we wrote must load
    click.echo(
        f"{out}: {out.stat().st_size / 1e6:.2f} MB, {artefact['rounds']} Runden, Schwellen Zeile {artefact['line_threshold']} "
        f"/ Antwort {artefact['answer_threshold']}"
    )
    click.echo(
        "| Fold | Fragen | Schwelle Zeile | Schwelle Antwort | F1 | keine-Antwort-F1 | F1 getippt "
        "| keine-Antwort-F1 getippt |\n|---|---|---|---|---|---|---|---|"
    )
    for r in estimate:
        scores = r.all_scores()
        click.echo(
            f"| {r.fold} | {r.questions} | {r.line_threshold} | {r.answer_threshold} | "
            + " | ".join(f"{scores[key]:.3f}" for key in SCORES)
            + " |"
        )
    for key, values in artefact["cv_estimate"].items():
        click.echo(
            f"{key} (verschachtelte Kreuzvalidierung): Mittel {values['mean']:.3f} ± {values['sd']:.3f}, "
            f"min {values['min']:.3f}, max {values['max']:.3f}"
        )
