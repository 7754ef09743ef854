"""End to end on the real corpus with the real embedder and a real (embedded) Chroma."""

import dataclasses

import numpy as np
import pytest

from app.answering import ExtractiveComposer, MarginSelector, citation_problems
from app.answering.gates import DETAILS
from app.core import Answer, InvalidQuestion
from app.pipeline import Lotse
from app.retrieval.pages import REFERRAL_PASSAGES

pytestmark = pytest.mark.integration


def shown(answer: Answer) -> str:
    return " ".join([answer.answer, *(c.quote for c in answer.citations)])


def assert_verified(answer: Answer) -> None:
    assert citation_problems(answer.answer, answer.citations, answer.retrieved) == []
    assert answer.citations, answer.answer


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("Wie viele Kommunale Integrationszentren gibt es in Nordrhein-Westfalen?", "54"),
        ("Seit wann gibt es KOMM-AN NRW?", "2015"),
        ("Seit wann gibt es das KI in Dortmund?", "2013"),  # "KI", which the embedder reads as AI
        ("Wie viel Geld hat das Land 2023 für das Kommunale Integrationsmanagement bereitgestellt?", "75 Millionen Euro"),
        ("Wo wurde GriffbereitMini entwickelt?", "Dortmund"),
        ("Was macht das Welcome Center im Kreis Kleve?", "Ausländerbehörde"),
    ],
)
def test_facts_are_answered_with_verified_cited_quotes(lotse: Lotse, question: str, fact: str) -> None:
    answer = lotse.ask(question)
    assert not answer.abstained
    assert_verified(answer)
    assert any(fact in c.quote for c in answer.citations), shown(answer)
    assert all(f"[{c.n}]" in answer.answer for c in answer.citations)


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Für wen engagiert sich der Verein SOFRA?", "für wen engagiert sich der verein sofra?"),
        ("Welche Hilfe gibt es in Köln für Geflüchtete?", "Welche Hilfe gibt es in Koln fur Gefluchtete?"),
        (
            "Wie viel Geld war 2021 für das Kommunale Integrationsmanagement eingeplant?",
            "Wie viel Geld war 2021 fur das Kommunale Interationsmanagement eingeplant?",
        ),
    ],
)
def test_a_question_typed_in_lower_case_without_umlauts_or_with_a_slip_is_answered_from_the_same_document(
    lotse: Lotse, written: str, typed: str
) -> None:
    answer, typed_answer = lotse.ask(written), lotse.ask(typed)
    assert not typed_answer.abstained and typed_answer.question == typed
    assert typed_answer.citations[0].doc_id == answer.citations[0].doc_id, shown(typed_answer)


@pytest.mark.parametrize(
    ("question", "programme"),
    [
        ("Eine Beraterin in Bonn hat mir von KOMM-AN NRW erzählt. Was ist das?", "KOMM-AN"),
        ("Ich wohne in Solingen. Was ist das Kommunale Integrationsmanagement?", "Integrationsmanagement"),
    ],
)
def test_what_a_land_programme_is_is_answered_wherever_the_asker_lives(lotse: Lotse, question: str, programme: str) -> None:
    answer = lotse.ask(question)
    assert not answer.abstained and programme in answer.answer, answer.answer
    assert_verified(answer)


def test_a_detail_that_differs_by_place_is_not_answered_from_the_lands_description(lotse: Lotse) -> None:
    assert lotse.ask("Wie viel Geld bekommt das Kommunale Integrationsmanagement in Bonn?").abstained


def test_answer_to_komm_an_cites_its_source(lotse: Lotse) -> None:
    answer = lotse.ask("Was ist KOMM-AN NRW?")
    assert not answer.abstained and "KOMM-AN NRW" in shown(answer)
    assert {c.doc_id for c in answer.citations} <= {r.doc_id for r in answer.retrieved}


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("Wie wird das Wetter morgen in Köln?", "keine verlässliche Antwort"),
        ("Wie viele Integrationsagenturen gibt es in NRW?", "Zu Integrationsagenturen nennen meine Dokumente keine Zahl."),
        ("Gibt es ein Welcome Center in Aachen?", "keine verlässliche Antwort"),
    ],
)
def test_questions_the_corpus_cannot_answer_are_declined_with_a_cited_referral(lotse: Lotse, question: str, said: str) -> None:
    answer = lotse.ask(question)
    assert answer.abstained
    assert said in answer.answer
    assert_verified(answer)
    assert any(c.quote in REFERRAL_PASSAGES for c in answer.citations)  # every Kreis has a KI


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("What is GriffbereitMini?", "ersten Lebensjahr"),
        ("Скільки мов розмовляють Stadtteilmütter у Кельні?", "neun"),
        ("كم عدد مراكز الاندماج البلدية في شمال الراين وستفاليا؟", "54"),
        ("Bochum'daki Welcome Office ne yapıyor?", "Arbeitsmarktintegration"),
    ],
)
def test_questions_in_other_languages_get_german_answers(lotse: Lotse, question: str, fact: str) -> None:
    answer = lotse.ask(question)
    assert not answer.abstained and fact in shown(answer)
    assert_verified(answer)


