"""The training data the trainer edits: data/nlu/<language>.yml in Rasa's YAML format.

Examples are appended and deleted with ruamel.yaml's round-trip mode, so the file keeps its
comments, its order and its indentation; the annotation syntax is Rasa's
(`[Maggi](product)`, `[paanch hazaar]{"entity": "amount", "value": "5000"}`).
"""

from __future__ import annotations

import io
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

LANGUAGE_FILES = {"hinglish": "hinglish.yml", "hindi": "hindi.yml", "nepali": "nepali.yml", "english": "english.yml"}
"""The language files of data/nlu (the NLU contract), by the name the trainer picks."""

SLOT_LANGUAGE_FILE = {"hinglish": "hinglish", "hi": "hindi", "ne": "nepali", "ne_roman": "nepali", "en": "english"}
"""The actions' `language` slot values (actions/language.py) -> language file."""

INTENT_NAME = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
ENTITY_NAME = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
NEPALI_MARKERS = ("छ", "छन्", "हो", "गर्नु", "कति", "बाँकी", "भयो", "पर्यो", "गर", "हुन्छ", "दिनु", "मेरो")


class TrainingDataError(ValueError):
    """An example, intent or entity the training data cannot take; the message says why."""


@dataclass(frozen=True)
class EntitySpan:
    """An entity the trainer marked: characters [start, end) of the plain text, and an optional value."""

    start: int
    end: int
    entity: str
    value: str | None = None


def text_key(text: str) -> str:
    """The form two messages share when they are 'the same text': NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def plain_text(example: str) -> str:
    """An example without its entity annotations."""
    return ANNOTATION.sub(lambda m: m.group(1), example)


def annotate(text: str, spans: list[EntitySpan]) -> str:
    """The example line for `text` with `spans` marked in Rasa's syntax."""
    text = " ".join(text.split())
    parts, position = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        if not ENTITY_NAME.match(span.entity):
            raise TrainingDataError(f"{span.entity!r} is not an entity name")
        if span.start < position or span.end > len(text) or span.start >= span.end:
            raise TrainingDataError("entity spans must lie inside the text and must not overlap")
        segment = text[span.start:span.end]
        if segment != segment.strip() or any(c in segment for c in "[]{}()"):
            raise TrainingDataError(f"an entity cannot start or end with a space or hold brackets: {segment!r}")
        parts.append(text[position:span.start])
        if span.value and span.value != segment:
            parts.append(f"[{segment}]" + json.dumps({"entity": span.entity, "value": span.value}, ensure_ascii=False))
        else:
            parts.append(f"[{segment}]({span.entity})")
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


def guess_language(text: str, slot_language: str | None = None) -> str:
    """The language file a message most likely belongs in: the bot's own `language` slot when it was set,
    else Devanagari -> Hindi or Nepali (by common Nepali words), Latin -> Hinglish."""
    if slot_language in SLOT_LANGUAGE_FILE:
        return SLOT_LANGUAGE_FILE[slot_language]
    if any("\u0900" <= c <= "\u097f" for c in text):
        return "nepali" if any(marker in text.split() for marker in NEPALI_MARKERS) else "hindi"
    return "hinglish"


def _yaml(source: str) -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    first_item = re.search(r"^( *)- intent:", source, re.MULTILINE)
    offset = len(first_item.group(1)) if first_item else 2
    yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
    return yaml


def _load(path: Path) -> tuple[YAML, CommentedMap]:
    source = path.read_text(encoding="utf-8") if path.exists() else 'version: "3.1"\nnlu:\n'
    yaml = _yaml(source)
    document = yaml.load(source) or CommentedMap()
    if document.get("nlu") is None:
        document["nlu"] = CommentedSeq()
    return yaml, document


def _dump(path: Path, yaml: YAML, document: CommentedMap) -> None:
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(partial, path)


def _append(seq: CommentedSeq, item: object) -> None:
    """Append to a sequence; what followed its old last item (blank lines, a comment before the next key)
    moves after the new one, so the new item joins the list instead of landing after the gap."""
    last = len(seq) - 1
    seq.append(item)
    if last >= 0 and last in seq.ca.items:
        seq.ca.items[last + 1] = seq.ca.items.pop(last)


def _lines(block: str) -> list[str]:
    return [line for line in block.splitlines() if line.strip()]


