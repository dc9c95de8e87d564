"""Every response the book forms say exists in domain.yml in every reply language.

Rasa cannot see responses said from custom actions, so this checks them instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from actions.language import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["forms", "order_form", "payment_form", "stock_form", "expense_form", "invoice_form", "undo", "order_queries",
           "new_records", "ambiguity", "profit", "top_products"]


def _said(module: str) -> set[str]:
    return set(re.findall(r'"(utter_[a-z_]+)"', (ROOT / "actions" / f"{module}.py").read_text()))


@pytest.mark.parametrize("module", MODULES)
def test_the_responses_an_action_says_have_a_variation_per_language(module):
    responses = YAML(typ="safe").load((ROOT / "domain.yml").read_text())["responses"]
    said = _said(module)
    assert said, f"actions/{module}.py says no domain response"
    for name in said:
        variations = responses[name]
        languages = {c["value"] for v in variations for c in v.get("condition", [])}
        assert languages == set(LANGUAGES) - {"hinglish"}, name
        assert sum(1 for v in variations if "condition" not in v) == 1, f"{name} has no Hinglish default"
        placeholders = {frozenset(re.findall(r"{(\w+)}", v["text"])) for v in variations}
        assert len(placeholders) == 1, f"{name}: the languages fill in different values"
