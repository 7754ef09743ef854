"""The README's example outputs, regenerated from a real run: every fenced block that starts
with ``$ lotse ask "…"`` gets what ``lotse ask`` prints for that question today.

    python -m evals.readme_examples          # rewrite README.md
    python -m evals.readme_examples --check  # exit 1 if an example is stale (the test does this)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from app.core import Settings
from app.edges import render_text
from app.pipeline import Lotse

README = Path(__file__).resolve().parent.parent / "README.md"
EXAMPLE = re.compile(r"(```\n\$ lotse ask \"(?P<question>[^\"]+)\"\n)(?P<output>.*?)(```)", re.S)


def regenerated(readme: str, lotse: Lotse) -> str:
    """The README text with each example's output replaced by Lotse's answer now."""
    return EXAMPLE.sub(lambda m: f"{m.group(1)}{render_text(lotse.ask(m.group('question')))}\n{m.group(4)}", readme)


def main(argv: list[str]) -> int:
    """Rewrite the README's example outputs, or with ``--check`` only compare them (exit code 1 if stale)."""
    lotse = Lotse.from_settings(Settings())
    current = README.read_text(encoding="utf-8")
    fresh = regenerated(current, lotse)
    if "--check" in argv:
        if fresh != current:
            print("README.md: Beispielausgaben sind veraltet; neu erzeugen mit: python -m evals.readme_examples")
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    print(f"README.md: {len(EXAMPLE.findall(current))} Beispiele neu erzeugt.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
