"""Personal data is replaced before anything is stored; names of programmes, places and years
survive. The cases are in ``pii_cases.py``; the table of what is caught, missed and wrongly
replaced is written to reports/privacy/pii.md (the closing notes quote it)."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest

from app.core import sentences_of
from app.edges.privacy import scrub
from tests.edges.pii_cases import CASES, KNOWN_MISSES, PUBLIC, Case

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "reports" / "privacy" / "pii.md"
PLACES = ROOT / "app" / "conversation" / "places"
CORPUS_FILES = sorted(p for p in (ROOT / "corpus").rglob("*") if p.suffix in {".md", ".txt", ".yaml"})
# What scrubbing may change in the corpus: the press office's contacts (the rules cannot tell
# an office's number from a person's) and names of persons (public officials in press releases).
CORPUS_PERSONAL = {
    "0211 837-2417": "[TELEFON]",
    "0211 837-2000": "[TELEFON]",
    "presse [at] mkjfgfi.nrw.de": "[E-MAIL]",
    "nrwdirekt [at] nrw.de": "[E-MAIL]",
    "Josefine Paul": "[NAME]",
    "Ministerin Paul": "Ministerin [NAME]",
    "Lorenz Bahr": "[NAME]",
    "Andreas Coenen": "[NAME]",
    # the crisis line of corpus/emergency/emergency.yaml and of its source's passage
    "0800 111 0 111": "[TELEFON]",
    "0800 111 0 222": "[TELEFON]",
    "0800/1110111": "[TELEFON]",
    "0800/1110222": "[TELEFON]",
}


def caught(case: Case) -> bool:
    result = scrub(case.text)
    return not any(p in result for p in case.personal)


def test_the_table_covers_six_languages_and_sixty_cases() -> None:
    assert len(CASES) >= 60
    assert len({c.lang for c in CASES}) >= 6


@pytest.mark.parametrize("case", [c for c in CASES if c.text not in KNOWN_MISSES], ids=lambda c: f"{c.lang}-{c.category}")
def test_personal_data_is_replaced_and_the_rest_survives(case: Case) -> None:
    result = scrub(case.text)
    assert caught(case), result
    assert all(p in result for p in case.public), result
    assert "[" in result


@pytest.mark.parametrize("text", sorted(KNOWN_MISSES))
def test_known_misses_are_really_missed(text: str) -> None:
    """If a rule starts catching one of these, move it out of KNOWN_MISSES."""
    assert not caught(next(c for c in CASES if c.text == text))


@pytest.mark.parametrize("text", PUBLIC)
def test_what_is_not_personal_comes_through_unchanged(text: str) -> None:
    assert scrub(text) == text


def corpus_sentences() -> list[str]:
    return [s for path in CORPUS_FILES for s in sentences_of(path.read_text(encoding="utf-8"))]


def expected_in_corpus(sentence: str) -> str:
    for personal, placeholder in CORPUS_PERSONAL.items():
        sentence = sentence.replace(personal, placeholder)
    return sentence


def test_programme_texts_keep_everything_but_contacts_and_names_of_persons() -> None:
    """Every sentence of the corpus: nothing changes but the listed contacts and names."""
    sentences = corpus_sentences()
    assert len(sentences) > 500
    changed = [(s, scrub(s)) for s in sentences if scrub(s) != s]
    assert [(s, r) for s, r in changed if r != expected_in_corpus(s)] == []


def test_every_place_in_nrw_survives() -> None:
    names = [
        row["name"]
        for file in ("nrw_gemeinden.csv", "nrw_kreise.csv")
        for row in csv.DictReader((PLACES / file).open(encoding="utf-8"))
    ]
    texts = [f"Ich wohne in {name} und suche einen Kurs. Ich bin aus {name}." for name in names]
    assert [t for t in texts if scrub(t) != t] == []


def test_a_long_answer_is_scrubbed_quickly() -> None:
    text = " ".join(PUBLIC + [c.text for c in CASES])[:4000]
    started = time.perf_counter()
    scrub(text)
    assert time.perf_counter() - started < 1.0


def test_report() -> None:
    """The table the closing notes quote: per language and category, caught of cases."""
    rows = ["| language | category | cases | caught |", "|---|---|---|---|"]
    groups: dict[tuple[str, str], list[Case]] = {}
    for c in CASES:
        groups.setdefault((c.lang, c.category), []).append(c)
    rows += [f"| {lang} | {category} | {len(cases)} | {sum(map(caught, cases))} |" for (lang, category), cases in groups.items()]
    false_positives = [t for t in PUBLIC if scrub(t) != t]
    total = sum(map(caught, CASES))
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(
        f"caught {total} of {len(CASES)}, false positives {len(false_positives)} of {len(PUBLIC)}\n\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
