"""Each cleaning rule, on the real seed text."""

from ingest.clean import clean_page, drop_contact_block, drop_repeated_paragraphs, drop_social_media_block, to_lines
from tests.conftest import CORPUS

PRESS = CORPUS / "press"


def seed(name: str) -> str:
    return next(PRESS.glob(f"{name}_*.txt")).read_text(encoding="utf-8")


def test_social_media_block_is_removed_from_000_and_002() -> None:
    for name in ("000", "002"):
        lines = drop_social_media_block(to_lines(seed(name)))
        text = "\n".join(lines)
        assert "Social Media" not in text
        assert "Datenfeeds" not in text and "Netiquette" not in text
        assert "Facebook, X/Twitter" not in text
    assert any("Iriba-Brunnen" in line for line in drop_social_media_block(to_lines(seed("000"))))


def test_contact_block_is_removed_from_001() -> None:
    lines = drop_contact_block(to_lines(seed("001")))
    text = "\n".join(lines)
    for gone in ("Pressekontakt", "Telefon", "E-Mail", "Bürgeranfragen", "nrwdirekt"):
        assert gone not in text
    assert lines[-1].startswith("In Migrant*innenselbstorganisationen engagieren sich")


def test_a_services_own_contact_line_outside_a_contact_block_is_kept() -> None:
    own = "Telefon: 01234 202122. Das Team berät Neuzugewanderte bei der Anmeldung."
    lines = drop_contact_block(
        ["Welcome Center", "Das Welcome Center ist montags geöffnet.", own, "Pressekontakt", "Telefon: 0211 837-2417"]
    )
    assert lines == ["Welcome Center", "Das Welcome Center ist montags geöffnet.", own]


def test_exactly_repeated_run_in_002_is_kept_once() -> None:
    raw = to_lines(seed("002"))
    marker = "Weitere Station des Besuchs war das Dokumentationszentrum"
    assert sum(marker in line for line in raw) == 2
    assert sum(marker in line for line in drop_repeated_paragraphs(raw)) == 1


def test_teaser_repeated_inside_the_first_paragraph_of_001_is_dropped() -> None:
    teaser = "Rund ein Drittel der Menschen in Nordrhein-Westfalen hat eine Einwanderungsgeschichte."
    raw = to_lines(seed("001"))
    assert sum(line.startswith(teaser) for line in raw) == 2
    assert sum(line.startswith(teaser) for line in drop_repeated_paragraphs(raw)) == 1


def test_nonbreaking_spaces_in_004_are_normalised() -> None:
    assert "\u00a0" in seed("004")
    assert all("\u00a0" not in line for line in clean_page(seed("004")))
    assert any(line.endswith("Pressemitteilung vom 5. November 2020") for line in clean_page(seed("004")))


def test_cleaning_keeps_every_fact_paragraph() -> None:
    text = "\n".join(clean_page(seed("003")))
    for fact in ("75 Millionen Euro", "über 400 zugewanderte Menschen", "38,1 Millionen Euro", "KOMM-AN NRW"):
        assert fact in text
