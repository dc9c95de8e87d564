"""The NLU training data (data/nlu) against the NLU contract of issue 4, without training a model.

Every contract intent in every language file with enough examples; only contract entities, the
rule-owned ones with a normalised value from the contract's sets; no sentence twice; no sentence
that a test sends to the bot; and `rasa data validate` without warnings.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from actions.photo_form import CHANGE_INTENT
from connectors.events import EVENT_PAYLOADS, PHOTO_PAYLOAD

ROOT = Path(__file__).resolve().parents[2]
LANGUAGE_FILES = ("hinglish.yml", "hindi.yml", "nepali.yml", "english.yml")
MIN_EXAMPLES = 30
INTENTS = frozenset("""greet goodbye affirm deny thank help check_stock low_stock add_stock add_product create_order
order_status cancel_order create_invoice record_payment check_dues send_payment_link send_reminder add_expense
sales_summary expense_summary reorder_suggestions credit_check add_customer stop undo nlu_fallback""".split())
"""The contract's intents, plus `nlu_fallback`: its examples are out-of-scope sentences (alarms, weather,
music ...) that must get the help menu rather than a business intent."""
SELLING_DAY_INTENTS = frozenset("""record_sale sale_return write_off stock_count update_price update_order send_statement
profit_summary top_products set_credit_limit shop_settings""".split())
"""Issue 15's intents: NLU examples in every language now, their forms, rules and stories with the dialogue."""
BUYING_INTENTS = frozenset("pay_supplier check_payables purchase_return expiring_stock gst_summary".split())
"""Issue 16's intents: the buying side (supplier payments, payables, debit notes, expiry, the month's tax)."""
NOTICE_INTENTS = frozenset("opt_out opt_in sent_messages".split())
"""Issue 17's intents: a customer stops or restarts the shop's messages; the owner asks what went out."""
PHOTO_INTENTS = frozenset({"show_bill_photo"})
"""Issue 18: a booked bill's photo asked for back (the photo itself and its Change button are payloads)."""
FORECAST_INTENTS = frozenset({"demand_forecast"})
"""Issue 19: a product's expected sales ahead."""
OUT_OF_SCOPE_FILES = frozenset({"hinglish.yml", "english.yml"})
"""`out_of_scope` is trained only on Hinglish-TOP's train split (bench/hinglish_top.py), whose sentences are
Hinglish (`cs_query`) and English (`en_query`); the other files keep their hand-written `nlu_fallback` examples."""
DIET_ENTITIES = frozenset({"product", "customer", "supplier"})
NUMBER_ENTITIES = frozenset({"quantity", "amount", "order_id"})
VALUES = {
    "unit": frozenset("kg g l ml pcs dozen box bag packet".split()),
    "period": frozenset("today yesterday this_week last_week this_month last_month".split()),
    "payment_mode": frozenset("cash upi card bank cheque credit".split()),
    "expense_category": frozenset("food travel fuel rent electricity salary purchase repair phone other".split()),
    "order_step": frozenset("accept pack dispatch deliver complete reject".split()),
    "write_off_reason": frozenset("damaged expired lost stolen own_use".split()),
    "setting": frozenset("name address gstin upi_vpa reply_language daily_summary_time".split()),
    "reply_language": frozenset("hinglish hi ne en ne_roman auto".split()),
}
IDENTIFIERS = {"upi_id": re.compile(r"[a-z0-9][a-z0-9._-]+@[a-z][a-z0-9]+"),
               "gstin": re.compile(r"[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][0-9A-Z]Z[0-9A-Z]")}
"""Identifiers are annotated with their normal form: a UPI id lower-case, a GSTIN upper-case."""
PLAIN_NUMBER = re.compile(r"\d+(\.\d+)?")
# Rasa's markup: [text](entity), [text](entity:value) or [text]{"entity": ..., "value": ...}
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<entity>[^):]+)(?::(?P<value>[^)]+))?\)|\{(?P<json>[^}]+)\})")
TALKS_TO_RASA = re.compile(r"model/parse|webhooks/rest|start_rasa_server|bot\.chat|parse_message|rasa_stack")
MIN_WORDS_FOR_OVERLAP = 3
"""Dialogue words ("haan", "cancel", "galat entry") are both trained and sent by tests on purpose."""


