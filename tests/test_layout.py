"""The package layout's rule that import-linter cannot check: outside a package, only the
names its ``__init__`` exports (``__all__``) are imported. Within a package, modules import
their siblings directly."""

from __future__ import annotations

import ast
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.offline import NO_REPORTS

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = sorted(p.name for p in (ROOT / "app").iterdir() if (p / "__init__.py").is_file())


def _sources() -> list[Path]:
    return sorted(p for folder in ("app", "ingest", "evals", "benchmarks") for p in (ROOT / folder).rglob("*.py"))


def _home(path: Path) -> str | None:
    """The app package a file belongs to (None outside app)."""
    parts = path.relative_to(ROOT).parts
    return parts[1] if parts[0] == "app" and len(parts) > 2 else None


def _violations(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom) or not node.module or not node.module.startswith("app."):
            continue
        package = node.module.split(".")[1]
        if package == _home(path):
            continue
        if node.module.count(".") > 1:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports the module {node.module}")
            continue
        public = set(importlib.import_module(node.module).__all__)
        found += [
            f"{path.relative_to(ROOT)}:{node.lineno} imports {a.name}, not in {node.module}.__all__"
            for a in node.names
            if a.name not in public
        ]
    return found


def test_every_app_package_has_a_docstring_and_a_public_surface() -> None:
    assert {"core", "index", "conversation", "retrieval", "answering", "pipeline", "edges"} <= set(PACKAGES)
    for name in PACKAGES:
        module = importlib.import_module(f"app.{name}")
        assert module.__doc__ and len(module.__doc__.split()) > 15, name
        assert module.__all__ and all(hasattr(module, n) for n in module.__all__), name


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_other_packages_are_imported_through_their_public_names(path: Path) -> None:
    assert _violations(path) == []


def _reporting_variables(code: str) -> dict[str, str | None]:
    """The ``NO_REPORTS`` variables after running ``code`` in a fresh interpreter started without them."""
    env = {k: v for k, v in os.environ.items() if k not in NO_REPORTS}
    show = f"import json, os; print(json.dumps({{k: os.environ.get(k) for k in {sorted(NO_REPORTS)!r}}}))"
    done = subprocess.run(
        [sys.executable, "-c", f"{code}; {show}"], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout.splitlines()[-1]))


def test_importing_the_library_changes_no_environment_variable() -> None:
    assert set(_reporting_variables("import app.pipeline, app.edges").values()) == {None}


def test_the_lotse_command_turns_the_offline_guard_on_before_anything_runs() -> None:
    assert _reporting_variables("from app.edges.cli import main; main(['--help'], standalone_mode=False)") == NO_REPORTS
