"""The emergency notice the chat shows above its answer when a message speaks of suicide or
violence: the nationwide numbers of ``corpus/emergency/emergency.yaml``, in the interface
language, with the public pages that state them. ``LOTSE_EMERGENCY_TEXT`` replaces it."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from app.core import Settings
from app.edges.i18n import N_, translate
from app.edges.web.markup import escape_markdown

log = logging.getLogger(__name__)

NOTICE = N_(
    "Wenn Sie in Gefahr sind: Notruf {rescue} (Feuerwehr, Rettungsdienst), Polizei {police}. Wenn Sie nicht mehr "
    "weiterwissen: TelefonSeelsorge {crisis}, rund um die Uhr, kostenfrei und anonym."
)
SOURCES = N_("Quellen")
ROLES = ("rescue", "police", "crisis")
"""The numbers ``NOTICE`` names; a file without one of them shows no notice rather than a broken one."""
LEFT_TO_RIGHT, END_OF_ISOLATE, NO_BREAK = (
    "\u2066",
    "\u2069",
    "\u00a0",
)  # Unicode's left-to-right isolate, its end, a no-break space


@dataclass(frozen=True)
class Source:
    """A public page, the passage of it that states numbers, and which of them."""

    publisher: str
    url: str
    passage: str
    states: tuple[str, ...]


@dataclass(frozen=True)
class EmergencyNumbers:
    """The numbers by role (``rescue``, ``police``, ``crisis``) and where each comes from."""

    numbers: dict[str, str]
    sources: tuple[Source, ...]

    @classmethod
    def load(cls, path: Path) -> EmergencyNumbers:
        """The numbers and their sources from the YAML file at ``path``; a ``KeyError`` if a role is missing."""
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        sources = tuple(
            Source(s["publisher"], s["url"], " ".join(s["passage"].split()), tuple(s["states"])) for s in data["sources"]
        )
        numbers = {role: str(number) for role, number in data["numbers"].items()}
        missing = set(ROLES) - numbers.keys()
        if missing:
            raise KeyError(f"es fehlt {', '.join(sorted(missing))}")
        return cls(numbers, sources)


@cache
def _shipped(path: Path) -> EmergencyNumbers | None:
    try:
        return EmergencyNumbers.load(path)
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError, ValueError) as error:  # null or missing fields
        log.warning("Notfallnummern nicht lesbar (%s): %s; der Chat zeigt keinen Notfall-Hinweis", path, error)
        return None


def emergency_notice(settings: Settings, language: str) -> str:
    """The notice as Markdown: the operator's text if set, else the shipped numbers with
    their sources; empty if neither is there."""
    if settings.emergency_text:
        return f"**{escape_markdown(settings.emergency_text)}**"
    shipped = _shipped(settings.emergency_path)
    if shipped is None:
        return ""
    links = " · ".join(f"[{escape_markdown(s.publisher)}]({s.url})" for s in shipped.sources)
    numbers = {role: ", ".join(_callable(n.strip()) for n in number.split(",")) for role, number in shipped.numbers.items()}
    marked = escape_markdown(translate(language, NOTICE, **{role: f"\0{role}\0" for role in numbers}))
    notice = re.sub(r"\0(\w+)\0", lambda field: numbers[field.group(1)], marked)  # the numbers' links after escaping
    return f"**{notice}** {translate(language, SOURCES)}: {links}"


def _callable(number: str) -> str:
    """A number a phone calls with one tap, on one line and kept left to right inside
    right-to-left text (else "0800 111 0 111" shows its groups in reverse order in Arabic)."""
    digits = re.sub(r"\D", "", number)
    return f"{LEFT_TO_RIGHT}[{number.replace(' ', NO_BREAK)}](tel:{digits}){END_OF_ISOLATE}"
