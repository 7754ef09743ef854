"""The named endpoint /ask through gradio_client against the launched app."""

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from gradio_client import Client

pytestmark = pytest.mark.integration
CONTRACT = {"question", "answer", "abstained", "citations", "retrieved", "timings_ms", "composer", "language"}


def test_ask_endpoint_returns_the_cli_json_contract(web_url: str) -> None:
    result = Client(web_url, verbose=False).predict("Was ist KOMM-AN NRW?", None, api_name="/ask")
    assert set(result) == CONTRACT
    assert not result["abstained"] and "KOMM-AN NRW" in result["answer"]
    assert set(result["citations"][0]) == {"n", "doc_id", "chunk_id", "title", "date", "quote", "url", "place"}


def test_ask_endpoint_with_a_place_and_with_bad_input(web_url: str) -> None:
    client = Client(web_url, verbose=False)
    assert "Köln" in client.predict("Was machen die Stadtteilmütter?", "Köln", api_name="/ask")["answer"]
    refused = client.predict("x" * 5000, None, api_name="/ask")
    assert "zu lang" in refused["error"]
    assert "Bitte geben Sie eine Frage ein" in client.predict("   ", None, api_name="/ask")["error"]


def test_an_unanswered_api_question_reaches_the_gap_dashboard(web_url: str, feedback_path: Path) -> None:
    question = "Wann fährt der letzte Bus nach Bielefeld?"
    assert Client(web_url, verbose=False).predict(question, None, api_name="/ask")["abstained"]
    deadline = time.monotonic() + 10  # the server writes feedback in the background, after answering
    while (
        rows := sqlite3.connect(feedback_path).execute("SELECT question, verdict FROM feedback").fetchall()
    ) == [] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert (question, "abstained") in rows


QUESTIONS = [
    ("Wie viele Kommunale Integrationszentren gibt es in Nordrhein-Westfalen?", "54"),
    ("Seit wann gibt es KOMM-AN NRW?", "2015"),
    ("Wo wurde GriffbereitMini entwickelt?", "Dortmund"),
    ("Was macht das Welcome Center im Kreis Kleve?", "Ausländerbehörde"),
    ("Wo ist der Verein Iriba-Brunnen?", "Münster"),
]


def test_twenty_concurrent_sessions_each_get_their_own_answer(web_url: str) -> None:
    jobs = [QUESTIONS[i % len(QUESTIONS)] for i in range(20)]

    def ask(job: tuple[str, str]) -> tuple[str, dict]:
        return job[1], Client(web_url, verbose=False).predict(job[0], None, api_name="/ask")

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(ask, jobs, timeout=300))
    assert len(results) == 20
    for (question, fact), (_, result) in zip(jobs, results):
        assert result["question"] == question
        assert fact in " ".join([result["answer"], *(c["quote"] for c in result["citations"])])


def test_the_previous_question_travels_with_the_request(web_url: str) -> None:
    """Any worker can answer a follow-up: the client sends the last question along."""
    client = Client(web_url, verbose=False)
    follow_up = client.predict("Seit wann gibt es das?", None, "Was ist KOMM-AN NRW?", api_name="/ask")
    assert "2015" in follow_up["answer"]
    assert "Worauf bezieht sich" in client.predict("Seit wann gibt es das?", None, None, api_name="/ask")["error"]