KI_PAGES = "programmes/ki-"


@pytest.mark.parametrize(
    ("question", "office", "description", "place_word"),
    [
        ("Gibt es ein Welcome Center in Aachen?", "der Städteregion Aachen", None, None),
        (
            "Wie viel Geld bekommt Bonn aus KOMM-AN NRW?",
            "der Stadt Bonn",
            "programmes/ki-bonn-und-kreis-minden-luebbecke",
            "Bonn",
        ),
        ("Wo finde ich einen Kinderarzt in Brüggen?", "des Kreises Viersen", f"{KI_PAGES}kreis-viersen", "Viersen"),
    ],
)
def test_a_decline_sends_the_asker_to_the_ki_of_the_named_place_and_cites_its_description(
    lotse: Lotse, question: str, office: str, description: str | None, place_word: str | None
) -> None:
    """The documents describe Bonn's and the Kreis Viersen's KI (cited second, with a sentence
    naming the place), not Aachen's (only the statement that every Kreis has one)."""
    answer = lotse.ask(question)
    assert answer.abstained and f"beim Kommunalen Integrationszentrum {office} nach" in answer.answer
    assert_verified(answer)
    assert answer.citations[0].quote in REFERRAL_PASSAGES
    described = [(c.n, c.doc_id, place_word in c.quote) for c in answer.citations[1:]]
    assert described == ([] if description is None else [(2, description, True)])


def test_a_document_about_three_places_answers_for_each_with_its_own_sentences(lotse: Lotse) -> None:
    minden = lotse.ask("Worauf legt das KI im Kreis Minden-Lübbecke seinen Schwerpunkt?")
    assert "Mehrsprachigkeit" in minden.answer and "Quartier" not in minden.answer and "Solingen" not in minden.answer
    bonn = lotse.ask("Was macht das KI in Bonn?")  # what Bonn's KI does, not only what every KI does
    assert "Quartier" in bonn.answer and "Mehrsprachigkeit" not in bonn.answer
    assert_verified(minden)
    assert_verified(bonn)


def test_a_gemeinde_narrows_to_its_kreis_and_the_near_miss_answer_names_it(lotse: Lotse) -> None:
    answer = lotse.ask("Ich wohne in Brüggen. Wie ist die Telefonnummer vom Integrationszentrum?")
    assert answer.abstained and answer.answer.startswith("Zum Kreis Viersen nennen meine Dokumente keine Telefonnummer.")
    assert "des Kreises Viersen" in answer.answer


def test_place_filter_keeps_that_place_and_statewide_chunks(lotse: Lotse) -> None:
    answer = lotse.ask("Welche Angebote gibt es für Familien?", place="KÖLN")
    places = [r.places for r in answer.retrieved[: lotse.settings.top_k]]
    assert places and all("Köln" in p or "Nordrhein-Westfalen" in p for p in places)


@pytest.mark.parametrize(
    "question", ["What is ein Kommunales Integrationszentrum?", "Was ist ein Kommunales Integrationszentrum?"]
)
def test_what_a_programme_is_comes_from_its_land_wide_description_not_a_citys(lotse: Lotse, question: str) -> None:
    answer = lotse.ask(question)
    assert answer.citations[0].doc_id == "programmes/kommunale-integrationszentren", answer.answer


def test_a_programme_described_for_one_city_only_is_answered_from_that_description(lotse: Lotse) -> None:
    assert lotse.ask("Was ist SOFRA?").citations[0].doc_id == "programmes/sofra-koeln"


def test_what_a_programme_is_in_a_place_is_searched_in_that_place_and_the_land_only(lotse: Lotse) -> None:
    answer = lotse.ask("Was ist das Kommunale Integrationszentrum in Bochum?")
    places = [r.places for r in answer.retrieved]
    assert places and all("Bochum" in p or "Nordrhein-Westfalen" in p for p in places), places


