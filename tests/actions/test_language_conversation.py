"""Replies in the language and script the person wrote in, through the real Rasa server and action server.

A Roman Nepali writer gets Roman Nepali (answers, confirmations and their buttons); a Hinglish writer's first
message gets Hinglish; a shop whose owner set a reply language answers in it. The books are checked through
erp_core after every write.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from erp_core import inventory, shop_settings
from erp_core.messages import format_decimal, format_money
from tests.shop_stack import Shop, Stack, texts

DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def titles(replies: list[dict]) -> list[str]:
    return [b["title"] for r in replies for b in r.get("buttons") or []]


def payloads(replies: list[dict]) -> list[str]:
    return [b["payload"] for r in replies for b in r.get("buttons") or []]


@pytest.fixture(scope="module")
def shop(rasa_stack: Stack) -> Shop:
    return rasa_stack.new_shop()


def stock(shop: Shop, name: str) -> Decimal:
    return inventory.stock_of(shop.ctx, shop.product(name).id).on_hand


def test_a_roman_nepali_writer_gets_roman_nepali_answers_confirmations_and_buttons(shop):
    wa_id = shop.owner()
    maggi = inventory.stock_of(shop.ctx, shop.product("Maggi Noodles 70g").id)
    answer = texts(shop.say(wa_id, "maggi ahile kati baki cha"))
    assert answer == f"Maggi Noodles 70g: {format_decimal(maggi.available)} {maggi.unit.value} baki cha."

    due = shop.balance("Sharma ji")
    asked = shop.say(wa_id, "Sharma ji le 500 nagad diyo")
    assert texts(asked) == "Sharma ji bata ₹500 aayo (cash). Khata ma lekhne?"
    assert titles(asked) == ["✅ Ho, pakka", "❌ Cancel garnus"]
    assert payloads(asked) == ["/affirm", "/stop"]
    assert shop.balance("Sharma ji") == due, "nothing is booked before the confirmation"

    done = shop.say(wa_id, "/affirm", message_id="wamid.language-pay-1")
    assert shop.balance("Sharma ji") == due - 500
    assert texts(done) == f"✅ Sharma ji bata ₹500 lekhiyo. Aba baki: {format_money(due - 500)}."
    shop.say(wa_id, "/affirm", message_id="wamid.language-pay-1")
    assert shop.balance("Sharma ji") == due - 500, "a replayed confirmation books nothing more"
    assert not DEVANAGARI.search(texts(asked) + texts(done))


def test_roman_nepali_goods_without_a_cost_say_whose_cost_is_used(shop):
    wa_id = shop.owner()
    before = stock(shop, "Cheeni")
    asked = texts(shop.say(wa_id, "Cheeni 12 kilo aayo, stock ma thapnus"))
    assert asked.startswith("Stock aayo:\n• 12 kg Cheeni\nKharid mol bhannu bhaena")
    assert " -." not in asked and "None" not in asked
    done = texts(shop.say(wa_id, "/affirm", message_id="wamid.language-stock-1"))
    assert stock(shop, "Cheeni") == before + 12
    assert done == f"✅ Cheeni: 12 kg aayo. Aba stock: {format_decimal(before + 12)} kg."


def test_a_hinglish_writers_first_message_is_answered_in_hinglish(shop):
    wa_id = shop.owner()  # a number that never wrote: its first message sets the language
    before = stock(shop, "Cheeni")
    asked = shop.say(wa_id, "7 kilo cheeni aayi")
    assert texts(asked).startswith("Stock aaya:\n• 7 kg Cheeni\nKharid daam nahi bataya")
    assert titles(asked) == ["✅ Haan, pakka", "❌ Cancel"]
    cancelled = shop.say(wa_id, "/stop")
    assert texts(cancelled) == "Theek hai, cancel kar diya. Kuch nahi likha."
    assert stock(shop, "Cheeni") == before


def test_a_shop_set_to_english_answers_a_hinglish_writer_in_english(rasa_stack):
    english_shop = rasa_stack.new_shop()
    shop_settings.update_settings(english_shop.ctx, reply_language="en")
    maggi = inventory.stock_of(english_shop.ctx, english_shop.product("Maggi Noodles 70g").id)
    answer = texts(english_shop.say(english_shop.owner(), "Maggi ka stock kitna bacha hai bhai"))
    assert answer == f"Maggi Noodles 70g: {format_decimal(maggi.available)} {maggi.unit.value} in stock."
