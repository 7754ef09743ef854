"""The shipped emergency numbers: each stated by the passage of a public page, shown in the
interface language."""

from __future__ import annotations

import re

import pytest

from app.core import LANGUAGES, Settings
from app.edges.web.emergency import NOTICE, ROLES, EmergencyNumbers, emergency_notice

SHIPPED = EmergencyNumbers.load(Settings().emergency_path)


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@pytest.mark.parametrize("role", sorted(SHIPPED.numbers))
def test_every_number_is_stated_by_the_passage_of_a_source(role: str) -> None:
    stating = [s for s in SHIPPED.sources if role in s.states]
    assert stating and all(s.url.startswith("https://") for s in stating)
    for number in SHIPPED.numbers[role].split(","):
        assert any(re.search(rf"(?<!\d){digits(number)}(?!\d)", re.sub(r"(?<=\d)[ /](?=\d)", "", s.passage)) for s in stating), (
            role,
            number,
        )


def test_the_notice_names_every_number_and_nothing_else() -> None:
    assert set(re.findall(r"\{(\w+)\}", NOTICE)) == set(SHIPPED.numbers) == set(ROLES)


def test_a_file_without_one_of_the_numbers_shows_no_notice(tmp_path) -> None:
    (tmp_path / "emergency").mkdir()
    shipped = Settings().emergency_path.read_text(encoding="utf-8")
    (tmp_path / "emergency" / "emergency.yaml").write_text(shipped.replace("  police:", "  polizei:"), encoding="utf-8")
    assert emergency_notice(Settings(corpus_dir=tmp_path), "de") == ""


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_notice_is_in_the_interface_language_with_its_sources(language: str) -> None:
    notice = emergency_notice(Settings(), language)
    for number in (n.strip() for numbers in SHIPPED.numbers.values() for n in numbers.split(",")):
        shown = number.replace(" ", "\u00a0")  # on one line, left to right in Arabic, one tap calls it
        assert f"\u2066[{shown}](tel:{digits(number)})\u2069" in notice
    assert all(f"]({s.url})" in notice for s in SHIPPED.sources)
    assert ("Gefahr" in notice) == language.startswith("de")
