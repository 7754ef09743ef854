"""A message's ask and its context: people write their situation first ("Ich bin vor zwei
Monaten aus Eritrea gekommen und wohne in Köln. …") and then ask. Retrieval reads both (the
place and situation matter); the selector, the gates and the decision to decline judge the
ask alone, so words of the situation never cause a refusal."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.conversation.cues import Need, cues, folded
from app.core import detect_language

_SENTENCE_END = re.compile(r"(?<=[.!?؟;。])\s+|\n+")


@dataclass(frozen=True)
class Split:
    """The sentences that ask and the ones that tell, each joined in their order."""

    ask: str
    context: str


def _opens_with_ask(text: str) -> bool:
    """Whether ``text`` (folded) begins with an asking word of its language: "من" asks "who" in
    Arabic but says "I" in Farsi ("من یک زن افغان هستم."); a sentence too short to tell asks."""
    rules = cues()
    found = rules.asking.match(text.lstrip())
    if found is None:
        return False
    own = rules.asking_only_in.get(found.group(0))
    return own is None or detect_language(text) in (own, None)


def _asks(sentence: str) -> bool:
    if sentence.rstrip().endswith(("?", "؟")):
        return True
    text = folded(sentence)
    return _opens_with_ask(text) or _wonders(text)


def _wonders(text: str) -> bool:
    """Whether a telling sentence (folded) asks indirectly: "I don't know", then an asking word."""
    rules = cues()
    found = rules.wondering.search(text)
    return found is not None and rules.asking.search(text, found.end()) is not None


def _run_on_ask(sentence: str) -> int | None:
    """Where the ask starts in a long run-on sentence (voice typing), if anywhere: at the first
    asking word after a few words of telling, leaving a few words to ask with. A sentence that
    opens with an asking word is all ask (a later "what", "who" or "wo" continues it)."""
    rules = cues()
    text = folded(sentence)  # folding keeps the words (ß -> ss), so word counts match the original
    if _opens_with_ask(text):  # "was ist KIM und was machen die da"
        return None
    tokens = list(re.finditer(r"\S+", sentence))
    for match in rules.run_on_asking.finditer(text):
        before = len(text[: match.start()].split())
        if before >= rules.run_on_min_words and len(tokens) - before >= rules.run_on_min_ask_words:
            return tokens[before].start()
    return None


def _only_courtesy(sentence: str) -> bool:
    found = re.findall(r"\w+", folded(sentence))
    return bool(found) and all(word in cues().courtesy for word in found)


def without_courtesies(message: str) -> str:
    """The message without the sentences that only thank or greet ("… in Köln? Danke!! lg"):
    they are neither the ask nor the situation. A message of nothing else is kept as it is."""
    sentences = [s.strip() for s in _SENTENCE_END.split(message.strip()) if s.strip()]
    kept = [s for s in sentences if not _only_courtesy(s)]
    return " ".join(kept) if kept and len(kept) < len(sentences) else message


def split_ask(message: str) -> Split:
    """The ask (the sentences that ask; else the last sentence, or the tail of a run-on
    sentence from its first asking word) and the context (everything else)."""
    sentences = [s.strip() for s in _SENTENCE_END.split(message.strip()) if s.strip()]
    if len(sentences) <= 1:
        start = _run_on_ask(message) if sentences else None
        if start is None:
            return Split(message.strip(), "")
        return Split(message[start:].strip(), message[:start].strip())
    asking = [s for s in sentences if _asks(s)] or sentences[-1:]
    return Split(" ".join(asking), " ".join(s for s in sentences if s not in asking))


def sought(ask: str, context: str) -> tuple[Need, ...]:
    """The needs a turn seeks help with: the specific ones its ask names, or, when it names none
    ("wer hilft mir?"), those of the telling sentences that seek ("Ich suche eine Wohnung in
    Dortmund, …", "… und suchen seit Monaten eine Wohnung."); else the broad ones its ask names
    ("Hilfe für Eltern"). A need the situation only mentions ("Wir wohnen in einer kleinen
    Wohnung. …") is not sought."""
    rules = cues()
    named = rules.needs_in(ask)
    specific = [need for need in named if not need.broad]
    if not specific and context:  # only then are the telling sentences read
        told = [folded(s) for s in _SENTENCE_END.split(context) if s.strip()]
        seeking = [s for s in told if _asks(s.strip()) or rules.seeking.search(s)]
        lacked = [m.group(1) for s in told for m in rules.lacking.finditer(s)]  # "kein Kinderarzt"
        specific = [need for need in rules.needs_in(" ".join(seeking + lacked)) if not need.broad]
    return tuple(specific) or tuple(need for need in named if need.broad)


def needs_of(message: str) -> tuple[str, ...]:
    """The names of the specific needs a message seeks help with (``sought`` on its ask and
    context; a broad one only narrows offers and makes no topic of its own)."""
    split = split_ask(message)
    return tuple(need.name for need in sought(split.ask, split.context) if not need.broad)
