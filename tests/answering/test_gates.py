import pytest

from app.answering.gates import DETAILS, evidence_fits, is_fragment, is_labelled_detail, looks_back, stands_alone
from app.conversation.cues import cues


def test_evidence_must_carry_the_answer_type_and_the_years_asked_for() -> None:
    assert evidence_fits("Wie viel Geld gab es 2023?", "2023 gab es 75 Millionen Euro.", "amount")
    assert not evidence_fits("Wie viel Geld gab es 2025?", "2023 gab es 75 Millionen Euro.", "amount")
    assert not evidence_fits("Wie viel Geld bekommt das Büro?", "Das Büro besteht seit 2013.", "amount")
    assert evidence_fits("Seit wann?", "Es wurde 2013 eingerichtet.", "date")
    assert not evidence_fits("Seit wann?", "Es wurde eingerichtet.", "date")
    assert not evidence_fits("Telefonnummer?", "Es hilft Familien.", "phone")
    assert evidence_fits("Was ist KOMM-AN NRW?", "Ein Satz ohne Zahl.", "none")


def test_the_body_that_carries_an_offer_answers_who_runs_it() -> None:
    asked = "who runs the Integrationsagentur?"
    assert evidence_fits(asked, "Träger der Integrationsagenturen ist die Freie Wohlfahrtspflege.", "leader")
    assert not evidence_fits(asked, "Die Integrationsagenturen beraten Zugewanderte.", "leader")


def test_a_share_in_words_answers_how_many() -> None:
    assert evidence_fits("Wie viele haben eine Einwanderungsgeschichte?", "Rund ein Drittel der Menschen hat eine.", "count")
    assert evidence_fits("Wie viele?", "Fast die Hälfte kam 2015.", "count")
    assert not evidence_fits("Wie viele?", "Viele Menschen kamen.", "count")


@pytest.mark.parametrize(
    "text",
    [
        "Für Zugewanderte auf dem Weg in Ausbildung und Beruf. (Quelle: PM Chancentour 2025)",
        "Für Eltern und Kinder im ersten Lebensjahr.",
        "Dortmund.",
        "Für queere Menschen mit Migrationshintergrund.",
    ],
)
def test_phrases_without_a_verb_are_fragments(text: str) -> None:
    assert is_fragment(text) and not stands_alone(text)


@pytest.mark.parametrize(
    "text",
    [
        "Die Einrichtung unterstützt Familien.",
        "Viele Vereine helfen Familien.",
        "Im Jahr 2012 beschloss der Landtag mit den Stimmen von CDU, SPD, Bündnis 90/Die Grünen und FDP das Gesetz.",
        "In Nordrhein-Westfalen gibt es insgesamt 54 Kommunale Integrationszentren.",
    ],
)
def test_sentences_are_not_fragments(text: str) -> None:
    assert not is_fragment(text)


def test_sentences_pointing_back_or_about_visits_do_not_stand_alone() -> None:
    assert looks_back("KOMM-AN NRW heißt dieses Ehrenamtsprogramm, für das Mitarbeitende zur Verfügung stehen.")
    assert looks_back("Sie nehmen Kontakt zu Familien ihrer ethnischen Community auf.")
    assert looks_back("Es unterstützt Familien in Köln.") and not looks_back("Es gibt 54 Kommunale Integrationszentren.")
    assert not stands_alone("In Köln besuchten Staatssekretärin Güler und Staatsministerin Widmann-Mauz das Zentrum.")
    assert stands_alone("KOMM-AN NRW ist ein Landesprogramm; umgesetzt wird es von den Kommunalen Integrationszentren.")


def test_a_sentence_pointing_back_follows_the_sentence_it_points_at() -> None:
    from app.answering.evidence import Scored
    from app.answering.extractive import with_follow_ups
    from app.core import RetrievedChunk

    c = RetrievedChunk(doc_id="toh", chunk_id="toh-c", score=0.8, text="")
    first = Scored(0.9, "Train of Hope ist eine Organisation in Dortmund.", c, True, 0)
    second = Scored(0.5, "Train of Hope unterstützt Zugewanderte mit vielen Projekten.", c, True, 1)
    examples = Scored(0.6, "Beispiele für solche Angebote sind Demokratieförderung und Beratung.", c, True, 2)
    other = Scored(0.4, "Der VMDO ist ein Verbund von Vereinen in Dortmund.", RetrievedChunk("vmdo", "v-c", 0.8, ""), True, 0)
    scored = [first, examples, second, other]
    assert with_follow_ups([first, second, other], scored, 3) == [first, second, examples]
    assert with_follow_ups([first, other], scored, 3) == [first, other]  # its antecedent is not shown


def test_every_detail_the_cues_can_name_says_what_carries_it() -> None:
    assert list(DETAILS) == list(cues().details)


@pytest.mark.parametrize(
    ("detail", "missing", "carrying", "not_carrying"),
    [
        ("phone", "keine Telefonnummer", "Telefon: 02821 594-0.", "Das Center hilft seit 2025."),
        ("opening_hours", "keine Öffnungszeiten", "Geöffnet montags von 9 bis 12 Uhr.", "Der Verein ist in Münster."),
        ("leader", "nicht, wer es leitet", "Frau Muster leitet das KI.", "Das KI berät Familien."),
        ("age", "kein Alter", "Für Eltern und Kinder im ersten Lebensjahr.", "Sie besuchte 15 Stationen."),
        ("duration", "keine Dauer oder Wartezeit", "Der Kurs dauert sechs Monate.", "Das Land fördert 54 Zentren seit 2012."),
        ("documents", "nicht, welche Unterlagen nötig sind", "Bitte bringen Sie Ihren Reisepass mit.", "Das KI berät Familien."),
        ("amount", "keinen Betrag", "Das Land gibt 75 Millionen Euro.", "Das Land fördert 54 Zentren."),
        ("date", "kein Datum", "Das Sprachcafé ist dienstags geöffnet.", "Das Sprachcafé ist in Wesel."),
        (
            "languages",
            "nicht, welche Sprachen gesprochen werden",
            "Die Beratung ist auf Arabisch und Farsi möglich.",
            "Die Stadtteilmütter sprechen insgesamt neun verschiedene Sprachen.",  # how many, not which
        ),
    ],
)
def test_a_sentence_must_carry_the_detail_asked_for(detail: str, missing: str, carrying: str, not_carrying: str) -> None:
    assert DETAILS[detail].missing == missing
    assert evidence_fits("Frage?", carrying, detail) and not evidence_fits("Frage?", not_carrying, detail)


@pytest.mark.parametrize(
    ("text", "detail", "labelled"),
    [
        ("Telefon: 01234 202122.", "phone", True),
        ("Tel.: 0211 837-2000", "phone", True),
        ("Öffnungszeiten: montags bis donnerstags von 8:30 bis 12:00 Uhr.", "opening_hours", True),
        ("E-Mail: info@example.org", "email", True),
        ("Telefon: 01234 202122.", "email", False),  # not the detail asked for
        ("Telefon: bitte vorher anmelden.", "phone", False),  # the label without the detail
        ("Das Telefon des Zentrums ist 01234 202122.", "phone", False),  # a sentence, not a contact line
        ("Telefon: 01234 202122.", "none", False),
    ],
)
def test_a_contact_line_gives_the_detail_under_its_label(text: str, detail: str, labelled: bool) -> None:
    assert is_labelled_detail(text, detail) is labelled
