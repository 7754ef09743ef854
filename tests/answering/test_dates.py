"""An outdated figure never looks current: an answer line from an old source says its year, and a
press release or web page without a date is shown as undated."""

from app.answering.extractive import dated
from app.core import Answer, Citation, RetrievedChunk, source_note_year
from app.edges import render_text

OLD = RetrievedChunk("press/old", "o", 0.8, "", "Alt", date="2018-10-02")
NEW = RetrievedChunk("press/new", "n", 0.8, "", "Neu", date="2026")
UNDATED = RetrievedChunk("press/viersen", "v", 0.8, "", "Kreis Viersen")
PROGRAMME = RetrievedChunk("programmes/ki", "p", 0.8, "", "KI")


def test_the_newest_year_of_a_source_note() -> None:
    assert source_note_year("Es gibt 54. (Quelle: PM 14.07.2022, PM 05.11.2020)") == 2022
    assert source_note_year("Es gibt 54. (Quelle: PM Kreis Viersen)") is None
    assert source_note_year("Seit 2015 gibt es das.") is None  # a year in the sentence is not its date


def test_the_first_line_from_an_old_source_says_its_year_once() -> None:
    lines = [
        (OLD, "Es gibt 54 Zentren.", "Es gibt 54 Zentren."),
        (OLD, "Sie beraten.", "Sie beraten."),
        (NEW, "Es gibt 2 neue.", "Es gibt 2 neue."),
        (UNDATED, "Es hilft.", "Es hilft."),
        (PROGRAMME, "Es ist alt.", "Es ist alt. (Quelle: PM 05.11.2020)"),
    ]
    shown = [text for _, text, _ in dated(lines, current_year=2026)]
    assert shown == [
        "Es gibt 54 Zentren (Stand 2018).",
        "Sie beraten.",
        "Es gibt 2 neue.",
        "Es hilft.",
        "Es ist alt (Stand 2020).",
    ]
    assert [quote for _, _, quote in dated(lines, 2026)] == [quote for _, _, quote in lines]  # quotes stay verbatim


def test_an_undated_press_release_is_shown_as_undated_a_programme_description_is_not() -> None:
    citations = [Citation.of(1, UNDATED, "Es hilft."), Citation.of(2, PROGRAMME, "Es ist alt."), Citation.of(3, OLD, "Alt.")]
    text = render_text(Answer("?", "Es hilft. [1] Es ist alt. [2] Alt. [3]", False, citations))
    assert "[1] Kreis Viersen (ohne Datum)" in text and "[2] KI\n" in text and "[3] Alt (2018-10-02)" in text


def test_a_local_citation_shows_its_place_unless_its_title_names_it() -> None:
    lotsen = RetrievedChunk("press/l", "l", 0.8, "", "Integrationslotsen", date="2026", places=("Kreis Coesfeld",))
    kleve = RetrievedChunk("press/k", "k", 0.8, "", "Welcome Center des Kreises Kleve", places=("Kreis Kleve",))
    overview = RetrievedChunk("press/o", "o", 0.8, "", "Überblick", places=("Nordrhein-Westfalen", "Köln"))
    citations = [Citation.of(1, lotsen, "A."), Citation.of(2, kleve, "B."), Citation.of(3, overview, "C.")]
    text = render_text(Answer("?", "A. [1] B. [2] C. [3]", False, citations))
    assert "[1] Integrationslotsen (2026) · Kreis Coesfeld\n" in text
    assert "[2] Welcome Center des Kreises Kleve (ohne Datum)\n" in text and "[3] Überblick (ohne Datum)\n" in text
