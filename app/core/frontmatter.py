"""Metadata of a document, read within bounds: the front matter at the top of a Markdown file
or a ``.meta.json`` beside a document; a few fields, never megabytes or nesting deep enough to
exhaust the parser."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import frontmatter
import yaml

MAX_META_BYTES = 256 * 1024
"""Sidecars and front matter hold a few fields; anything larger is refused."""


class BadMetadata(ValueError):
    """Front matter or a metadata file that cannot be read; ``str()`` says why, in German."""


def read_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The front matter's fields and the body; ``BadMetadata`` if it is too large, unclosed,
    nested too deep or not valid YAML."""
    head = text[: MAX_META_BYTES + 8]
    if head.startswith("---") and "\n---" not in head[3:]:
        raise BadMetadata(f"Front Matter ist länger als {MAX_META_BYTES // 1024} KB oder nicht abgeschlossen")
    try:
        post = frontmatter.loads(text)
    except RecursionError as error:
        raise BadMetadata("Front Matter ist zu tief verschachtelt") from error
    except (yaml.YAMLError, ValueError, TypeError) as error:
        raise BadMetadata(f"Front Matter ist fehlerhaft: {' '.join(str(error).split())[:160]}") from error
    return dict(post.metadata), post.content


def read_json_metadata(path: Path) -> dict[str, Any]:
    """A metadata file's JSON object; ``BadMetadata`` if it is too large, not JSON, nested too
    deep or not an object (``OSError`` if it cannot be read)."""
    if path.stat().st_size > MAX_META_BYTES:
        raise BadMetadata(f"Metadaten-Datei {path.name} ist größer als {MAX_META_BYTES // 1024} KB")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadMetadata(f"Metadaten-Datei {path.name} ist kein gültiges JSON: {error}") from error
    except RecursionError as error:
        raise BadMetadata(f"Metadaten-Datei {path.name} ist zu tief verschachtelt") from error
    if not isinstance(data, dict):
        raise BadMetadata(f"Metadaten-Datei {path.name} muss ein JSON-Objekt sein")
    return data
