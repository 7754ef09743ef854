"""Personal data is replaced before anything is stored; names of programmes, places and years
survive. The table of what is caught, missed and wrongly replaced is written to
reports/privacy/pii.md (the closing notes quote it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.edges.privacy import scrub

REPORT = Path(__file__).resolve().parents[2] / "reports" / "privacy" / "pii.md"
# (text, the personal data in it that must disappear, the placeholder expected for each)
PERSONAL = [
    ("Ich heiße Ahmad Karimi und brauche Hilfe in Kleve.", ["Ahmad Karimi"], "[NAME]"),
    ("Mein Name ist Olena Petrenko.", ["Olena Petrenko"], "[NAME]"),
    ("Frau Müller vom Jobcenter hat mich geschickt.", ["Müller"], "[NAME]"),
    ("My name is John Smith, where can I learn German?", ["John Smith"], "[NAME]"),
    ("Меня зовут Ирина Смирнова, где курсы?", ["Ирина Смирнова"], "[NAME]"),
    ("Мене звати Олена Коваль.", ["Олена Коваль"], "[NAME]"),
    ("Benim adım Mehmet Yılmaz.", ["Mehmet Yılmaz"], "[NAME]"),
    ("اسمي أحمد علي وأحتاج مساعدة", ["أحمد علي"], "[NAME]"),
    ("Rufen Sie mich an: 0176 12345678", ["0176 12345678"], "[TELEFON]"),
    ("Meine Nummer ist +49 221 1234567.", ["+49 221 1234567"], "[TELEFON]"),
    ("Tel. 02151/123456", ["02151/123456"], "[TELEFON]"),
    ("Schreiben Sie an ahmad.k@gmx.de bitte", ["ahmad.k@gmx.de"], "[E-MAIL]"),
    ("e-mail: olena [at] ukr.net", ["olena [at] ukr.net"], "[E-MAIL]"),
    ("Ich wohne in der Bahnhofstraße 12, 47533 Kleve.", ["Bahnhofstraße 12", "47533"], "[ADRESSE]"),
    ("Adresse: Am Markt 3a", ["Am Markt 3a"], "[ADRESSE]"),
    ("Ich bin am 03.05.1988 geboren.", ["03.05.1988"], "[DATUM]"),
    ("Geburtsdatum 3.5.88", ["3.5.88"], "[DATUM]"),
    ("IBAN DE89 3704 0044 0532 0130 00 für die Überweisung", ["DE89 3704 0044 0532 0130 00"], "[IBAN]"),
    ("Meine Ausweisnummer ist L01X00T47.", ["L01X00T47"], "[NUMMER]"),
    ("Steuer-ID 12345678901", ["12345678901"], "[NUMMER]"),
    ("Aktenzeichen: 123-AB-456", ["123-AB-456"], "[NUMMER]"),
    ("Ahmad Karimi sucht einen Sprachkurs.", ["Ahmad Karimi"], "[NAME]"),  # no introduction: a known miss
    ("Ich wohne in der Bahnhofstraße.", ["Bahnhofstraße"], "[ADRESSE]"),  # no house number: a known miss
]
KNOWN_MISSES = {"Ahmad Karimi sucht einen Sprachkurs.", "Ich wohne in der Bahnhofstraße.", "Adresse: Am Markt 3a"}
# Not personal data: must come through unchanged.
PUBLIC = [
    "Wie viele Kommunale Integrationszentren gibt es in Nordrhein-Westfalen?",
    "Seit 2015 gibt es KOMM-AN NRW; 2022 gab das Land 38,1 Millionen Euro.",
    "Was macht das Welcome Center im Kreis Kleve?",
    "GriffbereitMini in Dortmund, Stadtteilmütter in Köln-Mülheim, Iriba-Brunnen in Münster",
    "Integrationsagenturen im Kreis Minden-Lübbecke und im Rhein-Sieg-Kreis",
    "Es gibt 54 Kommunale Integrationszentren und 15000 Geflüchtete wurden beraten.",
    "Wo ist die Ausländerbehörde? Ich brauche einen Termin im Januar 2024.",
    "Що таке GriffbereitMini у Дортмунді?",
    "ما هو برنامج KOMM-AN NRW؟",
    "Kuzey Ren-Vestfalya'da kaç tane belediye entegrasyon merkezi var?",
    "Gibt es Beratung in der Hauptstraße? Die Sprechzeit ist 9 bis 12 Uhr.",
    "Mein Pass ist abgelaufen, was nun?",
]


def outcome(text: str, personal: list[str]) -> str:
    kept = [p for p in personal if p in scrub(text)]
    return "caught" if not kept else "missed"


def test_personal_data_is_replaced_by_typed_placeholders() -> None:
    rows = ["| text | result | outcome |", "|---|---|---|"]
    for text, personal, placeholder in PERSONAL:
        result = outcome(text, personal)
        rows.append(f"| {text} | {scrub(text)} | {result} |")
        if text in KNOWN_MISSES:
            continue
        assert result == "caught", (text, scrub(text))
        assert placeholder in scrub(text), (text, scrub(text))
    false_positives = [text for text in PUBLIC if scrub(text) != text]
    rows += [f"| {text} | {scrub(text)} | {'false positive' if text in false_positives else 'unchanged'} |" for text in PUBLIC]
    caught = sum(outcome(t, p) == "caught" for t, p, _ in PERSONAL)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(f"caught {caught} of {len(PERSONAL)}, missed {len(PERSONAL) - caught}, "
                      f"false positives {len(false_positives)} of {len(PUBLIC)}\n\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert false_positives == []


@pytest.mark.parametrize("text", sorted(KNOWN_MISSES))
def test_known_misses_are_really_missed(text: str) -> None:
    """If a rule starts catching one of these, move it out of KNOWN_MISSES."""
    personal = next(p for t, p, _ in PERSONAL if t == text)
    assert outcome(text, personal) == "missed"
