import json
from pathlib import Path

from evals.cli import below_floors
from evals.report import compare, write_reports
from evals.suite import SuiteResult


def result() -> SuiteResult:
    rows = [
        {
            "id": "1",
            "kind": "fact",
            "answerable": True,
            "correct": True,
            "latency_ms": 20.0,
            "top_score": 0.9,
            "baseline": {"correct": True, "latency_ms": 5.0},
        },
        {
            "id": "2",
            "kind": "unanswerable",
            "answerable": False,
            "correct": True,
            "latency_ms": 25.0,
            "top_score": 0.8,
            "baseline": {"correct": False, "latency_ms": 6.0},
        },
    ]
    return SuiteResult(
        "nrw",
        {"key_fact_shown": 0.9, "abstention_f1": 0.5},
        {"key_fact_shown": 0.7},
        rows,
        thresholds={"abstention": 0.78},
        notes=["<b>note</b>"],
    )


def test_reports_are_written_with_plots(tmp_path: Path) -> None:
    paths = write_reports(result(), tmp_path)
    data = json.loads(paths[0].read_text())
    assert data["suite"] == "nrw" and data["metrics"]["key_fact_shown"] == 0.9 and len(data["rows"]) == 2
    assert {"nrw_per_kind.png", "nrw_latency.png", "nrw_scores.png"} <= {p.name for p in tmp_path.iterdir()}
    md = paths[1].read_text()
    assert "| key_fact_shown | 0.900 | 0.700 |" in md and "![nrw: Latency](nrw_latency.png)" in md
    page = paths[2].read_text()
    assert "data:image/png;base64," in page and "&lt;b&gt;note&lt;/b&gt;" in page


def test_compare_prints_deltas() -> None:
    table = compare({"metrics": {"key_fact_shown": 0.8}}, result())
    assert "| key_fact_shown | 0.800 | 0.900 | +0.100 |" in table
    assert "| abstention_f1 | – | 0.500 |  |" in table


def test_floors_fail_only_below() -> None:
    assert below_floors(result(), {"nrw/key_fact_shown": 0.9, "nrw/abstention_f1": 0.4}) == []
    assert below_floors(result(), {"nrw/abstention_f1": 0.6}) == ["nrw/abstention_f1 = 0.500 < 0.6"]
    assert below_floors(result(), {}, {"nrw/abstention_f1": 0.4}) == ["nrw/abstention_f1 = 0.500 > 0.4"]
    assert below_floors(result(), {}, {"nrw/abstention_f1": 0.5}) == []


def test_merged_suites_prefix_their_metrics() -> None:
    merged = result().merged(SuiteResult("omosqa", {"selection_f1": 0.3}, {}, []), "all")
    assert merged.metrics == {"nrw/key_fact_shown": 0.9, "nrw/abstention_f1": 0.5, "omosqa/selection_f1": 0.3}
    assert below_floors(merged, {"omosqa/selection_f1": 0.35}) == ["omosqa/selection_f1 = 0.300 < 0.35"]
