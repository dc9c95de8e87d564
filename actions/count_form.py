"""The owner counted: "ginti ki, maggi asal me 40 packet hai" → confirm (the books' figure, the count and the
difference) → one count booking the difference (erp_core.stock_corrections.count_stock)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from actions.base import Turn
from actions.forms import BookForm, Message, SubmitAction, confirm
from actions.items import quantity_of
from actions.write_off_form import ask_item, keep_last_item
from erp_core import stock_corrections
from erp_core.messages import format_decimal
from erp_core.permissions import Permission


def signed(delta: Decimal) -> str:
    """A difference with its sign, as a count shows it.

    >>> signed(Decimal("2.000")), signed(Decimal("-5")), signed(Decimal("0"))
    ('+2', '−5', '0')
    """
    text = format_decimal(abs(delta))
    return f"+{text}" if delta > 0 else f"−{text}" if delta < 0 else text


class ValidateStockCountForm(BookForm):
    intent = "stock_count"
    permission = Permission.MOVE_STOCK
    needs = ("form_items",)
    number_slot = "form_items"

    def name(self) -> str:
        return "validate_stock_count_form"

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        super().read(turn, values, message, requested)
        keep_last_item(values)

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        ask_item(turn, values, "utter_ask_count_items")
        return slot

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        item = values["form_items"][0]
        count = stock_corrections.preview_count(turn.ctx, item["product_id"], quantity_of(item))
        counted = format_decimal(count.on_hand + count.delta)
        if count.delta == 0:
            confirm(turn, "utter_confirm_count_same", product=count.name, counted=counted, unit=count.unit.value)
        else:
            confirm(turn, "utter_confirm_count", product=count.name, books=format_decimal(count.on_hand),
                    counted=counted, difference=signed(count.delta), unit=count.unit.value)


class ActionCountStock(SubmitAction):
    def name(self) -> str:
        return "action_count_stock"

    def book(self, turn: Turn, key: str) -> None:
        [item] = turn.slot("form_items")
        count = stock_corrections.count_stock(turn.ctx, item["product_id"], quantity_of(item), note="whatsapp",
                                              idempotency_key=key)
        turn.say("utter_stock_counted", product=count.name, difference=signed(count.delta),
                 unit=count.stock.unit.value, stock=format_decimal(count.stock.on_hand))
