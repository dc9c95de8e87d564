"""Goods received: "20 kilo cheeni aayi" → confirm → STOCK_IN at the given or the default cost."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from actions.base import Turn
from actions.forms import BookForm, Message, SubmitAction, confirm
from actions.items import item_lines, quantity_of
from actions.order_form import ask_items
from erp_core import inventory
from erp_core.messages import format_decimal, format_money
from erp_core.permissions import Permission


class ValidateStockForm(BookForm):
    intent = "add_stock"
    permission = Permission.MOVE_STOCK
    needs = ("form_items",)
    number_slot = "form_items"

    def name(self) -> str:
        return "validate_stock_form"

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        super().read(turn, values, message, requested)
        cost = message.value("amount")
        if cost is not None:
            values["form_amount"] = cost

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        if values["form_items"]:
            ask_items(turn, values)
        else:
            turn.say("utter_ask_stock_items")
        return slot

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        """The goods and their cost; without one, say the product's saved cost will be used."""
        lines, _ = item_lines(values["form_items"])
        cost = values["form_amount"]
        if cost is None:
            confirm(turn, "utter_confirm_stock_usual_cost", lines=lines)
        else:
            confirm(turn, "utter_confirm_stock", lines=lines, cost=format_money(Decimal(cost)))

    def new_product_price(self, values: dict[str, Any]) -> str | None:
        return values.get("form_amount")


class ActionAddStock(SubmitAction):
    def name(self) -> str:
        return "action_add_stock"

    def book(self, turn: Turn, key: str) -> None:
        cost = turn.slot("form_amount")
        for number, item in enumerate(turn.slot("form_items")):
            result = inventory.receive_stock(turn.ctx, item["product_id"], quantity_of(item), cost,
                                             note="whatsapp", idempotency_key=f"{key}:{number}")
            turn.say("utter_stock_added", product=item["name"], quantity=format_decimal(quantity_of(item)),
                     unit=item["product_unit"], stock=format_decimal(result.stock.on_hand))
