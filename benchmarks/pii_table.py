"""The PII table of the closing note: the cases of tests/edges/pii_cases.py and every corpus
sentence, scrubbed by the rules before the broader scrubber (commit 5aea85f) and now.
Run: .venv/bin/python -m benchmarks.pii_table"""

import importlib.util
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from app.core import sentences_of
from app.edges import scrub as scrub_now
from tests.edges.pii_cases import CASES, PUBLIC
from tests.edges.test_privacy import CORPUS_FILES, expected_in_corpus

old_source = subprocess.run(["git", "show", "5aea85f:app/edges/privacy.py"], capture_output=True, text=True, check=True).stdout
with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
    f.write(old_source)
spec = importlib.util.spec_from_file_location("old_privacy", f.name)
old = importlib.util.module_from_spec(spec)
sys.modules["old_privacy"] = old
spec.loader.exec_module(old)


def caught(scrub, case) -> bool:
    """Whether ``scrub`` removes every personal item of ``case`` and keeps every public one."""
    result = scrub(case.text)
    return not any(p in result for p in case.personal) and all(p in result for p in case.public)


groups = defaultdict(list)
for case in CASES:
    groups[(case.lang, case.category)].append(case)
print("| language | category | cases | scrubbed before | scrubbed now |\n|---|---|---|---|---|")
for (lang, category), cases in sorted(groups.items()):
    print(
        f"| {lang} | {category} | {len(cases)} | {sum(caught(old.scrub, c) for c in cases)} "
        f"| {sum(caught(scrub_now, c) for c in cases)} |"
    )
by_lang = defaultdict(list)
for case in CASES:
    by_lang[case.lang].append(case)
print("\n| language | cases | scrubbed before | scrubbed now |\n|---|---|---|---|")
for lang, cases in sorted(by_lang.items(), key=lambda kv: -len(kv[1])):
    print(f"| {lang} | {len(cases)} | {sum(caught(old.scrub, c) for c in cases)} | {sum(caught(scrub_now, c) for c in cases)} |")
print(
    f"| **all** | **{len(CASES)}** | **{sum(caught(old.scrub, c) for c in CASES)}** "
    f"| **{sum(caught(scrub_now, c) for c in CASES)}** |"
)
print("\n(scrubbed = every personal item gone and every public item kept)\n")
sentences = [s for path in CORPUS_FILES for s in sentences_of(path.read_text(encoding="utf-8"))]
for name, scrub in (("before", old.scrub), ("now", scrub_now)):
    changed = [s for s in sentences if scrub(s) != s]
    false = [s for s in changed if scrub(s) != expected_in_corpus(s)]
    print(
        f"- corpus {name}: {len(sentences)} sentences, {len(changed)} changed, of which {len(false)} false positives "
        f"({len(changed) - len(false)} only the press office's phone/e-mail or names of public officials)"
    )
    print(f"- public questions {name}: {sum(scrub(t) != t for t in PUBLIC)} of {len(PUBLIC)} changed")
import json  # noqa: E402

questions = [
    json.loads(line)["question"]
    for path in sorted(Path("evals/datasets").glob("*.jsonl"))
    for line in path.read_text(encoding="utf-8").splitlines()
    if line.strip() and '"question"' in line
]
for name, scrub in (("before", old.scrub), ("now", scrub_now)):
    print(
        f"- eval questions (evals/datasets/*.jsonl) {name}: {sum(scrub(q) != q for q in questions)} of {len(questions)} changed"
    )
