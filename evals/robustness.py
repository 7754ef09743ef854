"""``lotse eval robustness``: does an answer survive how people type? Every NRW and newcomer
question is asked as written and under each perturbation (umlauts folded, lower case, one or
two typos, a personal preamble of one to three sentences, a trailing greeting, code-mixing);
per perturbation the suite reports the share of questions whose answer keeps its abstain
decision and, when answered, its top cited document. Perturbations are deterministic (seeded
by the question), so two runs compare."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tqdm import tqdm

from app.core import Answer, InvalidQuestion, without_umlauts
from app.pipeline import Lotse
from evals.dataset import load_questions
from evals.metrics import mean
from evals.newcomer import load_newcomer
from evals.perturb import seeded, typos
from evals.suite import SuiteResult

PREAMBLES = {
    "de": [
        "Hallo, ich bin seit drei Monaten in Deutschland und wohne in einer Unterkunft.",
        "Meine Frau und ich haben zwei kleine Kinder.",
        "Die Frau vom Jobcenter hat gesagt, ich soll hier fragen.",
    ],
    "en": [
        "Hi, I came to Germany four months ago with my family.",
        "We live in a shelter at the moment.",
        "My caseworker told me to ask here.",
    ],
    "uk": ["Добрий день, я з Харкова, живу в Німеччині пів року.", "У мене двоє дітей.", "Соцпрацівниця порадила запитати тут."],
    "ru": [
        "Здравствуйте, я приехала из Украины полгода назад.",
        "У меня двое детей.",
        "Социальный работник сказал спросить здесь.",
    ],
    "ar": [
        "مرحبا، أنا من سوريا ووصلت إلى ألمانيا قبل ثلاثة أشهر.",
        "عندي ولدان صغيران.",
        "الموظفة في الجوب سنتر قالت لي أن أسأل هنا.",
    ],
    "tr": ["Merhaba, üç ay önce Almanya'ya geldim.", "İki küçük çocuğum var.", "Sosyal görevli burada sormamı söyledi."],
}
GREETINGS = {
    "de": "Danke!! lg",
    "en": "thanks a lot!",
    "uk": "Дякую!",
    "ru": "Спасибо!",
    "ar": "شكرا جزيلا",
    "tr": "Teşekkürler!",
}
CODE_MIXING = [
    (r"\bWo bekomme ich Hilfe\b", "Where can I get Hilfe"),
    (r"\bGibt es\b", "Is there"),
    (r"\bWas ist\b", "What is"),
    (r"\bWelche\b", "Which"),
    (r"\bWie viele\b", "How many"),
    (r"\bSeit wann\b", "Since when"),
    (r"\bHilfe\b", "help"),
    (r"\bfür\b", "for"),
    (r"\bund\b", "and"),
]


def _mix(text: str) -> str:
    for pattern, replacement in CODE_MIXING:
        text = re.sub(pattern, replacement, text, count=1)
    return text


PERTURBATIONS: dict[str, Callable[[str, str], str]] = {
    "umlauts_folded": lambda q, lang: without_umlauts(q),
    "lower_case": lambda q, lang: q.lower(),
    "typos": lambda q, lang: typos(q, seeded(q, "typos")),
    "preamble": lambda q, lang: " ".join(PREAMBLES.get(lang, PREAMBLES["de"])[: seeded(q, "pre").choice((1, 2, 3))] + [q]),
    "greeting": lambda q, lang: f"{q} {GREETINGS.get(lang, GREETINGS['de'])}",
    "code_mixed": lambda q, lang: _mix(q),
}


def _outcome(lotse: Lotse, question: str, previous: str | None) -> tuple[bool, str | None]:
    """(abstained, top cited document) of an answer; a German message counts as abstaining."""
    try:
        answer: Answer = lotse.ask(question, previous=previous)
    except InvalidQuestion:
        return True, None
    return answer.abstained, (answer.citations[0].doc_id if answer.citations and not answer.abstained else None)


def questions() -> list[tuple[str, str, str, str | None]]:
    """(id, question, language, previous turn) of the NRW and newcomer suites."""
    nrw = [(f"nrw/{q.id}", q.question, "de", q.previous_turn) for q in load_questions()]
    return nrw + [(f"newcomer/{q.id}", q.question, q.lang, None) for q in load_newcomer()]


def run_robustness(lotse: Lotse, progress: Callable[..., Any] = tqdm) -> SuiteResult:
    """The robustness suite: per perturbation, the share of questions that keep their abstain decision and top
    cited document."""
    rows = []
    for qid, question, lang, previous in progress(questions(), desc="Robustheit", unit="Frage"):
        original = _outcome(lotse, question, previous)
        row: dict[str, Any] = {"id": qid, "question": question, "lang": lang, "abstained": original[0], "top": original[1]}
        for name, perturb in PERTURBATIONS.items():
            changed = perturb(question, lang)
            if changed == question:
                row[name] = None  # nothing to perturb (e.g. no umlauts): not counted
                continue
            abstained, top = _outcome(lotse, changed, previous)
            row[name] = {
                "text": changed,
                "top": top,
                "abstain_kept": abstained == original[0],
                "kept": abstained == original[0] and (abstained or top == original[1]),
            }
        rows.append(row)
    metrics: dict[str, float] = {}
    for name in PERTURBATIONS:
        counted = [r[name] for r in rows if r[name] is not None]
        metrics[f"invariance_{name}"] = mean([float(c["kept"]) for c in counted])
        metrics[f"abstain_kept_{name}"] = mean([float(c["abstain_kept"]) for c in counted])
        metrics[f"questions_{name}"] = float(len(counted))
    notes = [
        f"{len(rows)} questions (NRW and newcomer suites). 'invariance': the perturbed question keeps the abstain "
        "decision and, when answered, the top cited document; questions a perturbation leaves unchanged are not counted."
    ]
    return SuiteResult(suite="robustness", metrics=metrics, baseline={}, rows=rows, notes=notes)
