"""Personal data out of what Lotse stores: typed placeholders for names of persons, phone
numbers, e-mail addresses, street addresses, dates with a day, IBANs and ID numbers, and the
special categories of GDPR Art. 9 (health, religion, sexuality), before a question or an
answer is written to the feedback store.

A tested rule set, not a statistical model; its word lists live in ``privacy.yaml`` beside
this module. Phone numbers are found by Google's libphonenumber (``phonenumbers``, German
numbering plan, valid numbers only) and IBANs are checked with their mod-97 checksum.
E-mail addresses are also found written out ("name (at) web de"), street addresses in German,
English, French, Turkish, Russian, Ukrainian, Arabic and Persian forms, written dates in the
month names of Babel's locale data.

Names of persons are found four ways: after a cue that introduces a name ("ich heiße …",
"je m'appelle …", "меня зовут …", "اسمي …"), after a title ("Frau Dr. …", "Mr …", "пан …",
"آقای …"), after a relative or a person of the writer's life ("Mein Berater Yilmaz", "my
husband …", "oğlum …", "meine Tochter heißt …"), and by a list of given names, alone or followed
by capitalised family names. After "ich bin …", "I'm …", "ben …", "я …", "أنا …" a word is a
name only if it is a known given name or, written with a capital, no known word and no German
or Turkish predicate (-in, -er, -lich, -yim …): "ich bin Lehrerin" stays. Lotse ships no general word list, so a name that is
neither introduced nor known is missed (the tests list such misses).

Dates and the special categories are replaced only in a sentence that speaks about the writer
or their family ("ich", "meine", "my", "мне", "benim", "عندي", "دارم" …) or, for dates, about a
birth: "Angebote für queere Menschen (PM 14.07.2022)" in a programme text stays as it is.
Programme names, places and years are not personal data and survive. Office phone numbers
and e-mail addresses are replaced like private ones: the rules cannot tell them apart."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import phonenumbers
import yaml
from babel import Locale

NAME = "[NAME]"
PHONE = "[TELEFON]"
EMAIL = "[E-MAIL]"
ADDRESS = "[ADRESSE]"
DATE = "[DATUM]"
IBAN = "[IBAN]"
ID_NUMBER = "[NUMMER]"

RULES_FILE = Path(__file__).with_name("privacy.yaml")
MONTH_LOCALES = ("de", "en", "fr", "tr", "ru", "uk", "ar", "ar_SY", "ar_IQ", "fa", "ku")
"""Babel locales whose Gregorian month names make a written date ("3. April", "3 Nisan")."""

_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b")
_FULL_DATE = re.compile(r"\b(?:0?[1-9]|[12]\d|3[01])\s?[./-]\s?(?:0?[1-9]|1[0-2])\s?[./-]\s?(?:19|20)?\d{2}\b")
_ID_CUE = re.compile(
    r"(?i:\b(?:ausweis\w*|pass(?:nummer)?|reisepass|aufenthaltstitel|aufenthaltserlaubnis|steuer-?id|steueridentifikationsnummer"
    r"|sozialversicherungsnummer|rentenversicherungsnummer|aktenzeichen|kundennummer|bg-nummer|passport|id number)\b"
    r"(?:\s*(?:nr\.?|nummer|number))?(?:\s*[:.-]?\s*(?:ist|lautet|is))?)\s*[:.-]?\s*"
    r"(?P<number>(?=[A-Z0-9 /-]*\d)[A-Z0-9][A-Z0-9/-]{4,}[A-Z0-9])",
    re.U,
)
_TAX_ID = re.compile(r"(?<![\d.,])[1-9]\d(?:[ ./-]?\d{3}){3}(?![\d.,]\d)")
"""A German tax ID (11 digits), also in groups: "12 345 678 901"."""
_SOCIAL_INSURANCE = re.compile(r"\b\d{2}\s?[0-3]\d[01]\d{3}\s?[A-Z]\s?\d{3}\b")
"""A German social-insurance number: area, birth date, initial, serial ("65 170839 J 003")."""
_LONG_NUMBER = re.compile(r"\b\d{9,}\b")
_TURKISH_CASE = re.compile(r"['’]\w+$")
"""A Turkish case ending after an apostrophe ("Dortmund'da"): a place or a noun, no family name."""
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_SENTENCE_END = re.compile(r"(?<!\d)[.!?؟]\s+|\n")
_HOUSE_NUMBER = r"\d{1,4}\s?[a-zA-Z]?(?![\w])"
_POSTCODE_TOWN = r"(?:,?\s+\d{5}\s+[A-ZÄÖÜ][\wäöüß-]+)?"


@dataclass(frozen=True)
class _Rules:
    """``privacy.yaml`` compiled: word sets and patterns."""

    naming_cue: re.Pattern[str]
    self_cue: re.Pattern[str]
    relation_cue: re.Pattern[str]
    title: re.Pattern[str]
    place_prefix: re.Pattern[str]
    academic_titles: frozenset[str]
    stops: frozenset[str]
    not_names: frozenset[str]
    no_name_endings: tuple[str, ...]
    given_names: frozenset[str]
    personal_markers: frozenset[str]
    birth_cue: re.Pattern[str]
    special: tuple[tuple[str, re.Pattern[str]], ...]
    email: re.Pattern[str]
    streets: tuple[re.Pattern[str], ...]
    written_date: re.Pattern[str]


def _alternation(phrases: Iterable[str]) -> str:
    """Phrases as one regex alternation, longest first, each standing as whole words."""
    return "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))


def _spelled_out(spellings: list[str]) -> str:
    """A symbol written out: "(at)" with or without spaces around it, "at" only between spaces."""
    signs, words = [s for s in spellings if not s.isalpha()], [s for s in spellings if s.isalpha()]
    return rf"\s*(?:{_alternation(signs)})\s*|\s+(?:{_alternation(words)})\s+"


def _whole(phrases: Iterable[str]) -> str:
    return rf"(?<![\w])(?:{_alternation(phrases)})(?![\w])"


def _term(term: str) -> str:
    """A special-category term: the start of a word, or with a trailing "=" the whole word."""
    if term.endswith("="):
        return rf"(?<![\w]){re.escape(term[:-1])}(?![\w])"
    return rf"(?<![\w]){re.escape(term)}[\w-]*"


def _relation_pattern(data: dict[str, Any]) -> re.Pattern[str]:
    """A relative with the possessive ("mein Sohn", "oğlum", "پسرم"), then perhaps a naming
    verb (group ``verb``: "heißt", "зовут")."""
    relative = rf"(?:{_alternation(data['possessives'])})\s+(?:{_alternation(data['relatives'])})"
    relation = rf"{relative}|{_alternation(data['with_possessive'])}"
    verb = rf"(?:\s+(?P<verb>{_alternation(data['naming_verbs'])})(?![\w]))?"
    return re.compile(rf"(?<![\w])(?:{relation})(?![\w]){verb}", re.I)


def _email_pattern(data: dict[str, Any]) -> re.Pattern[str]:
    """An address with "@" or written out: "name (at) web de", "name at gmx dot de"."""
    spelled = [s.strip() for s in data["email_at"]]
    at = rf"\s*@\s*|{_spelled_out(spelled)}"
    dots = [s.strip() for s in data["email_dot"]]
    dot = rf"\.|{_spelled_out(dots)}"
    tld = _alternation(data["email_tlds"])
    return re.compile(
        rf"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{{2,}}\b"
        rf"|[\w.+-]+(?:{at})[\w-]+(?:(?:{dot})[\w-]+)*(?:{dot}|\s)(?:{tld})\b",
        re.I,
    )


def _street_patterns(data: dict[str, Any]) -> tuple[re.Pattern[str], ...]:
    """A street with its house number: "Bahnhofstraße 12, 47533 Kleve", "Am Markt 3a",
    "12 Baker Street", "12 rue de la Paix", "Atatürk Caddesi No: 5", "ул. Ленина, 5"."""
    suffixes = data["street_suffixes"]
    capitalised = [s[0].upper() + s[1:] for s in suffixes]
    street = rf"(?:[A-ZÄÖÜ][\wäöüß-]*(?:{_alternation(suffixes)})|(?:{_alternation(capitalised)}))"
    name = r"[A-ZÄÖÜ][\wäöüß.-]+"
    after = _alternation(data["street_words_after"])
    before = _alternation(data["street_words_before"])
    word = r"[^\W\d_][\w'’.-]*"
    return (
        re.compile(rf"(?:(?:{_alternation(data['street_prepositions'])})\s+)?\b{street}\s+{_HOUSE_NUMBER}{_POSTCODE_TOWN}"),
        re.compile(
            rf"\b(?:{_alternation(data['street_prepositions'])})\s+{name}(?:\s+{name})?\s+{_HOUSE_NUMBER}{_POSTCODE_TOWN}"
            r"(?=\s*(?:$|[,.;!?)]|\s(?:in|und|and|bei)\b))"
        ),
        re.compile(rf"\b\d{{1,4}}[a-zA-Z]?,?\s+(?:[A-Z][\w'’-]+\s+){{1,3}}(?:{after})(?![\w])"),
        re.compile(rf"(?:[A-ZÇĞİÖŞÜ][\w'’-]+\s+){{1,3}}(?:{after})\s*(?:No\.?:?\s*)?\d{{1,4}}[a-zA-Z]?\b"),
        re.compile(rf"\b\d{{1,4}}[a-zA-Z]?,?\s+(?i:{before})\s+(?:{word}\s+){{0,3}}?{word}(?=\s*(?:$|[,.;!?)]))"),
        re.compile(rf"(?<![\w])(?i:{before})\s+(?:{word}\s+){{0,2}}?{word},?\s*(?:No\.?:?|№|д\.|پلاک)?\s*\d{{1,4}}(?![\d])"),
    )


def _month_names(extra: Iterable[str]) -> set[str]:
    """Gregorian month names, wide and abbreviated, in every form Babel knows ("апреля")."""
    names = set(extra)
    for code in MONTH_LOCALES:
        months = Locale.parse(code).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                names.update(m for m in months[context][width].values() if len(m.rstrip(".")) >= 3)
    return names


def _date_pattern(months: set[str]) -> re.Pattern[str]:
    """A written date with a day: "3. April 1985", "3 Nisan", "April 3, 1985", "3 квітня 1985 року"."""
    month = _alternation(months)
    year = r"(?:\s+\d{4}(?:\s*(?:року|года|г\.|р\.|yılı))?)"
    return re.compile(
        rf"(?<!\d)\d{{1,2}}(?:\.|st|nd|rd|th|-?го|-?е)?\s+(?:of\s+)?(?:{month})(?![\w]),?{year}?"
        rf"|(?<![\w])(?:{month})\s+\d{{1,2}}(?:st|nd|rd|th)?,?{year}(?!\d)",
        re.I,
    )


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    """The rules of ``privacy.yaml``, compiled once."""
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    special = tuple(
        (placeholder, re.compile("|".join(_term(t) for terms in by_language.values() for t in terms), re.I))
        for placeholder, by_language in data["special"].items()
    )
    return _Rules(
        naming_cue=re.compile(_whole(data["naming_cues"]), re.I),
        self_cue=re.compile(_whole(data["self_cues"]), re.I),
        relation_cue=_relation_pattern(data["relation_cues"]),
        title=re.compile(rf"(?<![\w])(?:{_alternation(data['titles'])})(?=\s)", re.I),
        place_prefix=re.compile(rf"(?<![\w])(?:{_alternation(data['place_prefixes'])})\s+$"),
        academic_titles=frozenset(data["academic_titles"]),
        stops=frozenset(w.casefold() for w in data["name_stops"]),
        not_names=frozenset(w.casefold() for w in data["not_names"]),
        no_name_endings=tuple(data["no_name_endings"]),
        given_names=frozenset(w.casefold() for w in data["given_names"]),
        personal_markers=frozenset(w.casefold() for w in data["personal_markers"]),
        birth_cue=re.compile(_whole(data["birth_cues"]), re.I),
        special=special,
        email=_email_pattern(data),
        streets=_street_patterns(data),
        written_date=_date_pattern(_month_names(data["extra_months"])),
    )


def _cased(word: str) -> bool:
    """Whether the word's script has capital letters (Latin, Cyrillic; not Arabic)."""
    return word.lower() != word.upper()


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _words_after(text: str, position: int) -> Iterator[re.Match[str]]:
    """The words that follow ``position``, separated by spaces only (a comma or full stop
    ends the run; a colon right after a cue does not)."""
    gap = re.compile(r"\s*:?\s*")
    while True:
        position = gap.match(text, position).end()  # type: ignore[union-attr]  # matches the empty string too
        word = _WORD.match(text, position)
        if not word:
            return
        yield word
        position = word.end()
        if not text[position : position + 1].isspace():
            return
        gap = re.compile(r"\s+")