@pytest.mark.parametrize(
    "question",
    [
        "Gibt es in Hamm ein Kommunales Integrationszentrum?",
        "Is there a Kommunales Integrationszentrum in Hamm?",
        "Есть ли в Хамме Kommunales Integrationszentrum?",
    ],
)
def test_whether_a_programme_of_the_land_exists_in_a_place_is_answered_from_the_lands_description(
    lotse: Lotse, question: str
) -> None:
    """The documents describe no KI of Hamm, but the Land's description says every kreisfreie Stadt has one."""
    answer = lotse.ask(question)
    assert_verified(answer)
    assert not answer.abstained, answer.answer
    assert "Kommunale Integrationszentren" in answer.answer and "Hamm" not in answer.answer


@pytest.mark.parametrize(
    "question", ["Gibt es in Essen auch GriffbereitMini?", "Gibt es in Gelsenkirchen eine Integrationsagentur?"]
)
def test_whether_another_programme_is_in_a_place_is_not_answered_from_a_description_elsewhere(
    lotse: Lotse, question: str
) -> None:
    """GriffbereitMini is Dortmund's; that the Land funds Integrationsagenturen does not put one in every town."""
    assert lotse.ask(question).abstained


def test_what_a_programme_is_is_answered_whatever_the_asker_seeks_besides(lotse: Lotse) -> None:
    """The flat the situation seeks (no document speaks of one) does not turn "Was ist KIM?" into a refusal."""
    answer = lotse.ask("Wir suchen seit Monaten eine Wohnung in Köln. Was ist KIM?")
    assert not answer.abstained and "programmes/kommunales-integrationsmanagement" in {c.doc_id for c in answer.citations}


def test_unknown_place_is_a_clear_german_error(lotse: Lotse) -> None:
    with pytest.raises(InvalidQuestion, match="Den Ort 'Atlantis' kenne ich nicht"):
        lotse.ask("Was gibt es?", place="Atlantis")


def test_markup_in_a_question_is_just_text(lotse: Lotse) -> None:
    answer = lotse.ask("<script>alert(1)</script> Was ist KOMM-AN NRW?")
    assert answer.question.startswith("<script>") and not answer.abstained


def test_timings_are_reported(lotse: Lotse) -> None:
    timings = lotse.ask("Was ist KOMM-AN NRW?").timings_ms
    assert set(timings) == {"retrieve", "answer", "total"} and timings["total"] >= timings["retrieve"] > 0


class _NeverAnswers(MarginSelector):
    """A selector that finds no answer on any page."""

    def choose(self, scores: np.ndarray) -> list[int]:
        return []


def test_the_selectors_no_answer_decides_for_german_questions_only(lotse: Lotse) -> None:
    german = "Wie viele Kommunale Integrationszentren gibt es in Nordrhein-Westfalen?"
    english = "How many municipal integration centres are there in North Rhine-Westphalia?"
    assert not lotse.ask(german).abstained  # the learned selector finds the answer
    c = lotse.composer
    assert isinstance(c, ExtractiveComposer)
    declining = dataclasses.replace(c, selector=_NeverAnswers())
    strict = lotse.with_composer(declining)
    assert strict.ask(german).abstained
    answer = strict.ask(english)
    assert not answer.abstained and "54" in shown(answer)


@pytest.mark.parametrize(
    ("question", "missing", "named"),
    [
        ("Wie lautet die Telefonnummer des Welcome Centers in Kleve?", "keine Telefonnummer", "Welcome Center"),
        ("Welche Öffnungszeiten hat der Verein Iriba-Brunnen?", "keine Öffnungszeiten", "Iriba-Brunnen"),
        ("Wie viel Geld bekommt das Welcome Office Bochum?", "keinen Betrag", "Welcome Office"),
        ("Wie viel Geld bekommt KOMM-AN NRW im Jahr 2025?", "keinen Betrag", "KOMM-AN NRW"),
        ("Wer leitet das Kommunale Integrationszentrum Köln?", "nicht, wer es leitet", "Köln"),
        ("Wie alt ist Ministerin Josefine Paul?", "kein Alter", "Josefine Paul"),
        ("What is the phone number of the Welcome Center in Kleve?", "keine Telefonnummer", "Welcome Center"),
        (
            "welche neun sprachen sprechen die stadtteilmütter genau? ist dari dabei?",
            "nicht, welche Sprachen gesprochen werden",
            "Stadtteilmütter",  # the documents say how many (nine), not which
        ),
    ],
)
def test_a_detail_the_documents_lack_gets_a_near_miss_answer(lotse: Lotse, question: str, missing: str, named: str) -> None:
    answer = lotse.ask(question)
    assert answer.abstained and f"nennen meine Dokumente {missing}." in answer.answer, answer.answer
    assert_verified(answer)
    about, referral = answer.citations
    assert named in about.quote and "Kommunales Integrationszentrum" in referral.quote
    assert not DETAILS[lotse.understand(question).detail].evidence.search(about.quote)  # no "keine Zahl: … 400 …"


