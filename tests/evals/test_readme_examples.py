import pytest

from app.pipeline import Lotse
from evals.readme_examples import EXAMPLE, README, regenerated

pytestmark = pytest.mark.integration


def test_readme_examples_are_what_lotse_answers_today(lotse: Lotse) -> None:
    readme = README.read_text(encoding="utf-8")
    assert len(EXAMPLE.findall(readme)) >= 3
    assert regenerated(readme, lotse) == readme, "veraltet: python -m evals.readme_examples"
