"""Domain errors: each carries one clear German line for the user."""

from __future__ import annotations


class LotseError(Exception):
    """Base class; ``str(error)`` is the German message shown to the user. ``detail`` is
    for operators (the CLI prints it, the web never shows it)."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


class InvalidQuestion(LotseError):
    """The question is empty, too long or otherwise unusable."""


class IndexMissing(LotseError):
    """No index has been built yet."""


class EmbedderMismatch(LotseError):
    """The index was built with another embedder than the one configured."""


class ConfigurationError(LotseError):
    """A setting has a value Lotse cannot use."""


class IngestBusy(LotseError):
    """Another ingest is already writing this index."""


class DamagedIndex(LotseError):
    """The embedded index's files cannot be opened (damaged, zero-filled, unreadable)."""


class StoreUnavailable(LotseError):
    """The Chroma server cannot be reached (down, restarting, network gone)."""

    MESSAGE = "Der Suchindex ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Minuten noch einmal."

    def __init__(self, detail: str = "") -> None:
        super().__init__(self.MESSAGE, detail)