def test_a_situation_naming_the_askers_boss_is_still_answered(lotse: Lotse) -> None:
    answer = lotse.ask(
        "Ich arbeite in der Migrationsberatung im Kreis Viersen und schreibe einen Bericht. Meine Chefin fragt, "
        "wie vielen Menschen das Case Management im Kreis schon geholfen hat – steht das irgendwo?"
    )
    assert not answer.abstained and "400" in answer.answer


def test_a_question_about_nothing_the_documents_name_gets_the_plain_abstention(lotse: Lotse) -> None:
    answer = lotse.ask("Wie hoch ist das Bürgergeld für Geflüchtete?")
    assert answer.abstained and answer.answer.startswith("Dazu finde ich in meinen Dokumenten keine verlässliche Antwort.")


@pytest.mark.parametrize(
    "question", ["Welche Angebote gibt es in Köln für Eltern?", "Какие есть предложения для родителей в Кёльне?"]
)
def test_a_help_list_for_parents_lists_only_offers_whose_line_speaks_of_families(lotse: Lotse, question: str) -> None:
    """SOFRA's page names families in a sentence it does not show; its line is for queer people."""
    answer = lotse.ask(question)
    cited = {c.doc_id for c in answer.citations}
    assert "programmes/stadtteilmuetter-koeln" in cited and "programmes/sofra-koeln" not in cited


@pytest.mark.parametrize("question", ["Wo bekomme ich Hilfe in Hagen?", "щойно приїхала в Хаген, куди йти з питаннями??"])
def test_a_help_list_for_a_place_without_offers_of_its_own_opens_with_its_ki(lotse: Lotse, question: str) -> None:
    answer = lotse.ask(question)
    assert_verified(answer)
    assert not answer.abstained and answer.answer.startswith(
        "Fragen Sie zuerst beim Kommunalen Integrationszentrum der Stadt Hagen nach: Heute verfügen alle Kreise"
    )
    assert len(answer.pieces) > 1  # the statewide offers follow
    local = lotse.ask("Wo bekomme ich Hilfe in Dortmund?")  # Dortmund's own offers: no such line
    assert "Fragen Sie zuerst" not in local.answer and not local.abstained


def test_stream_yields_the_verified_answer_line_by_line_then_the_answer(lotse: Lotse) -> None:
    items = list(lotse.stream("Wo bekomme ich Hilfe in Dortmund?"))
    *pieces, answer = items
    assert isinstance(answer, Answer) and not answer.abstained
    assert len(pieces) > 1 and all(isinstance(p, str) for p in pieces)
    assert "".join(pieces) == answer.answer


class _Inventing(ExtractiveComposer):
    """Cites a real chunk with a quote it does not hold."""

    def compose(self, evidence):  # type: ignore[no-untyped-def]
        draft = super().compose(evidence)
        forged = [dataclasses.replace(c, quote="Jeder bekommt 5000 Euro in bar.") for c in draft.citations]
        return dataclasses.replace(
            draft, answer="Jeder bekommt 5000 Euro in bar. [1]", citations=forged, pieces=("Jeder bekommt 5000 Euro in bar. [1]",)
        )


def test_an_answer_that_fails_its_citation_check_is_never_streamed(lotse: Lotse) -> None:
    c = lotse.composer
    assert isinstance(c, ExtractiveComposer)
    inventing = lotse.with_composer(_Inventing(**{f.name: getattr(c, f.name) for f in dataclasses.fields(c)}))
    items = list(inventing.stream("Was ist GriffbereitMini?"))
    answer = items[-1]
    assert isinstance(answer, Answer) and answer.abstained
    assert not any("5000" in str(item) for item in items[:-1])
