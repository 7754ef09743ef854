import dataclasses

import pytest

from app.conversation import (
    Gazetteer,
    Glossary,
    Intent,
    Understanding,
    is_german,
    unknown_terms,
)
from app.conversation.glossary import _Names
from app.conversation.intent import by_cues
from app.conversation.understanding import fix_exonym_slips, fix_place_slips, fix_programme_slips, says_nothing
from app.core import stems

VOCAB = {s for w in "Kommunale Integrationszentren Welcome Center Kleve Geld Euro".split() for s in stems(w)}


def test_language_cues() -> None:
    assert is_german("Was macht das Welcome Center?")
    assert not is_german("What does the Welcome Center do?")
    assert not is_german("Що таке GriffbereitMini?")


@pytest.mark.parametrize(
    ("message", "nothing"),
    [
        ("asdf qwer", True),
        ("hdhd jdjd", True),
        ("Was macht das Welcome Center?", False),
        ("How do I learn German?", False),  # English: clearly a language, though the documents use none of its words
        ("هل يوجد مركز ترحيب في كليفه؟", False),
        ("Kleve?", False),  # a word the documents know
    ],
)
def test_a_message_in_no_language_with_no_known_word_says_nothing(message: str, nothing: bool) -> None:
    assert says_nothing(message, VOCAB) is nothing


def test_unknown_capitalised_terms_in_german_questions() -> None:
    assert unknown_terms("Welche Öffnungszeiten hat das Welcome Center?", VOCAB) == ["Öffnungszeiten"]
    assert unknown_terms("Was macht das Welcome Center in Kleve?", VOCAB) == []
    assert unknown_terms("What are the Opening Hours?", VOCAB) == []


def test_german_words_in_a_message_in_another_script_count_as_unknown_terms() -> None:
    assert unknown_terms("У меня Fiktionsbescheinigung. Как получить Termin у Welcome Center?", VOCAB) == [
        "Fiktionsbescheinigung",
        "Termin",
    ]
    assert unknown_terms("Türk ehliyetimi Alman ehliyetine nasıl Çevirebilirim?", VOCAB) == []  # Latin script: no telling


def test_the_cues_alone_name_the_asked_detail() -> None:
    assert by_cues("Wie viele Zentren gibt es?").detail == "count"
    assert by_cues("Wie viel Geld gab es 2023?").detail == "amount"
    assert by_cues("Seit wann gibt es das?").detail == "date"
    assert by_cues("Wie lautet die Telefonnummer?").detail == "phone"
    assert by_cues("Was ist KOMM-AN NRW?").detail == "none"


@pytest.mark.parametrize(
    ("question", "detail"),
    [
        ("Wie lange dauert eine Einbürgerung in Köln?", "duration"),
        ("how long do i have to wait for an appointment at the welcome office", "duration"),
        ("сколько ждать термин в ausländerbehörde", "duration"),  # "сколько" alone asks a count
        ("Yabancı ehliyetimle ne kadar süre araba kullanabilirim?", "duration"),  # "ne kadar" alone: an amount
        ("تو Welcome Center چقدر باید صبر کرد تا نوبت بدن؟", "duration"),
        ("Wie lange gibt es das KI Dortmund schon?", "none"),  # since when: answered by the year it began
        ("Welche Unterlagen brauche ich für die Einbürgerung?", "documents"),
        ("какие документы нужны для welcome center", "documents"),
        ("ما هي الأوراق المطلوبة للتجنس؟", "documents"),
        ("who helps me with my papers and letters from the jobcenter?", "none"),  # help with papers, not which ones
        ("In welcher Sprache berät das KI Köln?", "languages"),
        ("на каком языке консультации в KI Dortmund?", "languages"),
        ("KI Köln'de hangi dillerde danışmanlık var?", "languages"),
        ("Wie viele Sprachen sprechen die Stadtteilmütter?", "count"),  # how many, not which
        ("wie vile sprachen sprechen die stadtteilmütter", "none"),  # a typo hides the count: still not which
        ("welche neun sprachen sprechen die stadtteilmütter genau?", "languages"),
        ("Ich spreche Arabisch, wo bekomme ich Hilfe?", "none"),  # tells the language, asks for help
        ("need someone who speaks tigrinya to help me at the doctor, muenster", "none"),  # help, with a wish
    ],
)
def test_how_long_which_documents_and_which_languages_are_details_of_their_own(question: str, detail: str) -> None:
    assert by_cues(question).detail == detail


