"""The pure parts of the chat for moving orders, statements and shop settings: the responses they say (in five
variations), the customer's message picked from the domain, the recipient of a statement, a setting's value."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from actions.responses import variation
from actions.settings_form import lines, shown, value_after
from actions.statement_form import wants_customer
from actions.update_order_form import STEPS, next_steps
from bot.notify.compose import ORDER_RESPONSES
from erp_core.enums import OrderStatus
from erp_core.orders import CUSTOMER_TOLD

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["actions/update_order_form", "actions/statement_form", "actions/settings_form", "actions/notices",
           "bot/notify/compose"]
RESPONSES = YAML(typ="safe").load((ROOT / "domain.yml").read_text())["responses"]


def said(module: str) -> set[str]:
    return set(re.findall(r'"(utter_[a-z_]+)"', (ROOT / f"{module}.py").read_text()))


@pytest.mark.parametrize("name", sorted(set().union(*map(said, MODULES)) | set(ORDER_RESPONSES.values())))
def test_every_response_has_hinglish_hindi_nepali_english_and_roman_nepali_with_the_same_values(name):
    variations = RESPONSES[name]
    assert sorted(c["value"] for v in variations for c in v.get("condition", [])) == ["en", "hi", "ne", "ne_roman"]
    assert sum(1 for v in variations if "condition" not in v) == 1, f"{name} has no Hinglish default"
    assert len({frozenset(re.findall(r"{(\w+)}", v["text"])) for v in variations}) == 1, name
    assert not any(re.search(r"[ऀ-ॿ]", v["text"]) for v in variations if "condition" not in v
                   or v["condition"][0]["value"] in ("en", "ne_roman")), f"{name}: a Roman variation in Devanagari"


@pytest.mark.parametrize("language, expected", [
    ("hi", "🚚 Ganesh: आपका ऑर्डर #12 भेज दिया गया है।"), ("ne", "🚚 Ganesh: तपाईंको अर्डर #12 पठाइयो।"),
    ("en", "🚚 Ganesh: your order #12 is on its way."), ("ne_roman", "🚚 Ganesh: tapaiko order #12 pathaiyo."),
    ("hinglish", "🚚 Ganesh: Aapka order #12 bhej diya gaya hai."), ("xx", "🚚 Ganesh: Aapka order #12 bhej diya gaya hai."),
])
def test_the_customers_message_is_the_variation_of_their_language_else_hinglish(language, expected):
    text = variation({"responses": RESPONSES}, "utter_customer_order_dispatched", language)["text"]
    assert text.format(shop="Ganesh", number=12) == expected


def test_a_missing_response_is_an_error_not_an_empty_message():
    with pytest.raises(KeyError):
        variation({"responses": RESPONSES}, "utter_no_such_thing", "hi")


@pytest.mark.parametrize("status, steps", [
    (OrderStatus.CONFIRMED, ["accept", "reject"]), (OrderStatus.ACCEPTED, ["pack"]),
    (OrderStatus.PACKED, ["dispatch"]), (OrderStatus.DISPATCHED, ["deliver"]), (OrderStatus.DELIVERED, ["complete"]),
    (OrderStatus.COMPLETED, []), (OrderStatus.CANCELLED, []), (OrderStatus.DRAFT, []),
])
def test_the_steps_offered_are_the_moves_the_order_machine_allows(status, steps):
    assert next_steps(status.value) == steps


@pytest.mark.parametrize("text, language, to_them", [
    ("Verma ji ko unka khata bhej do", "hinglish", True),
    ("Verma ji ka khata dikhao", "hinglish", False),
    ("वर्मा जी को उनका खाता भेजो", "hi", True),
    ("वर्मा जी का खाता भेजो", "hi", False),
    ("वर्मा जीलाई खाता पठाउनुस्", "ne", True),
    ("वर्मा जी लाई खाता पठाउनुस्", "ne", True),
    ("वर्मा जीको खाता पठाउनुस्", "ne", False),
    ("Verma ji lai khata pathaunus", "ne_roman", True),
    ("Verma ji ko khata pathaunus", "ne_roman", False),
    ("Verma ji lai khata pathaunus", "hinglish", True),
    ("Verma ji lai khata pathaunus", "en", True),
    ("mail the statement to Verma ji", "en", True),
    ("send Verma ji her statement", "en", True),
    ("send me Verma ji's statement", "en", False),
])
def test_a_statement_goes_to_the_party_only_when_the_message_says_so(text, language, to_them):
    assert wants_customer(text, language) is to_them


@pytest.mark.parametrize("text, setting, value", [
    ("dukan ka nam Laxmi General Store rakh do", "dukan ka nam", "Laxmi General Store"),
    ("दुकान का नाम श्री गणेश भंडार रखो", "दुकान का नाम", "श्री गणेश भंडार"),
    ("पसलको नाम साहु किराना राख्नुहोस्", "पसलको नाम", "साहु किराना"),
    ("set the shop name as Om Traders please", "shop name", "Om Traders"),
    ("address 4 MG Road, Pune hai", "address", "4 MG Road, Pune"),
    ("shop name change karo", "shop name", ""),
])
def test_a_free_text_setting_is_what_follows_its_name_without_the_verbs(text, setting, value):
    assert value_after(text, text.index(setting) + len(setting)) == value


def test_the_confirmation_shows_old_and_new_and_says_what_is_not_set():
    class Before:
        upi_vpa, reply_language, name = None, "hinglish", "Old Name"
    changes = {"reply_language": "ne", "upi_vpa": "ramesh@okaxis", "name": "Ganesh Kirana"}
    assert lines(changes, "en", Before()).split("\n") == [
        "shop name: Old Name → Ganesh Kirana", "UPI id: (none) → ramesh@okaxis", "reply language: Hinglish → Nepali"]
    assert lines({"upi_vpa": "ramesh@okaxis"}, "hi") == "UPI आईडी: ramesh@okaxis"
    assert shown("gstin", None, "ne") == "(छैन)"


def test_every_step_has_a_message_for_the_customer():
    assert set(ORDER_RESPONSES) == {step.value.lower() for step in STEPS.values()} == {
        step.value.lower() for step in CUSTOMER_TOLD}
