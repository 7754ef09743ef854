"""A message's ask and its context: the situation is told first, the question comes after."""

import pytest

from app.conversation.asking import sought, split_ask, without_courtesies


@pytest.mark.parametrize(
    ("message", "ask", "context"),
    [
        ("Ich bin neu in Köln. Wo finde ich Hilfe?", "Wo finde ich Hilfe?", "Ich bin neu in Köln."),
        (
            "hallo ich bin neu in köln und suche arbeit wo finde ich hilfe",
            "wo finde ich hilfe",
            "hallo ich bin neu in köln und suche arbeit",
        ),  # a run-on message, split before its asking word
        (
            "ich mach seit letztem jahr ein sprachcafe in lübbecke aber ich weiß nicht worauf die ihren schwerpunkt legen",
            "worauf die ihren schwerpunkt legen",
            "ich mach seit letztem jahr ein sprachcafe in lübbecke aber ich weiß nicht",
        ),  # "worauf", "wofür", … ask like "was": the Sprachcafé is the asker's, not what is sought
        (
            "Ich wohne in Köln. Ich weiß nicht, wie viel der Integrationskurs kostet. Können Sie mir helfen?",
            "Ich weiß nicht, wie viel der Integrationskurs kostet. Können Sie mir helfen?",
            "Ich wohne in Köln.",
        ),  # an indirect question is part of the ask: "Können Sie mir helfen?" alone asks nothing particular
        (
            "Я пишу курсовую про KIM. Не могу найти, сколько денег земля выделила. Подскажете?",
            "Не могу найти, сколько денег земля выделила. Подскажете?",
            "Я пишу курсовую про KIM.",
        ),
        ("Ich weiß es nicht. Wo ist das KI?", "Wo ist das KI?", "Ich weiß es nicht."),  # no asking word after it
        # the asking word last (Kurdish, Turkish): one question, not a context and a bare "çi ye?"
        ("Hejmara telefonê ya Iriba-Brunnen li Münsterê çi ye?", "Hejmara telefonê ya Iriba-Brunnen li Münsterê çi ye?", ""),
        ("Hilfe wo in Köln", "Hilfe wo in Köln", ""),
        # "KI" is no asking word, though Kurdish "kî" (who) folds to it
        ("whats the phone number of the KI in oberhausen", "whats the phone number of the KI in oberhausen", ""),
        (
            "Mein Sohn ist 12. KI Dortmund hat uns geschickt. Wo ist die Schule?",
            "Wo ist die Schule?",
            "Mein Sohn ist 12. KI Dortmund hat uns geschickt.",
        ),
        (
            "em li bochumê dimînin û nizanin kî dikare alîkariya me bike",
            "kî dikare alîkariya me bike",
            "em li bochumê dimînin û nizanin",
        ),
        # a run-on that opens with its ask is all ask: a later asking word continues it
        ("what does KIM stand for and what do they do", "what does KIM stand for and what do they do", ""),
        (
            "are there homework clubs for kids who don't speak german well in bonn",
            "are there homework clubs for kids who don't speak german well in bonn",
            "",
        ),
        # inside a run-on, Arabic "ما" says "not" and "من" "from"; "بدي" (I want) asks
        (
            "السلام عليكم انا من سوريا وساكن في هام من شهرين، بدي رقم تلفون Integrationsagentur اللي بهام",
            "بدي رقم تلفون Integrationsagentur اللي بهام",
            "السلام عليكم انا من سوريا وساكن في هام من شهرين،",
        ),
        (
            "مرحبا، أنا ساكنة بكولن مولهايم وعندي ٣ ولاد، بدي حدا يساعدني بأسئلة عن الـ Kita لأني ما بعرف كيف النظام هون",
            "بدي حدا يساعدني بأسئلة عن الـ Kita لأني ما بعرف كيف النظام هون",
            "مرحبا، أنا ساكنة بكولن مولهايم وعندي ٣ ولاد،",
        ),
        ("ما هو KOMM-AN NRW وشو بيعملوا", "ما هو KOMM-AN NRW وشو بيعملوا", ""),  # opening with "ما", all ask
        # in Farsi, "من" and "ما" say "I" and "we": a sentence opening with them tells
        (
            "سلام. من یک زن افغان هستم و دو سال است در کلن زندگی می کنم. در کلن جایی هست که کمک کند؟",
            "در کلن جایی هست که کمک کند؟",
            "سلام. من یک زن افغان هستم و دو سال است در کلن زندگی می کنم.",
        ),
        ("ما یه خانواده افغان هستیم. کسی هست که کمک کنه؟", "کسی هست که کمک کنه؟", "ما یه خانواده افغان هستیم."),
        ("من هو مسؤول المركز في كولن. شكرا", "من هو مسؤول المركز في كولن.", "شكرا"),  # Arabic "من" asks "who"
    ],
)
def test_the_ask_is_split_from_the_situation(message: str, ask: str, context: str) -> None:
    split = split_ask(message)
    assert (split.ask, split.context) == (ask, context)


