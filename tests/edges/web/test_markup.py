import html

from app.core import Answer, Citation, RetrievedChunk
from app.edges.web.markup import answer_markdown, escape_markdown, highlighted, source_cards


def test_markdown_escaping_keeps_markup_literal() -> None:
    escaped = escape_markdown("<img src=x onerror=alert(1)> *fett* [1](http://x)")
    assert "<" not in escaped and "&lt;img" in escaped
    assert "*" not in escaped and "[" not in escaped and "(" not in escaped
    assert html.unescape(escaped) == "<img src=x onerror=alert(1)> *fett* [1](http://x)"


def test_escaped_text_has_no_backslashes_or_addresses_to_autolink() -> None:
    escaped = escape_markdown("a_b@beispiel.de https://www.beispiel.de/a_b")
    assert "\\" not in escaped and "://" not in escaped and "www." not in escaped
    assert html.unescape(escaped) == "a_b@beispiel.de https://www.beispiel.de/a_b"


def test_citations_become_links_to_their_cards() -> None:
    assert answer_markdown("Satz. [2]", 3) == "Satz&#46; [[2]](#quelle-3-2)"


def test_highlight_marks_the_quote_and_escapes_the_rest() -> None:
    out = highlighted("Vorher <b>x</b>.  Der   zitierte Satz. Danach.", "Der zitierte Satz.")
    assert out == "Vorher &lt;b&gt;x&lt;/b&gt;. <mark>Der zitierte Satz.</mark> Danach."


def test_source_cards_show_title_kind_date_and_escape_document_text() -> None:
    chunk = RetrievedChunk(
        doc_id="d", chunk_id="c", score=0.9, text="A <script>x</script> Satz.", title="T<i>", date="2022-07-14", kind="press"
    )
    answer = Answer("F", "Satz. [1]", False, [Citation(1, "d", "c", "T<i>", "2022-07-14", "Satz.")], [chunk])
    card = source_cards(answer, 1)
    assert (
        "id='quelle-1-1'" in card and "[1] <span lang='de'>T&lt;i&gt;</span>" in card and "Pressemitteilung · 2022-07-14" in card
    )
    assert "<script>" not in card and "&lt;script&gt;" in card and "<mark>Satz.</mark>" in card
    assert "Programmbeschreibung" not in card and "Pressemitteilung" in source_cards(answer, 1, "de-simple")
    assert "Press release · 2022-07-14" in source_cards(answer, 1, "en")


def test_citations_of_one_document_share_a_card_with_a_passage_each() -> None:
    chunks = [
        RetrievedChunk(doc_id="d", chunk_id=f"c{i}", score=0.9, text=f"Satz {i}.", title="T", kind="programme") for i in (1, 2)
    ]
    other = RetrievedChunk(doc_id="e", chunk_id="e1", score=0.8, text="Anderes.", title="U", kind="press")
    citations = [
        Citation(1, "d", "c1", "T", None, "Satz 1."),
        Citation(2, "e", "e1", "U", None, "Anderes."),
        Citation(3, "d", "c2", "T", None, "Satz 2."),
    ]
    cards = source_cards(Answer("F", "Satz 1. [1] Anderes. [2] Satz 2. [3]", False, citations, [*chunks, other]), 2)
    assert cards.count("<details") == 2
    first = cards.split("\n")[0]
    assert (
        "<summary>[1] [3] <span lang='de'>T</span></summary>" in first
        and "id='quelle-2-1'" in first
        and "id='quelle-2-3'" in first
    )
    assert "<mark>Satz 2.</mark>" in first and "id='quelle-2-2'" in cards.split("\n")[1]


def test_an_answer_of_several_lines_is_a_list() -> None:
    assert (
        answer_markdown("Erstes Angebot. [1]\nZweites - Angebot. [2]", 1)
        == "- Erstes Angebot&#46; [[1]](#quelle-1-1)\n- Zweites &#45; Angebot&#46; [[2]](#quelle-1-2)"
    )


def test_a_fetched_page_links_to_its_address_and_nothing_else_does() -> None:
    chunk = RetrievedChunk(
        doc_id="web/x",
        chunk_id="c",
        score=0.9,
        text="Satz.",
        title="T",
        kind="press",
        url="https://www.beispiel.de/presse/a?b=1&c='x'",
    )
    answer = Answer("F", "Satz. [1]", False, [Citation.of(1, chunk, "Satz.")], [chunk])
    card = source_cards(answer, 1)
    assert "href='https://www.beispiel.de/presse/a?b=1&amp;c=&#x27;x&#x27;'" in card and "rel='noopener noreferrer'" in card
    hostile = RetrievedChunk(
        doc_id="web/y", chunk_id="d", score=0.9, text="Satz.", title="T", kind="press", url="javascript:alert(1)"
    )
    assert "href" not in source_cards(Answer("F", "Satz. [1]", False, [Citation.of(1, hostile, "Satz.")], [hostile]), 1)


def test_a_card_says_when_a_press_release_is_undated_and_which_place_a_local_one_is_about() -> None:
    chunk = RetrievedChunk(
        doc_id="press/v", chunk_id="v", score=0.9, text="Satz.", title="Besuch", kind="press", places=("Kreis Viersen",)
    )
    card = source_cards(Answer("F", "Satz. [1]", False, [Citation.of(1, chunk, "Satz.")], [chunk]), 1, "ar")
    assert "بدون تاريخ" in card and "<span lang='de'>Kreis Viersen</span>" in card
