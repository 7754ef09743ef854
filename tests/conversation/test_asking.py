"""A message's ask and its context: the situation is told first, the question comes after."""

import pytest

from app.conversation.asking import split_ask


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