@pytest.mark.parametrize(
    ("question", "detail"),
    [
        ("wie viel integrationszentrum gibt in nrw", "count"),
        ("كم شخص ساعدهم Welcome Center السنة الماضية؟", "count"),
        ("عدد مراكز الاندماج في NRW؟", "count"),
        ("Welcome Center پارسال به چند نفر کمک کرده؟", "count"),
        ("welcome center geçen yıl kaç kişiye yardım etti", "count"),
        ("на скількох мовах консультують у migrationsberatung", "count"),
        ("ኣብ NRW ክንደይ Kommunale Integrationszentren ኣለዉ?", "count"),
        # an age or an amount asked with the same words stays an age or an amount
        ("griffbereitmini kaç yaşındaki çocuklar için", "age"),
        ("со скольки лет можно ходить на integrationskurs", "age"),
        ("ab wie viel monaten kann man mit dem baby zu griffbereitmini", "age"),
        ("сколько миллионов получает KIM", "amount"),
        # "a few" is no count, a tax number no phone number, getting into a course no address,
        # a weekday the asker works on no opening hours, the street one was insulted on no address
        ("سلام، چند سوال درباره KI کلن داشتم", "none"),
        ("bir kaç sorum var, entegrasyon kursu nerede", "none"),
        ("Как получить налоговый номер?", "none"),
        ("vergi numarası nasıl alırım", "none"),
        ("Wie komme ich zu einem Deutschkurs?", "none"),
        ("Das Jobcenter fordert Unterlagen von mir, wer hilft mir?", "none"),
        ("Я работаю до субботы, есть ли вечерние курсы?", "none"),
        ("تعرضت لاعتداء عنصري في الشارع، وين بقدر اشتكي؟", "none"),
        # Farsi "کی" asks "who" as often as "when": no date
        ("کی میتونه تو دورتموند کمکم کنه کار پیدا کنم", "none"),
        ("مرکز انتگراسیون دورتموند از چه سالی هست؟", "date"),
        ("komm-an nrw ne zamandan beri var", "date"),
        ("امتى بيفتح Welcome Office ببوخوم؟", "opening_hours"),
        ("ممكن رقم التلفون تبع Welcome Center Kreis Kleve لو سمحت", "phone"),
        ("ቁጽሪ ስልኪ Welcome Office ቦኹም ሃበኒ በጃኻ", "phone"),
        ("ki dortmund hangi sokakta", "address"),
        ("sofra kölnün eposta adresi lazim", "email"),
        ("Wer ist eigentlich gerade Oberbuergermeister in Koeln?", "leader"),
        ("Wer ist in NRW gerade Integrationsministerin?", "leader"),
        ("Îsal li Bielefeldê şahiya Newrozê kengê ye?", "date"),
        ("ናይ Iriba-Brunnen ኣብ Münster ኣድራሻን እንታይ እዩ?", "address"),  # Tigrinya "-ን" (and) on the word
    ],
)
def test_the_cues_name_the_asked_detail_in_the_ways_people_type_it(question: str, detail: str) -> None:
    assert by_cues(question).detail == detail


NAMES = VOCAB | {s for w in "Köln KOMM-AN NRW".split() for s in stems(w)}
GLOSSARY = Glossary(programmes=_Names.build({"KOMM-AN NRW": ["KOMM-AN"]}))


class _Condenser:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def condense(self, previous: str, turn: str) -> str | None:
        self.calls.append((previous, turn))
        return "Gibt es KOMM-AN NRW in Köln?"


