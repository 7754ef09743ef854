"""Interface texts in the asker's language: gettext catalogues (``locales/<code>/LC_MESSAGES/lotse.po``)
read with Babel. The German text is the message id, so German needs no catalogue; the others
are written by hand and reviewed for facts (nothing is machine-translated at run time).

Mark a text for the catalogues with ``N_`` where it is defined and translate it where it is
shown with ``translate``; ``pybabel extract -k N_`` finds every marked text."""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.core import GERMAN, LANGUAGES

LOCALE_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "lotse"


def N_(text: str) -> str:  # noqa: N802 - gettext's conventional marker name
    """Mark ``text`` as an interface text (translated later, where it is shown)."""
    return text


def catalogue_path(language: str) -> Path:
    """The hand-written ``.po`` catalogue of ``language``."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalogue(language: str) -> gettext.NullTranslations:
    """The translations of one interface language (German and unknown codes: the ids)."""
    if language == GERMAN or language not in LANGUAGES:
        return gettext.NullTranslations()
    with catalogue_path(language).open("rb") as po:
        compiled = io.BytesIO()
        write_mo(compiled, read_po(po, locale=language.split("-")[0]))
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def translate(language: str, text: str, **values: object) -> str:
    """``text`` (a German ``N_`` text) in ``language``, with ``{name}`` fields filled in."""
    translated = catalogue(language).gettext(text)
    return translated.format(**values) if values else translated
