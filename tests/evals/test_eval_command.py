"""``lotse eval`` end to end: real index, real embedder, reports and the floor gate."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.core import Settings
from tests.conftest import cli_env

pytestmark = pytest.mark.integration
OMOS = Path("evals/datasets/omosqa")


def lotse(args: list[str], settings: Settings, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = cli_env(settings, PYTHONPATH=str(Path.cwd()))
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, env=env, timeout=600, cwd=cwd)


def test_nrw_suite_writes_reports_and_fails_below_a_floor(real_settings: Settings, tmp_path: Path) -> None:
    floors = tmp_path / "floors.toml"
    floors.write_text('[floors]\n"nrw/citation_validity" = 1.0\n"nrw/key_fact_shown" = 1.01\n', encoding="utf-8")
    result = lotse(["eval", "nrw", "--out", str(tmp_path / "r"), "--thresholds", str(floors)], real_settings)
    assert result.returncode == 1
    assert "nrw/key_fact_shown" in result.stderr and "citation_validity" not in result.stderr
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["suite"] == "nrw" and len(report["rows"]) >= 80
    assert report["metrics"]["citation_validity"] == 1.0
    assert report["baseline"]["abstention_f1"] == 0.0  # the naive pipeline never abstains
    assert (tmp_path / "r" / "report.html").read_text().count("data:image/png") == 3


def test_omosqa_predictions_follow_the_contract(real_settings: Settings, tmp_path: Path) -> None:
    for lang in ("de", "en"):
        rows = (OMOS / f"dev_{lang}.jsonl").read_text(encoding="utf-8").splitlines()[:4]
        (tmp_path / f"mini_{lang}.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    predictions = tmp_path / "pred.json"
    no_floors = tmp_path / "floors.toml"  # the committed floors are for the whole dev split, not 4 questions
    no_floors.write_text("[floors]\n", encoding="utf-8")
    result = lotse(
        [
            "eval",
            "omosqa",
            "--split",
            str(tmp_path / "mini_de.jsonl"),
            "--predictions-out",
            str(predictions),
            "--out",
            str(tmp_path / "r"),
            "--thresholds",
            str(no_floors),
        ],
        real_settings,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(predictions.read_text())
    ids = [str(json.loads(line)["id"]) for line in (tmp_path / "mini_de.jsonl").read_text().splitlines()]
    assert list(data) == ids
    assert all(isinstance(v, list) and all(isinstance(i, int) for i in v) for v in data.values())
    metrics = json.loads((tmp_path / "r" / "report.json").read_text())["metrics"]
    assert {"selection_f1", "crosslingual_f1", "page_hit@1", "end_to_end_f1"} <= set(metrics)


def test_train_selector_writes_a_loadable_artefact_with_cross_validated_thresholds(
    real_settings: Settings, tmp_path: Path
) -> None:
    from app.answering import LearnedSelector

    splits = {"train": 24, "dev": 10}
    for name, count in splits.items():
        rows = (OMOS / f"{name}_de.jsonl").read_text(encoding="utf-8").splitlines()[:count]
        (tmp_path / f"{name}.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "selector.json"
    result = lotse(
        ["train-selector", "--out", str(out), "--split", str(tmp_path / "train.jsonl"), "--split", str(tmp_path / "dev.jsonl")],
        real_settings,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "keine-Antwort-F1" in result.stdout and "verschachtelte Kreuzvalidierung" in result.stdout
    stored = json.loads(out.read_text())
    assert stored["trained_on"].startswith("train.jsonl + dev.jsonl: 34 questions") and "CC BY 4.0" in stored["attribution"]
    assert len(stored["cv_folds"]) == 5 and sum(f["questions"] for f in stored["cv_folds"]) == 34
    assert "typed copies" not in stored["trained_on"]  # learned from the questions as written
    assert 0 <= stored["cv_estimate"]["typed_no_answer_f1"]["mean"] <= 1  # and scored on typed copies too
    assert (
        0 <= stored["cv_estimate"]["f1"]["min"] <= stored["cv_estimate"]["f1"]["mean"] <= stored["cv_estimate"]["f1"]["max"] <= 1
    )
    assert stored["line_threshold"] > 0 and stored["answer_threshold"] > 0
    assert LearnedSelector.from_file(out).embedder == stored["embedder"]
