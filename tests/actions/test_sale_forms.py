"""The sale and sale-return forms' pure parts: what was paid, how money goes back, and their responses."""

from __future__ import annotations

import doctest
import re
from decimal import Decimal
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from actions import phrases, sale_form, sale_return_form
from erp_core.enums import RefundMode

ROOT = Path(__file__).resolve().parents[2]


def test_doctests():
    assert doctest.testmod(sale_form).failed == 0
    assert doctest.testmod(sale_return_form).failed == 0


def entity(kind: str, value: str, start: int) -> dict:
    return {"entity": kind, "value": value, "start": start}


@pytest.mark.parametrize("entities, expected", [
    ([entity("amount", "100", 30), entity("payment_mode", "upi", 34)], ("upi", "100")),
    ([entity("payment_mode", "credit", 20)], ("credit", None)),
    ([entity("amount", "100", 25), entity("payment_mode", "cash", 29), entity("amount", "80", 36),
      entity("payment_mode", "credit", 39)], ("cash", "100")),
    ([entity("amount", "50", 10)], (None, "50")),
    ([entity("payment_mode", "udhaar-ish", 10)], (None, None)),
])
def test_the_payment_a_sale_message_names(entities, expected):
    assert sale_form.payment_of(entities) == expected


def test_what_is_paid_and_what_goes_to_the_khata():
    bill = sale_form.Bill("• 5 kg Basmati Chawal × ₹90 = ₹450", Decimal(450),
                          sale_form.paid_now(Decimal(450), "200", "cash"), "cash")
    assert (bill.paid, bill.due) == (Decimal(200), Decimal(250))
    assert sale_form.paid_now(Decimal(450), "200", "credit") == 0


def test_money_goes_back_as_said_else_to_a_named_customers_khata():
    assert sale_return_form.refund_of("upi", None) is RefundMode.UPI
    assert sale_return_form.refund_of(None, {"id": 3, "name": "Gupta ji"}) is RefundMode.KHATA
    assert sale_return_form.REFUNDS["credit"] is RefundMode.KHATA


@pytest.mark.parametrize("language", ["hinglish", "hi", "ne", "en", "ne_roman"])
def test_what_a_return_is_against_is_said_in_every_language(language):
    bill = sale_return_form.against({"sale_id": 7, "invoice_id": None, "number": "12"}, language)
    invoice = sale_return_form.against({"sale_id": None, "invoice_id": 4, "number": "INV/25-26/9"}, language)
    assert "#12" in bill and "INV/25-26/9" in invoice
    assert sale_return_form.against(None, language) not in (bill, invoice)
    for key in ("cash_back", "to_khata", "return_bill", "return_invoice", "return_loose"):
        assert set(phrases.PHRASES[key]) == {"hinglish", "hi", "ne", "en", "ne_roman"}


@pytest.mark.parametrize("module", ["sale_form", "sale_return_form"])
def test_every_response_the_forms_say_has_five_languages_with_the_same_values(module):
    responses = YAML(typ="safe").load((ROOT / "domain.yml").read_text())["responses"]
    said = set(re.findall(r'"(utter_[a-z_]+)"', (ROOT / "actions" / f"{module}.py").read_text()))
    assert len(said) >= 6
    for name in said - {"utter_ask_item_quantity"}:  # the order form's, shared
        variations = responses[name]
        assert {c["value"] for v in variations for c in v.get("condition", [])} == {"hi", "ne", "en", "ne_roman"}
        assert sum(1 for v in variations if "condition" not in v) == 1, f"{name} has no Hinglish default"
        assert len({frozenset(re.findall(r"{(\w+)}", v["text"])) for v in variations}) == 1, name