def test_a_turn_is_understood_once_into_an_immutable_query() -> None:
    understand = Understanding(GLOSSARY, NAMES)
    query = understand("Wie viele Kommunale Integrationszentren gibt es in Köln?", place_filter="Köln")
    assert query.german and query.detail == "count" and query.intent is Intent.FACT
    assert query.places == ("Köln",) and query.programmes == () and query.unknown_terms == ()
    assert query.entities == {"Köln"} and query.place_filter == "Köln"
    assert query.text == query.turn
    with pytest.raises(dataclasses.FrozenInstanceError):
        query.text = "anders"  # type: ignore[misc]


def test_the_whole_land_is_not_an_entity_and_unknown_words_are_kept() -> None:
    query = Understanding(GLOSSARY, NAMES)("Was ist KOMM-AN in NRW für Bürgergeld?")
    assert query.entities == {"KOMM-AN NRW"} and query.unknown_terms == ("Bürgergeld",)


def test_follow_ups_are_completed_by_rules_or_by_the_condenser() -> None:
    assert Understanding(GLOSSARY, NAMES)("Und in Köln?", previous="Was macht KOMM-AN?").text == "Was macht KOMM-AN? Und in Köln?"
    condenser = _Condenser()
    query = Understanding(GLOSSARY, NAMES, condenser)("Und in Köln?", previous="Was ist KOMM-AN NRW?")
    assert query.text == "Gibt es KOMM-AN NRW in Köln?" and query.turn == "Und in Köln?"
    assert condenser.calls == [("Was ist KOMM-AN NRW?", "Und in Köln?")]
    assert Understanding(GLOSSARY, NAMES, condenser)("Was ist KOMM-AN NRW?").text == "Was ist KOMM-AN NRW?"
    assert len(condenser.calls) == 1


def test_an_elliptical_ask_after_the_askers_situation_is_completed_with_the_previous_turn() -> None:
    query = Understanding(GLOSSARY, NAMES)(
        "Ich wohne seit drei Monaten in einer Unterkunft. Und in Köln?", previous="Was macht KOMM-AN?"
    )
    assert query.ask == "Was macht KOMM-AN? Und in Köln?"
    assert query.text == "Ich wohne seit drei Monaten in einer Unterkunft. Was macht KOMM-AN? Und in Köln?"
    own = Understanding(GLOSSARY, NAMES)(
        "Ich wohne seit drei Monaten in einer Unterkunft. Wie viele Kommunale Integrationszentren gibt es?",
        previous="Was macht KOMM-AN?",
    )
    assert "KOMM-AN" not in own.text
    moved = Understanding(GLOSSARY, NAMES)(
        "Ich wohne jetzt in Bochum. Und was kostet das?", previous="Was macht KOMM-AN in Köln?"
    )
    assert moved.places == ("Bochum",) and "KOMM-AN" in moved.ask and "Köln" not in moved.text
    named = Understanding(GLOSSARY, NAMES)(
        "Ich habe von KOMM-AN gehört. Gibt es das auch in Bochum?", previous="Was macht das Welcome Center?"
    )
    assert "Welcome Center" not in named.text and "KOMM-AN" in named.ask


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Wo bekomme ich Hilfe im Kreis Kleve?", Intent.HELP),
        ("Ich bin neu in Duisburg. Wer hilft mir, eine Ausbildung zu finden?", Intent.HELP),
        ("Де я можу отримати допомогу в Дортмунді?", Intent.HELP),
        ("What help is there for refugees in Cologne?", Intent.HELP),
        ("Köln'de mülteciler için hangi yardımlar var?", Intent.HELP),
        # "where do I go (first)" asks for help, in every language
        ("щойно приїхала в Хаген, куди йти з питаннями??", Intent.HELP),
        ("куда идти если на работе дискриминируют, я в кёльне", Intent.HELP),
        ("just moved to hagen, where should i go with all my questions", Intent.HELP),
        ("ኣብ Krefeld ሓዲሽ መጺአ። ፈለማ ናበይ ክኸይድ ይግባእ?", Intent.HELP),
        ("Cihek heye ku şêwirê bide dilxwazên wek min?", Intent.HELP),
        ("Was ist KOMM-AN NRW?", Intent.DEFINITION),
        ("ما هو مركز الاندماج البلدي؟", Intent.DEFINITION),
        ("KOMM-AN NRW nedir?", Intent.DEFINITION),
        ("Gibt es ein Welcome Center in Aachen?", Intent.SERVICE),
        ("Wie viele Kommunale Integrationszentren gibt es?", Intent.FACT),
        ("Bei welchen Themen unterstützen die Stadtteilmütter Familien?", Intent.FACT),
    ],
)
def test_intents_in_the_languages_newcomers_use_by_the_cues_alone(question: str, intent: Intent) -> None:
    assert Intent(by_cues(question).intent) is intent