@pytest.mark.parametrize(
    ("message", "searched"),
    [
        ("Was ist KOMM-AN NRW? Danke!! lg", "Was ist KOMM-AN NRW?"),
        ("What help is there for refugees in Cologne? thanks a lot!", "What help is there for refugees in Cologne?"),
        ("Какая помощь есть для беженцев в Кёльне? Спасибо!", "Какая помощь есть для беженцев в Кёльне?"),
        ("ما هو مركز الاندماج البلدي؟ شكرا جزيلا", "ما هو مركز الاندماج البلدي؟"),
        ("Hallo! Wo ist das KI in Köln?", "Wo ist das KI in Köln?"),
        (
            "Hallo, ich bin neu in Köln. Wo bekomme ich Hilfe?",
            "Hallo, ich bin neu in Köln. Wo bekomme ich Hilfe?",
        ),  # a greeting inside a sentence that tells
        ("Danke!", "Danke!"),  # nothing else: kept
    ],
)
def test_sentences_that_only_thank_or_greet_are_left_out(message: str, searched: str) -> None:
    assert without_courtesies(message) == searched


@pytest.mark.parametrize(
    ("message", "needs"),
    [
        ("Ich suche eine Wohnung in Dortmund, wer hilft mir?", ["housing"]),  # the ask names none: the sentence that seeks
        ("Де вивчити німецьку мову в Дортмунді?", ["german_course"]),
        ("курсы немецкого языка в Кёльне есть?", ["german_course"]),  # a * inside a phrase: any ending of each word
        ("Türk ehliyetimi Alman ehliyetine nasıl çevirebilirim?", ["driving_licence"]),
        ("Zarokê min nexweş e, li Kolnê doktorekî zarokan heye ku bi kurdî diaxive?", ["doctor"]),
        ("hey how do i open a bank account without schufa? thx!!", ["bank_account"]),
        ("Мій Aufenthaltstitel закінчується через місяць. Як записатися на термін?", []),  # told, not asked for
        ("Wir wohnen zu fünft in einer kleinen Wohnung in Köln. Wo bekomme ich Hilfe für die Kinder?", ["family"]),  # flat told
        ("Wir suchen seit Monaten eine Wohnung in Köln. Wer hilft uns?", ["housing"]),  # a telling sentence that seeks
        ("Ich suche eine Wohnung in Dortmund für uns, wer hilft meiner Familie?", ["housing"]),  # before the broad need
        ("Які години роботи центру в Кельні?", []),  # "hours of work" are opening hours, not a job
        ("Wo bekomme ich Hilfe in Dortmund?", []),
        ("my wife is pregnant and we cant find a midwife in Wuppertal. where can we get one??", ["doctor"]),
        ("How do I get my engineering degree from Pakistan recognised? I live in Aachen.", ["recognition"]),
        ("Welche Hilfe gibt es in Köln für Eltern?", ["family"]),  # broad: it only ranks the offers
        ("Wo finde ich in Köln einen Kinderarzt für mein Kind?", ["doctor"]),  # a specific need before the broad one
        ("Mein Sohn ist krank und wir haben kein Kinderarzt in Hamm. Wer kann helfen?", ["doctor"]),  # lacks one
        ("Wir haben kein Problem mit dem Jobcenter. Wo bekommen wir in Köln Hilfe?", []),  # lacks nothing sought
        ("Ich habe kein Auto, aber einen Führerschein aus Syrien. Welche Beratung gibt es in Bonn?", []),
        ("we have no paediatrician in Hamm and my son is ill. who can help us?", ["doctor"]),
        ("ኣብ Köln ናይ ኤርትራ ኦርቶዶክስ ቤተ ክርስትያን ኣሎ ዶ?", ["worship"]),  # no document speaks of one: declined
        ("Gibt es in Mönchengladbach eine Moschee mit arabischer Freitagspredigt?", ["worship"]),
        ("Wir haben in der Kirche von der Caritas gehört. Wer hilft uns in Bonn?", []),  # only told
        ("Gibt es in Köln eine Beratungsstelle der Kirche für Flüchtlinge?", []),  # a church's advice is not worship
        ("Arabanın camı kırıldı, Köln'de nereye gitmeliyim?", []),  # "camı" (glass) folds to "cami" (mosque)
        ("أين المسجد في كولن؟", ["worship"]),
        ("Я бесплатно еду в Кёльн на поезде?", []),  # "еду": I travel, not food
        ("سلام، تو بیلفلد خونه گرفتیم ولی هیچ وسیله‌ای نداریم. جایی هست مبل و تخت دست دوم ارزون یا مجانی بده؟", ["goods"]),
        ("Wo bekomme ich in Essen eine Kleiderspende für meine Kinder?", ["goods"]),  # before the broad need
        ("Wo bekomme ich Hilfe in Essen?", []),  # the city, not a meal
        ("Eine Familie aus Afghanistan lebt seit acht Jahren hier. Gibt es eine Stelle für alles?", []),  # a broad need told
        ("Ich bin schwul und habe Angst in meiner Unterkunft. Gibt es Hilfe für LGBT Flüchtlinge in Dortmund?", ["queer"]),
        ("آیا در کلن جایی یا انجمنی برای پناهجویان کوییر هست؟", ["queer"]),
        ("Meine Mutter braucht einen Pflegedienst in Hamm. Wer hilft uns?", ["care"]),
        ("Ich will mich in Essen selbstständig machen, wer berät mich zur Gewerbeanmeldung?", ["business"]),
        ("Gibt es in Bochum einen Schwimmkurs nur für Frauen?", ["sport"]),
        ("در مونستر وکیلی می شناسید؟", ["legal"]),  # an ending on the word
        ("Mein Sohn spielt Fußball beim BVB. Gibt es in Dortmund ein Angebot für Familien?", ["family"]),  # sport only told
        ("oglum 9 yasinda futbol kulubune yazdirmak istiyoruz. aidat ne kadar, nereden basvurulur?", ["sport"]),  # wants it
        ("Хочу працювати як перекладачка. Куди звернутися?", []),  # she is the translator: no interpreter sought
        ("essen başkonsolosluğu pasaport randevusu nasıl alınır acil", ["travel_documents"]),  # no document speaks of these
        ("deutschlandticket çend euro ye", ["transport"]),
        ("Welcome Office Bochum ma leeyahay turjubaan Soomaali ah?", ["interpreter"]),
        ("li bielefeld dolmetscher ji bo kurmancî heye ku bi min re were?", ["interpreter"]),  # for a language: sought
        ("Ich arbeite als Dolmetscher für Arabisch. Wer hilft mir?", []),  # he is the interpreter
        ("قديش مبلغ الكيندر جلد لكل ولد؟", ["benefits"]),  # Kindergeld as spoken
        ("Ich bin Übersetzerin und möchte in Dortmund arbeiten. Wo bekomme ich Beratung?", []),  # she interprets
        ("هل يجب أن تكون الشهادات مترجمة للاعتراف بها؟", []),  # translated certificates, no interpreter
        ("Wo bekomme ich Tickets für das Fest der Kulturen in Köln?", []),  # tickets for a festival, not transport
    ],
)
def test_the_needs_a_turn_seeks_come_from_its_ask_or_a_sentence_that_seeks(message: str, needs: list[str]) -> None:
    split = split_ask(message)
    assert [need.name for need in sought(split.ask, split.context)] == needs
