"""Adding a customer or a product in one line: "naya customer Ramesh Kumar 9876543210", "naya product Bournvita 250 rs".

The customer form adds a supplier when it starts with a `supplier` entity
(`/add_customer{"supplier": "Gupta Traders 919123456789"}`, a shared contact's button).

Both are book forms: what the message carries fills the form, the rest is asked
(the name; a product's selling price), then "add karun?" with Haan / Nahi buttons,
and the record is added on "haan" with the tap's message id in the idempotency key.
A mobile number typed with the name is read as the shop's country writes it
(erp_core.ids.mobile).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from actions.base import Turn
from actions.forms import BookForm, Message, SubmitAction, confirm
from actions.items import first_number
from erp_core import catalog, parties
from erp_core.enums import PartyKind
from erp_core.ids import mobile
from erp_core.messages import format_money
from erp_core.permissions import Permission
from erp_core.units import DEFAULT_UNIT


class ValidateAddCustomerForm(BookForm):
    intent = "add_customer"
    permission = Permission.MANAGE_PARTIES
    needs = ("form_name",)
    cancelled = "utter_dropped"

    def name(self) -> str:
        return "validate_add_customer_form"

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        supplier = message.value("supplier") if message.intent == self.intent else None
        if supplier:
            values["form_kind"] = PartyKind.SUPPLIER.value
        said = supplier or (message.value("customer") if message.intent == self.intent else None)
        said = said or message.answer(requested, "form_name")
        if not said:
            return
        name, number = mobile.find(said)
        number = number or mobile.find(message.text)[1]
        values["form_name"] = name or None
        values["form_phone"] = parties.normalise_phone(turn.ctx, number) if number else None

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        turn.say("utter_ask_new_customer_name")
        return slot

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        if values["form_kind"] == PartyKind.SUPPLIER.value:
            response = "utter_confirm_add_supplier_phone" if values["form_phone"] else "utter_confirm_add_supplier"
            confirm(turn, response, customer=values["form_name"], phone=values["form_phone"])
        elif values["form_phone"]:
            turn.say("utter_confirm_add_customer_phone", customer=values["form_name"], phone=values["form_phone"])
        else:
            turn.say("utter_confirm_add_customer", customer=values["form_name"])


class ActionAddCustomer(SubmitAction):
    def name(self) -> str:
        return "action_add_customer"

    def book(self, turn: Turn, key: str) -> None:
        kind = PartyKind(turn.slot("form_kind") or PartyKind.CUSTOMER.value)
        party = parties.add_party(turn.ctx, kind=kind, name=turn.slot("form_name"), phone=turn.slot("form_phone"),
                                  idempotency_key=key)
        turn.say("utter_supplier_added" if kind is PartyKind.SUPPLIER else "utter_customer_added", customer=party.name)


class ValidateAddProductForm(BookForm):
    intent = "add_product"
    permission = Permission.MANAGE_CATALOG
    needs = ("form_name", "form_amount")
    cancelled = "utter_dropped"

    def name(self) -> str:
        return "validate_add_product_form"

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        said = message.value("product") if message.intent == self.intent else None
        values["form_name"] = said or message.answer(requested, "form_name") or values["form_name"]
        price = message.value("amount") if message.intent == self.intent else None
        price = price or first_number(message.answer(requested, "form_amount") or "")
        if price is not None:
            values["form_amount"] = price if Decimal(price) > 0 else None
        values["form_unit"] = message.value("unit") or values["form_unit"] or DEFAULT_UNIT.value

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        turn.say("utter_ask_new_product_name" if slot == "form_name" else "utter_ask_new_product_price")
        return slot

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        turn.say("utter_confirm_add_product", product=values["form_name"],
                 price=format_money(Decimal(values["form_amount"])), unit=values["form_unit"])


class ActionAddProduct(SubmitAction):
    def name(self) -> str:
        return "action_add_product"

    def book(self, turn: Turn, key: str) -> None:
        price = Decimal(turn.slot("form_amount"))
        product = catalog.add_product(turn.ctx, name=turn.slot("form_name"), unit=turn.slot("form_unit"),
                                      selling_price=price, idempotency_key=key)
        turn.say("utter_product_added", product=product.name, sku=product.sku, price=format_money(price),
                 unit=product.unit.value)
