from app.answering import citation_problems
from app.core import Citation, RetrievedChunk

CHUNK = RetrievedChunk(doc_id="d", chunk_id="c1", score=0.9, text="Erster Satz.\nZweiter   Satz mit Zahl 54.")


def cite(n: int, quote: str, chunk_id: str = "c1") -> Citation:
    return Citation(n=n, doc_id="d", chunk_id=chunk_id, title="T", date=None, quote=quote)


def test_valid_citations_have_no_problems() -> None:
    assert citation_problems("Es gibt 54. [1]", [cite(1, "Zweiter Satz mit Zahl 54.")], [CHUNK]) == []


def test_quote_may_differ_in_whitespace_only() -> None:
    assert citation_problems("A [1]", [cite(1, "Erster Satz. Zweiter Satz")], [CHUNK]) == []


def test_unresolved_marker_is_reported() -> None:
    assert citation_problems("A [1] B [9]", [cite(1, "Erster Satz.")], [CHUNK]) == ["[9] verweist auf keine Quelle"]


def test_quote_not_in_chunk_is_reported() -> None:
    assert citation_problems("A [1]", [cite(1, "Es gibt 55 Zentren.")], [CHUNK]) == [
        "[1] Zitat steht nicht wörtlich im Abschnitt"
    ]


def test_citation_of_unretrieved_chunk_is_reported() -> None:
    assert citation_problems("A [1]", [cite(1, "Erster Satz.", "other")], [CHUNK]) == [
        "[1] zitiert einen nicht abgerufenen Abschnitt"
    ]


def test_unused_citation_is_reported() -> None:
    assert citation_problems("A", [cite(1, "Erster Satz.")], [CHUNK]) == ["Quelle [1] wird im Text nicht verwendet"]
