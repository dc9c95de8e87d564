"""Adding a customer or a product in one line: "naya customer Ramesh Kumar 9876543210", "naya product Bournvita 250 rs".

When the message carries the name (and, for a product, the price erp_core requires), the bot asks
"add karun?" at once; otherwise a tiny form asks for what is missing first. The write happens on
"haan" (actions/pending.py), with the tap's message id as the idempotency key.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import ShopAction, Turn
from actions.pending import PENDING_SLOT, executes, pending_value
from erp_core import catalog, parties
from erp_core.enums import PartyKind, Unit
from erp_core.messages import format_money

DEFAULT_UNIT = Unit.PCS
_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_PHONE = re.compile(r"(?<!\d)(?:\+?91)?([6-9]\d{9})(?!\d)")
_CUSTOMER_SLOTS = ("new_customer_name", "new_customer_phone")
_PRODUCT_SLOTS = ("new_product_name", "new_product_price", "new_product_unit")


def parse_price(text: str) -> Decimal | None:
    """The first number in `text` ("₹1,250", "250 rs", "२५०") as a positive Decimal, else None.

    >>> parse_price("daam ₹1,250.50 hai"), parse_price("२५०"), parse_price("pata nahi")
    (Decimal('1250.50'), Decimal('250'), None)
    """
    match = _NUMBER.search(text.translate(_DEVANAGARI_DIGITS))
    if not match:
        return None
    try:
        value = Decimal(match.group().replace(",", ""))
    except InvalidOperation:
        return None
    return value if value > 0 else None


def split_phone(text: str) -> tuple[str, str | None]:
    """A name typed with a mobile number ("Pooja Singh 9876543210") → ("Pooja Singh", "919876543210").

    >>> split_phone("Pooja Singh 98765 43210"), split_phone("Ramesh")
    (('Pooja Singh', '919876543210'), ('Ramesh', None))
    """
    compact = re.sub(r"(?<=\d)[\s-](?=\d)", "", text.translate(_DEVANAGARI_DIGITS))
    match = _PHONE.search(compact)
    if not match:
        return text.strip(), None
    name = (compact[:match.start()] + compact[match.end():]).strip(" ,-")
    return " ".join(name.split()), "91" + match.group(1)


class ValidateAddCustomerForm(FormValidationAction):
    def name(self) -> str:
        return "validate_add_customer_form"

    def validate_new_customer_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> dict[str, Any]:
        name, phone = split_phone(str(value or ""))
        if not name:
            return {"new_customer_name": None}
        _, phone_in_message = split_phone(tracker.latest_message.get("text") or "")
        return {"new_customer_name": name, "new_customer_phone": phone or phone_in_message}


class ValidateAddProductForm(FormValidationAction):
    def name(self) -> str:
        return "validate_add_product_form"

    def validate_new_product_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        name = str(value or "").strip()
        return {"new_product_name": name or None}

    def validate_new_product_price(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> dict[str, Any]:
        price = parse_price(str(value or ""))
        if price is None:
            dispatcher.utter_message(response="utter_ask_new_product_price")
        return {"new_product_price": str(price) if price is not None else None}


class ActionAddCustomer(ShopAction):
    """The add_customer_form is complete: ask to confirm."""

    def name(self) -> str:
        return "action_add_customer"

    def act(self, turn: Turn) -> list[EventType]:
        name, phone = turn.slot("new_customer_name"), turn.slot("new_customer_phone")
        reset = [SlotSet(slot, None) for slot in _CUSTOMER_SLOTS]
        if phone:
            turn.say("utter_confirm_add_customer_phone", customer=name, phone=phone)
        else:
            turn.say("utter_confirm_add_customer", customer=name)
        return [*reset, SlotSet(PENDING_SLOT, pending_value("add_customer", name=name, phone=phone))]

    def after_error(self, turn: Turn, error) -> list[EventType]:  # type: ignore[no-untyped-def]
        return [SlotSet(slot, None) for slot in _CUSTOMER_SLOTS]


class ActionAddProduct(ShopAction):
    """The add_product_form is complete: ask to confirm."""

    def name(self) -> str:
        return "action_add_product"

    def act(self, turn: Turn) -> list[EventType]:
        name, price = turn.slot("new_product_name"), Decimal(turn.slot("new_product_price"))
        unit = turn.slot("new_product_unit") if turn.slot("new_product_unit") in set(Unit) else DEFAULT_UNIT.value
        turn.say("utter_confirm_add_product", product=name, price=format_money(price), unit=unit)
        return [*(SlotSet(slot, None) for slot in _PRODUCT_SLOTS),
                SlotSet(PENDING_SLOT, pending_value("add_product", name=name, price=str(price), unit=unit))]

    def after_error(self, turn: Turn, error) -> list[EventType]:  # type: ignore[no-untyped-def]
        return [SlotSet(slot, None) for slot in _PRODUCT_SLOTS]


@executes("add_customer")
def add_customer(turn: Turn, params: dict[str, Any], key: str) -> None:
    party = parties.add_party(turn.ctx, kind=PartyKind.CUSTOMER, name=params["name"], phone=params.get("phone"),
                              idempotency_key=key)
    turn.say("utter_customer_added", customer=party.name)


@executes("add_product")
def add_product(turn: Turn, params: dict[str, Any], key: str) -> None:
    product = catalog.add_product(turn.ctx, name=params["name"], unit=params["unit"],
                                  selling_price=Decimal(params["price"]), idempotency_key=key)
    turn.say("utter_product_added", product=product.name, sku=product.sku, price=format_money(Decimal(params["price"])),
             unit=product.unit.value)
