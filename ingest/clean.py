"""Cleaning rules for raw page text; each is a small pure function on a list of lines."""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.core import normalize_text

_SOCIAL_MEDIA_MARKER = re.compile(r"[\"„“”']Social Media[\"„“”']-Einstellungen")
_CONSENT_HINT = re.compile(
    r"Klick|Datenschutz|Netiquette|Facebook|Instagram|Twitter|Youtube|Dienste|Datenfeeds|"
    r"Datenübertragung|Cookie|aktivieren|zustimmen",
    re.IGNORECASE,
)
_CONTACT_HEADINGS = {"kontakt", "pressekontakt", "bürgeranfragen", "ansprechpartner", "ansprechpartnerin"}
_CONTACT_DETAIL = re.compile(r"^(Telefon|Tel\.|Fax|E-Mail|Mail|Internet)\s*:", re.IGNORECASE)
_CONTACT_LINE_MAX = 100
_TEASER_MIN = 40
_SPACE = re.compile(r"\s+")


def to_lines(text: str) -> list[str]:
    """Normalised, non-empty lines; each line of these pages is one paragraph."""
    return [line for line in normalize_text(text).split("\n") if line]


def drop_social_media_block(lines: list[str]) -> list[str]:
    """Remove the "Social Media"-Einstellungen consent block (marker and consent lines)."""
    out: list[str] = []
    in_block = False
    for line in lines:
        if _SOCIAL_MEDIA_MARKER.search(line):
            in_block = True
            continue
        if in_block and _CONSENT_HINT.search(line):
            continue
        in_block = False
        out.append(line)
    return out


def drop_contact_block(lines: list[str]) -> list[str]:
    """Remove contact/press blocks: a heading such as "Pressekontakt" and the short lines and
    phone/e-mail lines after it. Contact lines outside such a block belong to the page's own
    service ("Telefon: 01234 202122. Das Team berät …") and stay: they are what people ask for."""
    out: list[str] = []
    in_block = False
    for line in lines:
        if line.strip().rstrip(":").lower() in _CONTACT_HEADINGS:
            in_block = True
            continue
        if in_block and (len(line) <= _CONTACT_LINE_MAX or _CONTACT_DETAIL.match(line)):
            continue
        in_block = False
        out.append(line)
    return out


def drop_repeated_paragraphs(lines: list[str]) -> list[str]:
    """Keep the first of exactly repeated paragraphs, and drop a teaser paragraph that
    stands again, word for word, inside a longer paragraph of the same page.

    Linear in the text: a teaser is only compared with paragraphs that have its first
    ``_TEASER_MIN`` characters at the start of a word."""
    unique = list(dict.fromkeys(lines))
    holders: dict[str, set[int]] = {}
    for number, line in enumerate(unique):
        for start in _word_starts(line):
            holders.setdefault(line[start : start + _TEASER_MIN], set()).add(number)
    return [
        line
        for number, line in enumerate(unique)
        if len(line) < _TEASER_MIN
        or not any(other != number and line in unique[other] for other in holders.get(line[:_TEASER_MIN], ()))
    ]


def _word_starts(line: str) -> Iterator[int]:
    """Offsets where a word starts and at least ``_TEASER_MIN`` characters follow."""
    last = len(line) - _TEASER_MIN
    if last >= 0:
        yield 0
        yield from (m.end() for m in _SPACE.finditer(line, 0, last + 1) if m.end() <= last)


def clean_page(text: str) -> list[str]:
    """All rules in order: raw text -> clean paragraphs."""
    lines = to_lines(text)
    lines = drop_social_media_block(lines)
    lines = drop_contact_block(lines)
    return drop_repeated_paragraphs(lines)
