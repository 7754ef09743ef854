"""What a suite run returns: Lotse's metrics, the naive baseline's, and one row per question."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SuiteResult:
    """``metrics`` and ``baseline`` share names where the measure applies to both."""

    suite: str
    metrics: dict[str, float]
    baseline: dict[str, float]
    rows: list[dict[str, Any]]
    thresholds: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    parts: list[SuiteResult] = field(default_factory=list)

    def merged(self, other: SuiteResult, suite: str) -> SuiteResult:
        """Two suites (or a merged report and a suite) as one report, metric names prefixed with their suite."""
        return SuiteResult(
            suite=suite,
            metrics={**_prefixed(self), **_prefixed(other)},
            baseline={**_prefixed(self, baseline=True), **_prefixed(other, baseline=True)},
            rows=[{"suite": self.suite, **r} for r in self.rows] + [{"suite": other.suite, **r} for r in other.rows],
            notes=self.notes + other.notes,
            parts=[*(self.parts or [self]), *(other.parts or [other])],
        )


def _prefixed(result: SuiteResult, *, baseline: bool = False) -> dict[str, float]:
    source = result.baseline if baseline else result.metrics
    return {k if "/" in k else f"{result.suite}/{k}": v for k, v in source.items()}
