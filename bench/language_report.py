"""How often actions.language.reply_language names the language of each training file's examples.

    .venv/erp/bin/python bench/language_report.py [-v]

nepali.yml holds both scripts: its Devanagari examples should read "ne", its Roman ones "ne_roman".
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import yaml

from actions.language import reply_language

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = {"hinglish.yml": "hinglish", "hindi.yml": "hi", "nepali.yml": "ne", "english.yml": "en"}
SHOP_DEFAULT = {"hinglish.yml": "hinglish", "hindi.yml": "hinglish", "nepali.yml": "ne_roman", "english.yml": "hinglish"}
"""What Roman text without cues falls back to in a shop of the file's country (actions.slots.ROMAN_DEFAULT)."""
_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def examples(path: Path) -> list[str]:
    """The example sentences of an NLU file, entity annotations taken out."""
    texts = []
    for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
        for line in (block.get("examples") or "").splitlines():
            line = line.strip().removeprefix("- ").strip()
            if line:
                texts.append(_ANNOTATION.sub(lambda m: m[1] or m[2], line))
    return texts


def expected(file: str, text: str) -> str:
    language = EXPECTED[file]
    return "ne_roman" if language == "ne" and not _DEVANAGARI.search(text) else language


def main(verbose: bool) -> None:
    """Per file: right with no shop (cue-less Roman text is English), and right in a shop of the file's country."""
    for file in EXPECTED:
        texts = examples(ROOT / "data" / "nlu" / file)
        misses: Counter[str] = Counter()
        in_shop = 0
        for text in texts:
            got, want = reply_language(text), expected(file, text)
            in_shop += reply_language(text, default=SHOP_DEFAULT[file]) == want
            if got != want:
                misses[got] += 1
                if verbose:
                    print(f"  {file}: {want} → {got}: {text}")
        right = len(texts) - sum(misses.values())
        print(f"{file:14} {right}/{len(texts)} = {right / len(texts):.1%} (in a shop of its country "
              f"{in_shop / len(texts):.1%})  wrong: {dict(misses)}")


if __name__ == "__main__":
    main("-v" in sys.argv)
