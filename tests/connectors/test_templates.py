"""The template registry: every template in every language is a body the Cloud API's template creation takes
(checked against its rules by `problems`, which must itself catch what the API refuses), `bot templates export`
prints them, and a message is sent under the right (name, language) with its parameters in order."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from connectors import templates

ROOT = Path(__file__).resolve().parents[2]


def test_every_template_in_every_language_passes_the_creation_rules():
    bodies = templates.export()
    assert len(bodies) == 3 * len(templates.TEMPLATES)
    assert {(b["name"], b["language"]) for b in bodies} >= {("payment_reminder", "hi"), ("payment_reminder", "en"),
                                                            ("payment_reminder_roman", "hi")}
    assert len({(b["name"], b["language"]) for b in bodies}) == len(bodies), "a (name, language) pair is unique"
    assert [problem for body in bodies for problem in templates.problems(body)] == []


@pytest.mark.parametrize("change, refusal", [
    (lambda b: b.update(name="Payment Reminder"), "lower-case"),
    (lambda b: b["components"][0].update(text="{{1}} owes {{3}}"), "numbered"),
    (lambda b: b["components"][0]["example"]["body_text"][0].pop(), "one example value"),
    (lambda b: b["components"][0].update(text="{{1}} {{2}} {{3}} {{4}} " + "x" * 1024), "at most 1024"),
    (lambda b: b["components"][1]["buttons"].append({"type": "QUICK_REPLY", "text": "Please send me my statement"}),
     "longer than 25"),
])
def test_the_rules_catch_what_the_api_refuses(change, refusal):
    body = next(b for b in templates.export() if b["name"] == "payment_reminder" and b["language"] == "en")
    change(body)
    assert any(refusal in problem for problem in templates.problems(body))


def test_a_message_goes_under_the_template_of_the_persons_language_with_its_parameters_in_order():
    values = {"shop": "Ganesh Kirana", "amount": "₹2,150", "days": "18", "link": "https://rzp.io/l/x"}
    assert templates.approved_name("payment_reminder", "hinglish") == ("payment_reminder_roman", "hi")
    assert templates.approved_name("payment_reminder", "hi") == ("payment_reminder", "hi")
    assert templates.approved_name("payment_reminder", "ne") == ("payment_reminder", "en"), "no Nepali templates"
    body, *buttons = templates.components("payment_reminder", values)
    assert [p["text"] for p in body["parameters"]] == ["Ganesh Kirana", "₹2,150", "18", "https://rzp.io/l/x"]
    assert [(b["sub_type"], b["index"], b["parameters"][0]["payload"]) for b in buttons] == [
        ("quick_reply", "0", "/my_statement"), ("quick_reply", "1", "/consent_reminders_yes"),
        ("quick_reply", "2", "/opt_out")], "the buttons send our intents back"
    assert templates.buttons_of("payment_reminder", "ne_roman") == [
        ("Send statement", "/my_statement"), ("Yes, keep reminding me", "/consent_reminders_yes"),
        ("Stop reminders", "/opt_out")]
    assert templates.text_of("payment_reminder", "hi", values) == (
        "नमस्ते, Ganesh Kirana की ओर से याद दिलाना: आपके खाते में ₹2,150 बाकी है (18 दिन से)। "
        "यहाँ से चुका सकते हैं: https://rzp.io/l/x")
    with pytest.raises(ValueError, match="needs link"):
        templates.components("payment_reminder", {k: v for k, v in values.items() if k != "link"})


def test_bot_templates_export_prints_one_body_a_line():
    out = subprocess.run([sys.executable, "-m", "bot", "templates", "export"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    lines = out.splitlines()
    assert [json.loads(line) for line in lines] == templates.export()