def _examples(file: str) -> dict[str, list[str]]:
    """Intent -> example lines (with their markup) of one language file."""
    data = YAML(typ="safe").load((ROOT / "data" / "nlu" / file).read_text(encoding="utf-8"))
    out: dict[str, list[str]] = defaultdict(list)
    for block in data["nlu"]:
        if "intent" in block:
            out[block["intent"]] += [line.strip()[2:].strip() for line in block["examples"].splitlines()
                                     if line.strip().startswith("- ")]
    return out


def _annotations(example: str) -> list[tuple[str, str, str]]:
    """(entity, value, text) of every annotation in one example."""
    found = []
    for m in ANNOTATION.finditer(example):
        if m["json"]:
            spec = json.loads("{" + m["json"] + "}")
            found.append((spec["entity"], str(spec.get("value", m["text"])), m["text"]))
        else:
            found.append((m["entity"], m["value"] or m["text"], m["text"]))
    return found


def _plain(example: str) -> str:
    return ANNOTATION.sub(lambda m: m["text"], example)


def _key(sentence: str) -> str:
    return " ".join(sentence.lower().split())


def _training_sentences() -> dict[str, str]:
    """Normalised plain sentence -> "file: intent" for every training example."""
    return {_key(_plain(example)): f"{file}: {intent}"
            for file in LANGUAGE_FILES for intent, examples in _examples(file).items() for example in examples}


@pytest.mark.parametrize("file", LANGUAGE_FILES)
def test_every_contract_intent_has_enough_examples_and_no_other_intent(file):
    counts = {intent: len(examples) for intent, examples in _examples(file).items()}
    expected = INTENTS | SELLING_DAY_INTENTS | BUYING_INTENTS | NOTICE_INTENTS | PHOTO_INTENTS | FORECAST_INTENTS | ({"out_of_scope"} if file in OUT_OF_SCOPE_FILES else set())
    assert set(counts) == expected
    assert {intent: n for intent, n in counts.items() if n < MIN_EXAMPLES} == {}


@pytest.mark.parametrize("file", LANGUAGE_FILES)
def test_annotations_use_contract_entities_and_normalised_values(file):
    wrong = []
    for intent, examples in _examples(file).items():
        for example in examples:
            for entity, value, text in _annotations(example):
                if entity in DIET_ENTITIES:
                    ok = value == text
                elif entity in NUMBER_ENTITIES:
                    ok = PLAIN_NUMBER.fullmatch(value) is not None
                elif entity in IDENTIFIERS:
                    ok = IDENTIFIERS[entity].fullmatch(value) is not None
                else:
                    ok = value in VALUES.get(entity, ())
                if not ok:
                    wrong.append(f"{intent}: {example!r}: {entity}={value!r}")
    assert wrong == []


@pytest.mark.parametrize("file", LANGUAGE_FILES)
def test_every_bracket_is_an_annotation(file):
    """A "[word]" without "(entity)" or a JSON spec would train as literal text."""
    loose = [example for examples in _examples(file).values() for example in examples
             if "[" in ANNOTATION.sub("", example) or "]" in ANNOTATION.sub("", example)]
    assert loose == []


def test_no_sentence_appears_twice():
    seen: dict[str, list[str]] = defaultdict(list)
    for file in LANGUAGE_FILES:
        for intent, examples in _examples(file).items():
            for example in examples:
                seen[_key(_plain(example))].append(f"{file}: {intent}")
    assert {sentence: places for sentence, places in seen.items() if len(places) > 1} == {}