def _known(word: str, endings: bool = True) -> bool:
    """A word that ends a name or is no name: a stop word, a status or (with ``endings``) a
    German or Turkish predicate or noun ("Lehrerin", "Syrer", "Suriyeliyim", "Einrichtungen")."""
    rules, folded = _rules(), word.casefold()
    if folded in rules.given_names:
        return False
    return (
        folded in rules.stops
        or folded in rules.not_names
        or (endings and _cased(word) and len(word) > 4 and folded.endswith(rules.no_name_endings))
    )


def _name_run(text: str, position: int, first_must_be_given: bool) -> tuple[int, int] | None:
    """The span of a name starting at the first word after ``position``: a given name or an
    unknown capitalised word (or any word, unless ``first_must_be_given``), then up to two
    capitalised family names."""
    words = _words_after(text, position)
    first = next(words, None)
    if first is None or _known(first.group()):
        return None
    word = first.group()
    given = word.casefold() in _rules().given_names
    if first_must_be_given and not (given or (_cased(word) and _capitalised(word))):
        return None
    end = first.end()
    for _, following in zip(range(2), words):
        more = following.group()
        if _known(more) or (_cased(more) and not _capitalised(more) and _capitalised(word)) or _TURKISH_CASE.search(more):
            break
        if not _cased(more) and more.casefold() not in _rules().given_names:
            break
        end = following.end()
    return first.start(), end


