"""The referral a decline ends with: every Kreis has a KI, and the asked place's own, cited."""

from app.answering.near_miss import cited_referral
from app.core import RetrievedChunk
from app.retrieval import Quoted, Referral

GENERAL = Quoted(
    RetrievedChunk("press/viersen", "press/viersen-c", 1.0, "… über ein KI.", "PM Kreis Viersen"),
    "Heute verfügen alle Kreise und kreisfreien Städte in Nordrhein-Westfalen über ein Kommunales Integrationszentrum.",
)
BONN = Quoted(
    RetrievedChunk("programmes/ki-bonn", "programmes/ki-bonn-c", 1.0, "…", "KI Bonn", places=("Bonn",)),
    "Im Kommunalen Integrationszentrum der Stadt Bonn werden Familien angesprochen. (Quelle: PM Chancentour 2025)",
)


def test_the_local_sentence_follows_the_general_one_shown_without_its_source_note() -> None:
    referral = Referral(GENERAL.chunk, GENERAL.passage, local=BONN)
    cited = cited_referral(referral, 2, local=True)
    assert (
        cited.text == f"{GENERAL.passage} [2] Im Kommunalen Integrationszentrum der Stadt Bonn werden Familien angesprochen. [3]"
    )
    assert [(c.n, c.doc_id, c.quote) for c in cited.citations] == [
        (2, "press/viersen", GENERAL.passage),
        (3, "programmes/ki-bonn", BONN.passage),  # the quote keeps the note: it is what the document says
    ]
    assert cited.chunks == [GENERAL.chunk, BONN.chunk]


def test_without_a_local_description_or_when_not_asked_for_only_the_general_sentence_is_cited() -> None:
    for referral, local in [
        (Referral(GENERAL.chunk, GENERAL.passage), True),
        (Referral(GENERAL.chunk, GENERAL.passage, BONN), False),
    ]:
        cited = cited_referral(referral, 1, local=local)
        assert cited.text == f"{GENERAL.passage} [1]" and [c.doc_id for c in cited.citations] == ["press/viersen"]
