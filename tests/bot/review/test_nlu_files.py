"""Accepting an example writes Rasa YAML that keeps the trainer's file as it was: comments, order, indentation."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bot.review.nlu_files import (
    EntitySpan, TrainingDataError, add_intent_to_domain, annotate, append_example, delete_example, guess_language,
    plain_text, read_examples, text_key,
)

ROOT = Path(__file__).resolve().parents[3]

ORIGINAL = '''version: "3.1"

# Hinglish examples. Keep this comment.
nlu:
  - intent: greet
    examples: |
      - namaste
      - ram ram
  # stock questions below
  - intent: check_stock
    examples: |
      - kitna stock hai [Maggi](product) ka?
      - [chawal](product) kitna bacha hai
  - intent: goodbye
    examples: |
      - chalo bye
'''


@pytest.fixture
def nlu_file(tmp_path: Path) -> Path:
    path = tmp_path / "hinglish.yml"
    path.write_text(ORIGINAL, encoding="utf-8")
    return path


def test_appending_to_an_intent_changes_only_its_examples(nlu_file: Path) -> None:
    append_example(nlu_file, "check_stock", "[Maggi](product) ke packet dekh lo")
    expected = ORIGINAL.replace("      - [chawal](product) kitna bacha hai\n",
                                "      - [chawal](product) kitna bacha hai\n      - [Maggi](product) ke packet dekh lo\n")
    assert nlu_file.read_text(encoding="utf-8") == expected


def test_a_new_intent_goes_at_the_end_and_a_repeat_is_not_added_twice(nlu_file: Path) -> None:
    append_example(nlu_file, "ask_opening_hours", "dukaan kab khulti hai")
    append_example(nlu_file, "ask_opening_hours", "Dukaan  kab khulti hai")
    text = nlu_file.read_text(encoding="utf-8")
    assert text.startswith(ORIGINAL)
    assert text[len(ORIGINAL):] == "  - intent: ask_opening_hours\n    examples: |\n      - dukaan kab khulti hai\n"


def test_deleting_an_example_keeps_the_rest(nlu_file: Path) -> None:
    assert delete_example(nlu_file, "check_stock", "kitna stock hai Maggi ka?")
    assert not delete_example(nlu_file, "check_stock", "kitna stock hai Maggi ka?")
    assert nlu_file.read_text(encoding="utf-8") == ORIGINAL.replace("      - kitna stock hai [Maggi](product) ka?\n", "")


def test_bad_intent_names_and_spans_are_refused(nlu_file: Path) -> None:
    with pytest.raises(TrainingDataError):
        append_example(nlu_file, "Check Stock", "kitna hai")
    with pytest.raises(TrainingDataError):
        annotate("Maggi ke packet", [EntitySpan(0, 6, "product")])  # ends on a space
    with pytest.raises(TrainingDataError):
        annotate("Maggi ke packet", [EntitySpan(0, 5, "product"), EntitySpan(3, 8, "unit")])
    assert nlu_file.read_text(encoding="utf-8") == ORIGINAL


def test_annotation_uses_rasa_syntax_with_normalised_values() -> None:
    example = annotate("paanch kilo Maggi", [EntitySpan(0, 6, "quantity", "5"), EntitySpan(7, 11, "unit", "kg"),
                                              EntitySpan(12, 17, "product")])
    assert example == ('[paanch]{"entity": "quantity", "value": "5"} [kilo]{"entity": "unit", "value": "kg"} '
                       "[Maggi](product)")
    assert plain_text(example) == "paanch kilo Maggi"
    assert text_key(" Maggi  KE packet ") == "maggi ke packet"


def test_language_is_guessed_from_the_slot_then_the_script() -> None:
    assert guess_language("Maggi kitna hai") == "hinglish"
    assert guess_language("चावल कितना बचा है") == "hindi"
    assert guess_language("चामल कति बाँकी छ") == "nepali"
    assert guess_language("how much sugar", "en") == "english"
    assert guess_language("maggi kati baki cha", "ne_roman") == "nepali"


def test_a_new_intent_is_listed_in_the_domain_with_its_comments_kept(tmp_path: Path) -> None:
    domain = tmp_path / "domain.yml"
    domain.write_text('version: "3.1"\n\n# the intents\nintents:\n  - greet\n  - check_stock\n\nentities:\n  - product\n')
    assert add_intent_to_domain(domain, "ask_opening_hours")
    assert not add_intent_to_domain(domain, "greet")
    assert domain.read_text() == ('version: "3.1"\n\n# the intents\nintents:\n  - greet\n  - check_stock\n'
                                  "  - ask_opening_hours\n\nentities:\n  - product\n")


def test_the_repository_files_stay_valid_rasa_training_data_after_an_accept(tmp_path: Path) -> None:
    """Append to a copy of the real data/nlu/hinglish.yml and let Rasa's own loader read it."""
    nlu = tmp_path / "nlu"
    nlu.mkdir()
    copy = nlu / "hinglish.yml"
    original = (ROOT / "data" / "nlu" / "hinglish.yml").read_text(encoding="utf-8")
    copy.write_text(original, encoding="utf-8")
    append_example(copy, "check_stock", "[Maggi](product) ke [packet]{\"entity\": \"unit\", \"value\": \"packet\"} dekh lo")
    written = copy.read_text(encoding="utf-8")
    assert written.splitlines()[:30] == original.splitlines()[:30]  # the header comments
    assert [line for line in written.splitlines() if "- intent:" in line] == \
           [line for line in original.splitlines() if "- intent:" in line]
    assert len(written.splitlines()) == len(original.splitlines()) + 1
    assert any(e.intent == "check_stock" and e.plain == "Maggi ke packet dekh lo" for e in read_examples(nlu))
    script = ("import json, sys\nfrom rasa.shared.nlu.training_data.loading import load_data\n"
              "data = load_data(sys.argv[1])\n"
              "hits = [m for m in data.intent_examples if m.get('text') == 'Maggi ke packet dekh lo']\n"
              "print(json.dumps([[m.get('intent'), [(e['entity'], e['value']) for e in m.get('entities', [])]] "
              "for m in hits]))\n")
    out = subprocess.run([str(ROOT / ".venv" / "rasa" / "bin" / "python"), "-c", script, str(copy)],
                         capture_output=True, text=True, check=True, env={"RASA_TELEMETRY_ENABLED": "false",
                                                                          "PATH": "/usr/bin:/bin"})
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [["check_stock", [["product", "Maggi"],
                                                                                ["unit", "packet"]]]]
    assert YAML(typ="safe").load(written)["version"] == "3.1"