def append_example(path: Path, intent: str, example: str) -> None:
    """Append one example line to `intent` in the file (creating the intent at the end if new)."""
    if not INTENT_NAME.match(intent):
        raise TrainingDataError(f"{intent!r} is not an intent name (lowercase letters, digits and _)")
    example = " ".join(example.split())
    if not example:
        raise TrainingDataError("an example cannot be empty")
    yaml, document = _load(path)
    for item in document["nlu"]:
        if isinstance(item, dict) and item.get("intent") == intent:
            if any(text_key(plain_text(line.strip()[2:])) == text_key(plain_text(example))
                   for line in _lines(str(item.get("examples", "")))):
                return
            examples = str(item.get("examples", ""))
            item["examples"] = LiteralScalarString(examples.rstrip("\n") + ("\n" if examples.strip() else "")
                                                   + f"- {example}\n")
            break
    else:
        _append(document["nlu"], CommentedMap([("intent", intent), ("examples", LiteralScalarString(f"- {example}\n"))]))
    _dump(path, yaml, document)


def delete_example(path: Path, intent: str, text: str) -> bool:
    """Remove the example of `intent` whose plain text is `text`; False if there was none."""
    yaml, document = _load(path)
    for item in document["nlu"]:
        if isinstance(item, dict) and item.get("intent") == intent:
            lines = str(item.get("examples", "")).splitlines(keepends=True)
            kept = [line for line in lines
                    if not (line.strip().startswith("- ") and text_key(plain_text(line.strip()[2:])) == text_key(text))]
            if len(kept) == len(lines):
                return False
            item["examples"] = LiteralScalarString("".join(kept))
            _dump(path, yaml, document)
            return True
    return False


@dataclass(frozen=True)
class Example:
    language: str
    intent: str
    text: str
    """As written in the file, annotations included."""

    @property
    def plain(self) -> str:
        return plain_text(self.text)


def read_examples(nlu_dir: Path) -> list[Example]:
    """Every intent example of the language files, in file order."""
    found = []
    for language, name in LANGUAGE_FILES.items():
        path = nlu_dir / name
        if not path.exists():
            continue
        document = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
        for item in document.get("nlu") or []:
            if isinstance(item, dict) and "intent" in item:
                for line in _lines(str(item.get("examples") or "")):
                    found.append(Example(language, item["intent"], line.strip().removeprefix("- ").strip()))
    return found


def files_signature(nlu_dir: Path) -> str:
    """Changes whenever a language file changes (names, sizes and modification times)."""
    parts = []
    for name in sorted(LANGUAGE_FILES.values()):
        path = nlu_dir / name
        if path.exists():
            stat = path.stat()
            parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def add_intent_to_domain(domain: Path, intent: str) -> bool:
    """List a new intent in domain.yml's `intents` (round-trip, comments kept); False if it was there."""
    source = domain.read_text(encoding="utf-8")
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    first_item = re.search(r"^intents:\n( *)- ", source, re.MULTILINE)
    offset = len(first_item.group(1)) if first_item else 2
    yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
    document = yaml.load(source)
    intents = document.setdefault("intents", CommentedSeq())
    names = {next(iter(i)) if isinstance(i, dict) else i for i in intents}
    if intent in names:
        return False
    _append(intents, intent)
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    domain.write_text(buffer.getvalue(), encoding="utf-8")
    return True


BUILT_IN_ENTITIES = {"product", "customer", "supplier", "quantity", "amount", "order_id", "unit", "period",
                     "payment_mode", "expense_category"}
"""The entities the extractor gives, offered for marking even where domain.yml does not list them."""


def _domain_names(project: Path, section: str) -> set[str]:
    """The names listed under `section` (intents, entities) in the project's domain.yml."""
    domain = YAML(typ="safe").load((project / "domain.yml").read_text(encoding="utf-8")) or {}
    return {next(iter(item)) if isinstance(item, dict) else str(item) for item in domain.get(section) or []}


def known_intents(project: Path) -> list[str]:
    """The intents of the domain and of the training data (`project`/data/nlu), sorted."""
    names = _domain_names(project, "intents") | {e.intent for e in read_examples(project / "data" / "nlu")}
    return sorted(names - {"nlu_fallback"})


def known_entities(project: Path) -> list[str]:
    """The entities a trainer may mark: the domain's and the extractor's, sorted."""
    return sorted(_domain_names(project, "entities") | BUILT_IN_ENTITIES)