def _after_title(text: str, position: int) -> tuple[int, int] | None:
    """The family name after a title, past academic titles: "Frau Dr. Müller-Lüdenscheidt"."""
    rules = _rules()
    run = list(_words_after(text, position))
    while run and run[0].group() + text[run[0].end() : run[0].end() + 1] in rules.academic_titles | {
        t + "." for t in rules.academic_titles
    }:
        position = run[0].end() + 1
        run = list(_words_after(text, position))
    names = []
    for word in run[:2]:  # family names end like predicates: Müller, Schneider
        if _known(word.group(), endings=False) or (_cased(word.group()) and not _capitalised(word.group())):
            break
        names.append(word)
    return (names[0].start(), names[-1].end()) if names else None


def _given_name_spans(text: str) -> Iterator[tuple[int, int]]:
    """Capitalised given names anywhere (Latin and Cyrillic script), with their family names;
    not in a place name ("Sankt Martin")."""
    for word in _WORD.finditer(text):
        given = _cased(word.group()) and _capitalised(word.group()) and word.group().casefold() in _rules().given_names
        if given and not _rules().place_prefix.search(text, 0, word.start()):
            run = _name_run(text, word.start(), first_must_be_given=True)
            if run:
                yield run


def _name_spans(text: str) -> list[tuple[int, int]]:
    rules = _rules()
    spans = [
        *(_name_run(text, cue.end(), first_must_be_given=False) for cue in rules.naming_cue.finditer(text)),
        *(_name_run(text, cue.end(), first_must_be_given=True) for cue in rules.self_cue.finditer(text)),
        *(_name_run(text, cue.end(), first_must_be_given=not cue["verb"]) for cue in rules.relation_cue.finditer(text)),
        *(_after_title(text, title.end()) for title in rules.title.finditer(text)),
        *_given_name_spans(text),
    ]
    return [span for span in spans if span]


