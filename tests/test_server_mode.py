"""The same ingest and ask checks against an embedded Chroma and a real `chroma run` server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.core import Settings
from app.index import Catalogue, load_embeddings
from app.pipeline import Lotse
from benchmarks.loopback import free_port
from tests.chroma_server import ChromaServer
from tests.conftest import ingest

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`chroma run` on a free loopback port, with its own data folder."""
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server"), free_port())
    server.start()
    yield server.url
    server.stop()


@pytest.fixture(params=["embedded", "server"])
def settings(request: pytest.FixtureRequest, tmp_settings: Settings) -> Settings:
    if request.param == "server":
        url = request.getfixturevalue("chroma_server")
        return tmp_settings.model_copy(update={"chroma_url": url, "collection": f"t{free_port()}"})
    return tmp_settings


def test_ingest_is_idempotent_and_follows_changes(settings: Settings) -> None:
    first = ingest(settings, load_embeddings(settings.embeddings))
    assert first.documents == 30 and first.rows_written == first.chunks > 30
    again = ingest(settings, load_embeddings(settings.embeddings))
    assert (again.rows_written, again.added, again.updated, again.removed) == (0, 0, 0, 0)
    (settings.corpus_dir / "programmes" / "sofra-koeln.md").unlink()
    path = settings.corpus_dir / "programmes" / "komm-an-nrw.md"
    path.write_text(path.read_text(encoding="utf-8").replace("seit 2015", "seit dem Jahr 2015"), encoding="utf-8")
    changed = ingest(settings, load_embeddings(settings.embeddings))
    assert (changed.updated, changed.removed, changed.documents) == (1, 1, 29)
    lotse = Lotse.from_settings(settings)
    assert not any(m["doc_id"] == "programmes/sofra-koeln" for m in Catalogue.load(lotse.index).meta.values())
    answer = lotse.ask("Seit wann gibt es KOMM-AN NRW?")
    assert any("seit dem Jahr 2015" in c.quote for c in answer.citations) or any("2015" in c.quote for c in answer.citations)


def test_ask_answers_with_citations_and_abstains(settings: Settings) -> None:
    ingest(settings, load_embeddings(settings.embeddings))
    lotse = Lotse.from_settings(settings)
    answer = lotse.ask("Wie viele Kommunale Integrationszentren gibt es in Nordrhein-Westfalen?")
    assert not answer.abstained and any("54" in c.quote for c in answer.citations)
    assert lotse.ask("Wie wird das Wetter morgen in Köln?").abstained