def test_a_named_place_narrows_the_search_and_offers_are_wanted_only_without_a_programme() -> None:
    understand = Understanding(GLOSSARY, NAMES)
    help_query = understand("Wo bekomme ich Hilfe in Köln?")
    assert help_query.place_filter == "Köln" and help_query.wants_offers
    assert not understand("Wie hilft KOMM-AN in Köln?").wants_offers
    assert understand("Was ist KOMM-AN?", place_filter="Köln").place_filter == "Köln"
    assert understand("Was ist KOMM-AN in NRW?").place_filter is None  # the whole Land is no narrowing


def test_generic_nouns_and_sentence_openers_are_not_unknown_terms() -> None:
    assert unknown_terms("Bei welchen Themen hilft das Welcome Center? Wohin gehe ich?", VOCAB) == []


def test_a_typing_slip_in_a_word_the_corpus_uses_is_not_an_unknown_term() -> None:
    vocabulary = {s for w in "Kommunale Integrationszentren GriffbereitMini".split() for s in stems(w)}
    assert unknown_terms("Wie viele Kmomunale Integrationszentren gibt es?", vocabulary) == []
    assert unknown_terms("Was ist GrffbereitMini?", vocabulary) == []
    assert unknown_terms("Was ist Bürgergeld?", vocabulary) == ["Bürgergeld"]


def test_a_loan_word_typed_without_its_accent_and_a_place_word_are_not_unknown_terms() -> None:
    vocabulary = {s for w in "Sprachcafé Köln".split() for s in stems(w)}
    assert unknown_terms("Wie viele Sprachcafes gibt es in Köln?", vocabulary) == []
    assert unknown_terms("Gibt es Sprachcafés in Köln und Umgebung?", vocabulary) == []


def test_turkish_typed_with_or_without_its_letters_names_the_same_detail() -> None:
    assert by_cues("Kleve'deki Welcome Center ne zaman açık?").detail == "opening_hours"
    assert by_cues("Kleve'deki Welcome Center ne zaman acik?").detail == "opening_hours"
    assert by_cues("KOMM-AN ne zaman başladı?").detail == "date"


def test_the_askers_boss_is_no_leader_question_and_no_unknown_term() -> None:
    question = "Meine Chefin fragt, wie vielen Menschen das Case Management geholfen hat."
    assert by_cues(question).detail == "count"
    assert by_cues("Wer ist der Chef des Welcome Center?").detail == "leader"
    assert unknown_terms(question, VOCAB | {s for w in "Case Management".split() for s in stems(w)}) == []


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Wo bekomme ich Hilfe in Dortmnud?", "Wo bekomme ich Hilfe in Dortmund?"),
        ("Ich wohne im Kreis Vieren.", "Ich wohne im Kreis Viersen."),
        ("wo ist das ki in bielefled", "wo ist das ki in bielefeld"),
        ("Ich wohne in Münstre.", "Ich wohne in Münster."),
        ("Gibt es ein Welcome Center in Aacchen?", "Gibt es ein Welcome Center in Aachen?"),  # short, but no common word
        ("Wo kann ich mich im Kreis Keve einbürgern lassen?", "Wo kann ich mich im Kreis Kleve einbürgern lassen?"),
        ("ich wohne in bochm", "ich wohne in bochum"),
        # not after a place word, lower case in a normal sentence, a word the corpus uses, a common word
        # one slip from a short name ("Herren", Herten)
        ("Dortmnud ist groß.", "Dortmnud ist groß."),
        ("Nicht in Ordnung, sondern in schwere Zeiten.", "Nicht in Ordnung, sondern in schwere Zeiten."),
        ("Beratung in Familien", "Beratung in Familien"),
        ("Ich wohne in Herren.", "Ich wohne in Herren."),
    ],
)
def test_a_place_typed_with_one_slip_after_a_place_word_is_read_right(typed: str, meant: str) -> None:
    assert fix_place_slips(typed, Gazetteer.official(), NAMES | {"famili"}) == meant


