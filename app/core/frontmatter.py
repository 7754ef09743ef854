"""Metadata at the top of a Markdown file, read within bounds: a few fields, never megabytes
or nesting deep enough to exhaust the parser."""

from __future__ import annotations

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