def _replace_spans(text: str, spans: Iterable[tuple[int, int]], placeholder: str) -> str:
    """``text`` with each span (overlapping ones merged) replaced by ``placeholder``."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + placeholder + text[end:]
    return text


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence (or sentences) around ``text[start:end]``."""
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    return text[before[-1] if before else 0 : after.start() if after else len(text)]


def _personal(sentence: str) -> bool:
    """Whether a sentence speaks about the writer or their family."""
    return any(w.group().casefold() in _rules().personal_markers for w in _WORD.finditer(sentence))


def _in_personal_sentences(pattern: re.Pattern[str], placeholder: str, text: str, births: bool = False) -> str:
    """Replace the matches of ``pattern`` that stand in a personal sentence (or, with
    ``births``, in one about a birth)."""

    def personal(match: re.Match[str]) -> bool:
        sentence = _sentence(text, match.start(), match.end())
        return _personal(sentence) or (births and bool(_rules().birth_cue.search(sentence)))

    return _replace_spans(text, [m.span() for m in pattern.finditer(text) if personal(m)], placeholder)


def _valid_iban(candidate: str) -> bool:
    """The IBAN checksum (ISO 13616, mod 97)."""
    compact = candidate.replace(" ", "")
    digits = "".join(str(int(ch, 36)) for ch in compact[4:] + compact[:4])
    return 15 <= len(compact) <= 34 and int(digits) % 97 == 1