@pytest.mark.parametrize(
    ("typed", "place"),
    [
        ("Де я можу отримати допомогу в Дотмунді?", "Dortmund"),
        ("Сколько языков у Stadtteilmütter в Кеельні?", "Köln"),
        ("Какие есть предложения для родителей в Кёльен?", "Köln"),
        ("في شي برامج للاطفال بدورتموند؟", "Dortmund"),  # the preposition written onto the name
        ("أنا ساكنة بكولن وعندي ٣ ولاد", "Köln"),  # ... onto a short one
        ("آدرس سایت KI پادربورن", "Kreis Paderborn"),
    ],
)
def test_a_place_in_cyrillic_or_arabic_script_typed_with_one_slip_is_found(typed: str, place: str) -> None:
    places = Gazetteer.official()
    assert places.find(typed) == [] and places.find(fix_exonym_slips(typed, places)) == [place]


@pytest.mark.parametrize(
    "text",
    [
        "مطعم في بولونيا",  # Bologna, a common word one slip from "كولونيا", Köln
        "Мой сосед Фризен",  # a surname one slip from "Фирзен", Viersen: no place word before it
        "Приходите в четверг",
    ],
)
def test_a_word_one_slip_from_a_place_stays_as_typed_unless_it_stands_where_places_do(text: str) -> None:
    assert fix_exonym_slips(text, Gazetteer.official()) == text


def test_of_a_message_naming_several_places_the_place_its_ask_names_narrows_the_search() -> None:
    understand = Understanding(GLOSSARY, NAMES)
    asked = understand("Eine Freundin in Dortmund macht bei GriffbereitMini mit. Wir wohnen aber in Essen, gibt es das da auch?")
    assert asked.places == ("Dortmund", "Essen") and asked.place_filter == "Essen"
    told = understand("Wir sind von Dortmund nach Essen gezogen. Wo finde ich Hilfe?")  # the ask names none
    assert told.place_filter is None
    statewide = understand("Wir wohnen in Essen. Gibt es in NRW ein Programm wie GriffbereitMini in Dortmund?")
    assert statewide.place_filter is None  # the ask is about the Land


def test_a_place_only_the_situation_names_does_not_narrow_an_ask_about_what_the_land_pays() -> None:
    understand = Understanding(GLOSSARY, NAMES)
    land = understand(
        "Wieviel Geld hat das Land 2022 fuer die Kommunalen Integrationszentren ausgegeben? "
        "Brauch die Zahl fuer unseren Foerderantrag im Verein hier in Krefeld"
    )
    assert land.places == () and land.place_filter is None and "Krefeld" not in land.ask
    zemlya = understand("Я живу в Билефельде. Сколько денег земля выделила на Kommunales Integrationsmanagement?")
    assert zemlya.place_filter is None
    local = understand("Ich wohne in Bonn. Wie viel Geld bekommt das KI vom Land?")  # Bonn's KI
    assert local.places == ("Bonn",) and local.place_filter == "Bonn"
    asked = understand("Wir sind ein Verein in Krefeld. Wie viel Geld gibt das Land dem KI in Krefeld?")
    assert asked.place_filter == "Krefeld"


