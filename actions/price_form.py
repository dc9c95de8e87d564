"""Price changes: "Maggi ka rate 14 kar do" → confirm (old → new) → one change in the price history
(erp_core.prices.update_price). The selling price, or the MRP when the message says "MRP"."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from actions.base import Turn
from actions.forms import BookForm, Message, SubmitAction, confirm
from actions.write_off_form import keep_last_item
from erp_core import catalog, prices
from erp_core.messages import format_money
from erp_core.permissions import Permission

MRP = "mrp"
"""`form_kind` when the MRP changes (None: the selling price)."""
_MRP_WORD = re.compile(r"(?<![a-z])m\.?\s?r\.?\s?p(?![a-z])|एम\.?\s?आर\.?\s?पी", re.I)


def names_mrp(text: str) -> bool:
    """Whether a message is about the MRP rather than the selling price.

    >>> names_mrp("Lux ka MRP 42 karo"), names_mrp("एमआरपी ५० करो"), names_mrp("M.R.P. 20")
    (True, True, True)
    >>> names_mrp("Maggi ka rate 14 kar do"), names_mrp("mrpl chawal")
    (False, False)
    """
    return bool(_MRP_WORD.search(text))


class ValidatePriceForm(BookForm):
    intent = "update_price"
    permission = Permission.CHANGE_PRICES
    needs = ("form_items", "form_amount")
    number_slot = "form_amount"

    def name(self) -> str:
        return "validate_price_form"

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        super().read(turn, values, message, requested)
        keep_last_item(values)
        values["form_amount"] = self.amount(message, requested) or values["form_amount"]
        if names_mrp(message.text):
            values["form_kind"] = MRP

    def filled(self, values: dict[str, Any], slot: str) -> bool:
        if slot == "form_items":  # a price needs the product, not a quantity
            return bool(values["form_items"]) and all(item.get("product_id") for item in values["form_items"])
        return super().filled(values, slot)

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        if slot == "form_items":
            turn.say("utter_ask_price_product")
        else:
            product = catalog.product_details(turn.ctx, values["form_items"][0]["product_id"])
            turn.say("utter_ask_price_amount", product=product.name, old=format_money(product.selling_price))
        return slot

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        product = catalog.product_details(turn.ctx, values["form_items"][0]["product_id"])
        new = format_money(Decimal(values["form_amount"]))
        if values["form_kind"] != MRP:
            confirm(turn, "utter_confirm_price", product=product.name, old=format_money(product.selling_price), new=new)
        elif product.mrp is None:
            confirm(turn, "utter_confirm_first_mrp", product=product.name, new=new)
        else:
            confirm(turn, "utter_confirm_mrp", product=product.name, old=format_money(product.mrp), new=new)


class ActionUpdatePrice(SubmitAction):
    def name(self) -> str:
        return "action_update_price"

    def book(self, turn: Turn, key: str) -> None:
        [item] = turn.slot("form_items")
        if turn.slot("form_kind") == MRP:
            change = prices.update_price(turn.ctx, item["product_id"], mrp=turn.slot("form_amount"),
                                         idempotency_key=key)
            turn.say("utter_mrp_updated", product=item["name"], new=format_money(change.new_mrp))
            return
        change = prices.update_price(turn.ctx, item["product_id"], selling_price=turn.slot("form_amount"),
                                     idempotency_key=key)
        turn.say("utter_price_updated", product=item["name"], new=format_money(change.new_selling_price),
                 old=format_money(change.old_selling_price))
