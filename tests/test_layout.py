"""The package layout's rule that import-linter cannot check: outside a package, only the
names its ``__init__`` exports (``__all__``) are imported. Within a package, modules import
their siblings directly."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

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
        found += [f"{path.relative_to(ROOT)}:{node.lineno} imports {a.name}, not in {node.module}.__all__"
                  for a in node.names if a.name not in public]
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
