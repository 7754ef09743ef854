"""The metadata a corpus file may state about itself (sidecar JSON or front matter), as a
schema: a field of the wrong type is dropped with a warning, never a reason to stop."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator


class DocumentMeta(BaseModel):
    """Known fields; others (publisher, operator, ...) are ignored by ingest."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    title: str | None = None
    date: str | None = None
    kind: str | None = None
    places: list[str] = []
    sources: list[str] = []
    land: str | None = None
    """The Bundesland the document is about ("Bayern"); default: derived from ``places``, else NRW."""
    url: str | None = None
    """The web page a fetched document came from (written by the web sync)."""
    fetched_at: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        """YAML front matter turns 2024-05-01 into a date; keep it as text."""
        return value.isoformat() if isinstance(value, dt.date) else value

    @field_validator("places", "sources", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        """A single name counts as a list of one."""
        return [value] if isinstance(value, str) else value


def parse_meta(raw: dict[str, Any], origin: str) -> tuple[DocumentMeta, list[str]]:
    """Valid fields of ``raw``, and a German warning per field that had to be dropped."""
    warnings: list[str] = []
    data = dict(raw)
    while True:
        try:
            return DocumentMeta.model_validate(data), warnings
        except ValidationError as error:
            bad = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
            if not bad & data.keys():  # pragma: no cover - every error names a field
                raise
            for name in sorted(bad & data.keys()):
                value = data.pop(name)
                warnings.append(f"Metadatenfeld '{name}' in {origin} ignoriert (Wert {value!r} hat den falschen Typ)")
