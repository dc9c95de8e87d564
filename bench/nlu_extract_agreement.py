"""How far the rule-based extractor (bot/rasa/nlu/extract.py) agrees with the annotations of data/nlu.

Run in the ERP environment from the repository root (pure Python, no model, a second or two):

    .venv/erp/bin/python bench/nlu_extract_agreement.py           # precision, recall, F1 per language
    .venv/erp/bin/python bench/nlu_extract_agreement.py --show    # and every message where they differ

Each training example is read with its own intent (so DIET's mistakes do not count here) and the
extractor's (entity, value) pairs for the rule-owned entities are compared with the annotated ones,
values case-insensitive, as the cross-validation of bench/nlu_report.py does. A difference is either
an extractor miss or an annotation to fix: the listing shows both sides.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.rasa.nlu.extract import ENTITY_TYPES, extract  # noqa: E402

LANGUAGES = ("hinglish", "hindi", "nepali", "english")
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<entity>[^):]+)(?::(?P<value>[^)]+))?\)|\{(?P<json>[^}]+)\})")


def annotated(example: str) -> tuple[str, Counter]:
    """The plain text of an example line and its rule-owned (entity, value) pairs."""
    pairs: Counter = Counter()

    def plain(m: re.Match) -> str:
        if m["json"]:
            spec = json.loads("{" + m["json"] + "}")
            entity, value = spec["entity"], spec.get("value", m["text"])
        else:
            entity, value = m["entity"], m["value"] or m["text"]
        if entity in ENTITY_TYPES:
            pairs[(entity, str(value).strip().lower())] += 1
        return m["text"]

    return ANNOTATION.sub(plain, example), pairs


def examples(language: str):
    """(intent, text, annotated pairs) of one language file."""
    data = YAML(typ="safe").load((ROOT / "data" / "nlu" / f"{language}.yml").read_text(encoding="utf-8"))
    for block in data["nlu"]:
        if "intent" in block:
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    yield (block["intent"], *annotated(line.strip()[2:].strip()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list the messages where extractor and data differ")
    args = parser.parse_args()
    print(f"{'language':10} {'messages':>8} {'precision':>9} {'recall':>7} {'F1':>6}")
    differences = []
    for language in LANGUAGES:
        counts, messages = Counter(), 0
        for intent, text, gold in examples(language):
            messages += 1
            found = Counter((e.entity, e.value.lower()) for e in extract(text, intent))
            counts.update(tp=sum((gold & found).values()), fp=sum((found - gold).values()),
                          fn=sum((gold - found).values()))
            if gold != found:
                differences.append((language, intent, text, sorted((found - gold).elements()),
                                    sorted((gold - found).elements())))
        precision = counts["tp"] / ((counts["tp"] + counts["fp"]) or 1)
        recall = counts["tp"] / ((counts["tp"] + counts["fn"]) or 1)
        f1 = 2 * precision * recall / ((precision + recall) or 1)
        print(f"{language:10} {messages:8} {precision:9.3f} {recall:7.3f} {f1:6.3f}")
    print(f"{len(differences)} messages differ")
    if args.show:
        for language, intent, text, extra, missed in differences:
            print(f"{language}/{intent}: {text!r}\n    extractor only: {extra}\n    annotation only: {missed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