def _phones(text: str) -> str:
    """Valid phone numbers of the German numbering plan (dates like "02.10.2018" are none)."""
    spans = [
        (m.start, m.end)
        for m in phonenumbers.PhoneNumberMatcher(text, "DE", leniency=phonenumbers.Leniency.VALID)
        if not _FULL_DATE.fullmatch(m.raw_string)
    ]
    return _replace_spans(text, spans, PHONE)


def _numbers(text: str) -> str:
    """IBANs, numbers after an ID cue, tax IDs, social-insurance numbers, long numbers."""
    text = _IBAN.sub(lambda m: IBAN if _valid_iban(m.group(0)) else m.group(0), text)
    text = _replace_spans(text, [m.span("number") for m in _ID_CUE.finditer(text)], ID_NUMBER)
    text = _SOCIAL_INSURANCE.sub(ID_NUMBER, text)
    return _TAX_ID.sub(ID_NUMBER, text)


def scrub(text: str) -> str:
    """``text`` with personal data replaced by typed placeholders."""
    rules = _rules()
    text = rules.email.sub(EMAIL, text)
    text = _numbers(text)
    text = _in_personal_sentences(_FULL_DATE, DATE, text, births=True)
    text = _in_personal_sentences(rules.written_date, DATE, text, births=True)
    text = _phones(text)
    text = _LONG_NUMBER.sub(ID_NUMBER, text)
    text = _replace_spans(text, [m.span() for street in rules.streets for m in street.finditer(text)], ADDRESS)
    for placeholder, terms in rules.special:
        text = _in_personal_sentences(terms, placeholder, text)
    return _replace_spans(text, _name_spans(text), NAME)
