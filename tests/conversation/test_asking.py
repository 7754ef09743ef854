"""A message's ask and its context: the situation is told first, the question comes after."""

import pytest

from app.conversation.asking import split_ask, without_courtesies


@pytest.mark.parametrize(("message", "ask", "context"), [
    ("Ich bin neu in Köln. Wo finde ich Hilfe?", "Wo finde ich Hilfe?", "Ich bin neu in Köln."),
    ("hallo ich bin neu in köln und suche arbeit wo finde ich hilfe", "wo finde ich hilfe",
     "hallo ich bin neu in köln und suche arbeit"),  # a run-on message, split before its asking word
    # the asking word last (Kurdish, Turkish): one question, not a context and a bare "çi ye?"
    ("Hejmara telefonê ya Iriba-Brunnen li Münsterê çi ye?", "Hejmara telefonê ya Iriba-Brunnen li Münsterê çi ye?", ""),
    ("Hilfe wo in Köln", "Hilfe wo in Köln", ""),
])
def test_the_ask_is_split_from_the_situation(message: str, ask: str, context: str) -> None:
    split = split_ask(message)
    assert (split.ask, split.context) == (ask, context)


@pytest.mark.parametrize(("message", "searched"), [
    ("Was ist KOMM-AN NRW? Danke!! lg", "Was ist KOMM-AN NRW?"),
    ("What help is there for refugees in Cologne? thanks a lot!", "What help is there for refugees in Cologne?"),
    ("Какая помощь есть для беженцев в Кёльне? Спасибо!", "Какая помощь есть для беженцев в Кёльне?"),
    ("ما هو مركز الاندماج البلدي؟ شكرا جزيلا", "ما هو مركز الاندماج البلدي؟"),
    ("Hallo! Wo ist das KI in Köln?", "Wo ist das KI in Köln?"),
    ("Hallo, ich bin neu in Köln. Wo bekomme ich Hilfe?", "Hallo, ich bin neu in Köln. Wo bekomme ich Hilfe?"),  # a greeting inside a sentence that tells
    ("Danke!", "Danke!"),  # nothing else: kept
])
def test_sentences_that_only_thank_or_greet_are_left_out(message: str, searched: str) -> None:
    assert without_courtesies(message) == searched