def _test_sentences() -> dict[str, Path]:
    """Sentences the tests send to the bot: string literals of the Python tests that talk to Rasa, lines
    of tests/**/*.txt, and user turns and examples of tests/**/*.yml; and the cross-validation's
    out-of-scope sentences (bench/nlu_report.py), which it holds out of every fold, and the misread sentences
    bench/hinglish_top.py re-parses."""
    found: dict[str, Path] = {}
    for path in [*(ROOT / "tests").rglob("*"), ROOT / "bench" / "nlu_report.py", ROOT / "bench" / "hinglish_top.py"]:
        if path == Path(__file__) or not path.is_file():
            continue
        if path.suffix == ".py":
            if not TALKS_TO_RASA.search(path.read_text(encoding="utf-8")):
                continue
            texts = [node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                     if isinstance(node, ast.Constant) and isinstance(node.value, str)]
        elif path.suffix == ".txt":
            texts = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
        elif path.suffix in (".yml", ".yaml"):
            texts = [_plain(m.group(2)) for m in re.finditer(r"^\s*-?\s*(user:|-)\s*\|?\s*(.+)$",
                                                             path.read_text(encoding="utf-8"), re.M)]
        else:
            continue
        for text in texts:
            if len(text.split()) >= MIN_WORDS_FOR_OVERLAP and "\n" not in text.strip():
                found.setdefault(_key(text), path.relative_to(ROOT))
    return found


def test_no_test_sentence_is_in_the_training_data():
    training = _training_sentences()
    copied = {sentence: (str(path), training[sentence]) for sentence, path in _test_sentences().items()
              if sentence in training}
    assert copied == {}


def test_rasa_data_validate_passes_without_warnings():
    rasa = ROOT / ".venv" / "rasa" / "bin" / "rasa"
    result = subprocess.run([str(rasa), "data", "validate", "--domain", "domain.yml", "--data", "data",
                             "--config", "config.yml"], cwd=ROOT, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"})
    output = result.stdout + result.stderr
    # Rasa reports data problems as UserWarnings (rasa.shared.utils.io.raise_warning)
    warnings = sorted({line.split("UserWarning: ", 1)[1].strip() for line in output.splitlines()
                       if "UserWarning: " in line})
    assert result.returncode == 0, output[-3000:]
    # Rasa cannot see responses that custom actions say (`dispatcher.utter_message(response=...)`,
    # RasaHQ/rasa#4200) or that forms ask with (`utter_ask_<slot>`), so it calls them unused. Accept
    # that one warning only for responses an action (or the channel) names or a form asks with; any other warning,
    # or a response nobody says, fails.
    unused = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule\.")
    said_by_code = [*(ROOT / "actions").glob("*.py"), *(ROOT / "bot" / "notify").glob("*.py"),
                    ROOT / "connectors" / "whatsapp.py"]
    said_by_actions = set(re.findall(r"\butter_\w+", "".join(p.read_text() for p in said_by_code)))
    domain = YAML(typ="safe").load((ROOT / "domain.yml").read_text())
    form_slots = {slot for form in domain["forms"].values() for slot in form["required_slots"]}
    said_by_actions |= {f"utter_ask_{slot}" for slot in form_slots}
    # Intents read from a payload, never learned, have no NLU examples by design: those a button of a response
    # sends (the privacy notice's `/consent_reminders_yes`) and those the WhatsApp channel sends for what has no
    # words (an edit, a new number, a Flow's answers ..., a photo of a bill) and the bill draft's Change button.
    no_examples = re.compile(r"The intent '(\w+)' is listed in the domain file, but is not found in the NLU training data\.")
    button_intents = {button["payload"].lstrip("/").split("{")[0] for variations in domain["responses"].values()
                      for variation in variations for button in variation.get("buttons") or []}
    payload_only = (button_intents - INTENTS) | {payload.lstrip("/") for payload in EVENT_PAYLOADS.values()} | {
        PHOTO_PAYLOAD.lstrip("/"), CHANGE_INTENT}
    real = [w for w in warnings if not ((m := unused.fullmatch(w)) and m.group(1) in said_by_actions)
            and not ((m := no_examples.fullmatch(w)) and m.group(1) in payload_only)]
    assert real == []
