"""The public chat's limits: questions per client and minute, turns per conversation, and the
emergency notice for messages that speak of harm."""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.conversation import speaks_of_harm
from app.edges import FeedbackStore
from app.edges.web.chat import Chat
from app.edges.web.emergency import emergency_notice
from app.edges.web.limits import RateLimiter
from app.pipeline import Lotse

EMERGENCY = "Telefonseelsorge (Beispiel aus den Einstellungen): 0800 000 0000"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_gets_its_quota_per_minute_and_others_are_not_affected() -> None:
    clock = Clock()
    limiter = RateLimiter(3, clock)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")
    clock.now += 59.9
    assert not limiter.allow("a")
    clock.now += 0.2
    assert limiter.allow("a")


def test_memory_stays_bounded_with_many_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.edges.web.limits.MAX_CLIENTS", 100)
    limiter = RateLimiter(1)
    for n in range(1000):
        limiter.allow(f"10.0.{n // 256}.{n % 256}")
    assert len(limiter._seen) == 100


@pytest.mark.parametrize(
    "text",
    [
        "Ich will nicht mehr leben",
        "I want to die",
        "Я хочу умереть",
        "Хочу померти",
        "أريد أن أموت",
        "ölmek istiyorum",
        "Mein Mann schlägt mich",
        "mein mann schlagt mich",
        "Ich habe Suizidgedanken",
        "به خودکشی فکر می‌کنم",
        "أفكر في الانتحار",
        "Intihar etmeyi düşünüyorum",
        "أفكر بالانتحار",
        "هو ويضربني",
        "İntihar etmek istiyorum",
        "Він б’є мене",
    ],
)
def test_messages_that_speak_of_harm_are_recognised(text: str) -> None:
    assert speaks_of_harm(text)


@pytest.mark.parametrize(
    "text",
    [
        "Was ist KOMM-AN NRW?",
        "Wo bekomme ich Hilfe in Köln?",
        "Seit wann gibt es das Projekt?",
        "Gibt es Beratung gegen Gewalt an Frauen?",
    ],
)
def test_ordinary_questions_are_not(text: str) -> None:
    assert not speaks_of_harm(text)


def chat_with(lotse: Lotse, tmp_path: Path, **settings: object) -> Chat:
    changed = dataclasses.replace(lotse, settings=lotse.settings.model_copy(update=settings))
    return Chat(changed, FeedbackStore(tmp_path / "fb.sqlite3"), RateLimiter(changed.settings.rate_limit_per_minute))


def last_message(chat: Chat, question: str, history: list | None = None, client: str = "10.0.0.1") -> tuple[str, str]:
    *_, (shown, _, box, _, _) = chat.respond(
        question, history or [], "Alle Orte", {}, "de", "", SimpleNamespace(client=SimpleNamespace(host=client))
    )
    return html.unescape(shown[-1]["content"]), box


@pytest.mark.integration
def test_the_chat_refuses_a_client_over_its_limit_and_keeps_the_question(lotse: Lotse, tmp_path: Path) -> None:
    chat = chat_with(lotse, tmp_path, rate_limit_per_minute=2)
    for _ in range(2):
        assert "KOMM-AN NRW" in last_message(chat, "Was ist KOMM-AN NRW?")[0]
    refused, box = last_message(chat, "Was ist KOMM-AN NRW?")
    assert "sehr viele Fragen gestellt" in refused and box == "Was ist KOMM-AN NRW?"
    assert "KOMM-AN NRW" in last_message(chat, "Was ist KOMM-AN NRW?", client="10.0.0.2")[0]


@pytest.mark.integration
def test_a_long_conversation_asks_for_a_new_one(lotse: Lotse, tmp_path: Path) -> None:
    chat = chat_with(lotse, tmp_path, max_turns=2)
    history = [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}] * 2
    assert "neue Unterhaltung" in last_message(chat, "Was ist KOMM-AN NRW?", history)[0]


@pytest.mark.integration
def test_harm_brings_the_sourced_numbers_or_the_operators_text_above_the_answer(lotse: Lotse, tmp_path: Path) -> None:
    question = "Ich will nicht mehr leben. Wo bekomme ich Hilfe in Köln?"
    shipped, _ = last_message(chat_with(lotse, tmp_path), question)
    first = shipped.split("\n")[0]
    assert (
        "112" in first and "110" in first and "0800\u00a0111\u00a00\u00a0111" in first and "senatspressestelle.bremen.de" in first
    )
    assert "Köln" in shipped.split("\n", 1)[1]  # the answer follows
    replaced, _ = last_message(chat_with(lotse, tmp_path / "b", emergency_text=EMERGENCY), question)
    assert replaced.startswith(f"**{EMERGENCY}**") and "112" not in replaced.split("\n")[0]
    calm, _ = last_message(chat_with(lotse, tmp_path / "c"), "Was ist KOMM-AN NRW?")
    assert "112" not in calm and "0800" not in calm
    missing = chat_with(lotse, tmp_path / "d", corpus_dir=tmp_path / "elsewhere")
    assert emergency_notice(missing.lotse.settings, "de") == ""  # nothing invented when the file is missing


@pytest.mark.integration
def test_the_api_shares_the_limit_and_answers_in_german(lotse: Lotse, tmp_path: Path) -> None:
    from app.edges import ProgrammeDirectory
    from app.edges.web import build_app, launch
    from benchmarks.api_client import ask_json
    from benchmarks.loopback import free_port

    limited = dataclasses.replace(lotse, settings=lotse.settings.model_copy(update={"rate_limit_per_minute": 1}))
    app = launch(
        build_app(limited, FeedbackStore(tmp_path / "fb.sqlite3"), ProgrammeDirectory.load(lotse.settings.corpus_dir)),
        "127.0.0.1",
        free_port(),
        1,
        block=False,
    )
    try:
        first = ask_json(app.local_url, "Was ist KOMM-AN NRW?")[1]
        second = ask_json(app.local_url, "Was ist KOMM-AN NRW?")[1]
    finally:
        app.close()
    assert isinstance(first, dict) and "answer" in first
    assert isinstance(second, dict) and "sehr viele Fragen gestellt" in second["error"]