def test_a_question_in_another_language_after_a_german_preamble_is_not_judged_as_german() -> None:
    query = Understanding(GLOSSARY, NAMES)(
        "Hallo, ich wohne seit drei Monaten in einer Unterkunft. كم عدد مراكز الاندماج البلدية في شمال الراين وستفاليا؟"
    )
    assert query.language == "de" and not query.german


def test_the_query_keeps_what_was_typed_and_finds_the_place_meant() -> None:
    query = Understanding(GLOSSARY, NAMES)("Wo bekomme ich Hilfe in Dortmnud?")
    assert query.turn == "Wo bekomme ich Hilfe in Dortmnud?"
    assert query.places == ("Dortmund",) and query.place_filter == "Dortmund"


@pytest.mark.parametrize(
    ("question", "detail"),
    [
        ("شو رقم تلفون الويلكم سنتر بكليفه؟", "phone"),  # the spoken Arabic word for telephone
        ("О котрій годині відкривається інтеграційний центр у Кельні?", "opening_hours"),
        ("сколько денег получает интеграционный центр в кёльне в год", "amount"),  # genitive "денег"
    ],
)
def test_the_asked_detail_in_everyday_forms_of_other_languages(question: str, detail: str) -> None:
    assert by_cues(question).detail == detail


SLIP_GLOSSARY = Glossary(
    programmes=_Names.build(
        {
            "Train of Hope": ["Train of Hope"],
            "NRW.Integrativ": ["NRW.Integrativ"],
            "Welcome Center": ["Welcome Center"],
            "Kommunale Integrationszentren": ["Kommunale Integrationszentren"],
            "Integrationsagenturen": ["Integrationsagentur"],
        }
    )
)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Was ist Tain of Hope?", "Was ist Train of Hope?"),
        ("Was ist NRWIntegrativ?", "Was ist NRW.Integrativ?"),
        ("Was macht das Welcome Cneter in Kleve?", "Was macht das Welcome Center in Kleve?"),
        ("Was machen die Kommunalen Integrationszentren?", "Was machen die Kommunalen Integrationszentren?"),  # words it knows
        ("Was ist Train of Hope?", "Was ist Train of Hope?"),
        ("Was ist Rain of Hope?", "Was ist Train of Hope?"),
        ("Wo ist das Welcome Centre?", "Wo ist das Welcome Center?"),  # two letters swapped: one slip
        ("Wo ist das Welcom Centre?", "Wo ist das Welcom Centre?"),  # two slips: not read as the name
        ("Was machen die Integrationsagneturen?", "Was machen die Integrationsagenturen?"),  # a slip in a form's start
        ("Was machen die Integrationsagnten?", "Was machen die Integrationsagnten?"),  # two slips from it
    ],
)
def test_a_programme_name_typed_with_one_slip_is_read_right(typed: str, meant: str) -> None:
    known = VOCAB | {s for w in "Hope Train Rain Integrativ NRW".split() for s in stems(w)}
    assert fix_programme_slips(typed, SLIP_GLOSSARY, known) == meant


def test_the_need_head_is_asked_only_where_the_cues_name_no_specific_need() -> None:
    import numpy as np

    from app.conversation import cues
    from app.conversation.intent import Head, IntentModel

    cue_names = tuple(cues().features("").keys())

    def sure_of(classes: tuple[str, ...], favourite: str) -> Head:
        bias = np.asarray([5.0 if c == favourite else 0.0 for c in classes], dtype=np.float32)
        return Head(classes, np.zeros((len(classes), 2 + len(cue_names)), dtype=np.float32), bias, floor=0.5)

    heads = IntentModel(
        "test",
        cue_names,
        sure_of(("help", "fact"), "help"),
        sure_of(("none", "phone"), "none"),
        need=sure_of(("business", "none"), "business"),
    )
    understand = Understanding(GLOSSARY, NAMES, embed=lambda text: [0.6, 0.8], classifier=heads)
    assert [n.name for n in understand("Ich will in Essen einen Laden aufmachen, wer berät mich?").needs] == ["business"]
    assert [n.name for n in understand("Wo finde ich in Essen eine Wohnung?").needs] == ["housing"]  # the cues' need stands
