"""Personal data out of what Lotse stores: typed placeholders for names of persons, phone
numbers, e-mail addresses, street addresses, dates with a day (birth dates), IBANs and ID-like
numbers, before a question or an answer is written to the feedback store.

A tested rule set, not a statistical model: phone numbers are found by Google's libphonenumber
(``phonenumbers``, German numbering plan, valid numbers only), IBANs are checked with their
mod-97 checksum, and names of persons only where the text introduces them ("ich heiße …",
"Frau …", "my name is …", "меня зовут …", "benim adım …", "اسمي …"). Programme names, places
and years are not personal data and survive. What the rules miss is listed in the tests."""

from __future__ import annotations

import re

import phonenumbers

NAME = "[NAME]"
PHONE = "[TELEFON]"
EMAIL = "[E-MAIL]"
ADDRESS = "[ADRESSE]"
DATE = "[DATUM]"
IBAN = "[IBAN]"
ID_NUMBER = "[NUMMER]"

_EMAIL = re.compile(r"[\w.+-]+(?:@|\s?\[at\]\s?|\s?\(at\)\s?)[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.I)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b")
_STREET = re.compile(
    r"\b[A-ZÄÖÜ][\wäöüß.-]*(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|ufer|chaussee|steig|pfad)"
    r"\s+\d+\s?[a-z]?\b(?:,?\s+\d{5}\s+[A-ZÄÖÜ][\wäöüß-]+)?", re.U)
"""A street with its house number (and postcode and town, if they follow)."""
_FULL_DATE = re.compile(r"\b(?:0?[1-9]|[12]\d|3[01])\s?[./-]\s?(?:0?[1-9]|1[0-2])\s?[./-]\s?(?:19|20)?\d{2}\b")
_ID_CUE = re.compile(
    r"(?i:\b(?:ausweis\w*|pass(?:nummer)?|reisepass|aufenthaltstitel|aufenthaltserlaubnis|steuer-?id|steueridentifikationsnummer"
    r"|sozialversicherungsnummer|aktenzeichen|kundennummer|bg-nummer|passport|id number)\b(?:\s*(?:nr\.?|nummer|number))?"
    r"(?:\s*[:.-]?\s*(?:ist|lautet|is))?)\s*[:.-]?\s*"
    r"(?P<number>(?=[A-Z0-9 /-]*\d)[A-Z0-9][A-Z0-9/-]{4,}[A-Z0-9])", re.U)
_LONG_NUMBER = re.compile(r"\b\d{9,}\b")
_NAME_WORD = r"[A-ZÄÖÜА-ЯЁІЇЄҐ][\wäöüßа-яёіїєґ'-]+"
_NAME_CUES = re.compile(
    rf"(?:(?i:ich heiße|ich heisse|mein name ist|my name is|i am called|меня зовут|мене звати|benim adım|adım|ismim)\s+"
    rf"|\b(?:Frau|Herr|Herrn|Hr\.|Fr\.|Mr\.?|Mrs\.?|Ms\.?)\s+)(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD})?)", re.U)
_ARABIC_NAME = re.compile(r"(?:اسمي|إسمي)\s+(?P<name>[\u0600-\u06FF]+(?:\s+[\u0600-\u06FF]+)?)")


def _valid_iban(candidate: str) -> bool:
    """The IBAN checksum (ISO 13616, mod 97)."""
    compact = candidate.replace(" ", "")
    digits = "".join(str(int(ch, 36)) for ch in compact[4:] + compact[:4])
    return 15 <= len(compact) <= 34 and int(digits) % 97 == 1


def _replace_groups(pattern: re.Pattern[str], group: str, placeholder: str, text: str) -> str:
    def swap(match: re.Match[str]) -> str:
        start, end = match.span(group)
        whole_start = match.start()
        return match.group(0)[: start - whole_start] + placeholder + match.group(0)[end - whole_start:]

    return pattern.sub(swap, text)


def _phones(text: str) -> str:
    spans = [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, "DE", leniency=phonenumbers.Leniency.VALID)]
    for start, end in reversed(spans):
        text = text[:start] + PHONE + text[end:]
    return text


def scrub(text: str) -> str:
    """``text`` with personal data replaced by typed placeholders."""
    text = _EMAIL.sub(EMAIL, text)
    text = _IBAN.sub(lambda m: IBAN if _valid_iban(m.group(0)) else m.group(0), text)
    text = _replace_groups(_ID_CUE, "number", ID_NUMBER, text)
    text = _FULL_DATE.sub(DATE, text)
    text = _phones(text)
    text = _LONG_NUMBER.sub(ID_NUMBER, text)
    text = _STREET.sub(ADDRESS, text)
    text = _replace_groups(_NAME_CUES, "name", NAME, text)
    return _replace_groups(_ARABIC_NAME, "name", NAME, text)
