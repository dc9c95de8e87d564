"""Stock gone without a sale: "3 packet doodh kharab ho gaya" → confirm (with the cost that goes out) → one
write-off with its reason (erp_core.stock_corrections.write_off). No reason said: asked with buttons."""

from __future__ import annotations

from typing import Any

from actions.base import Turn
from actions.forms import BookForm, Message, SubmitAction, confirm
from actions.items import quantity_of
from actions.phrases import write_off_reason_name
from erp_core import stock_corrections
from erp_core.enums import WRITE_OFF_REASONS
from erp_core.messages import format_decimal, format_money
from erp_core.permissions import Permission

REASONS = frozenset(reason.value for reason in WRITE_OFF_REASONS)


def keep_last_item(values: dict[str, Any]) -> None:
    """One product per form: the one named last ("nahi, parle g" names another)."""
    values["form_items"] = (values["form_items"] or [])[-1:] or None


def ask_item(turn: Turn, values: dict[str, Any], response: str) -> None:
    """Ask how much of the product named without a quantity, else say `response` (which product, how much)."""
    item = (values["form_items"] or [None])[0]
    if item is not None and not item.get("quantity"):
        turn.say("utter_ask_item_quantity", product=item.get("name") or item["product"])
    else:
        turn.say(response)


class ValidateWriteOffForm(BookForm):
    intent = "write_off"
    permission = Permission.MOVE_STOCK
    needs = ("form_items", "form_reason")
    number_slot = "form_items"

    def name(self) -> str:
        return "validate_write_off_form"

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        super().read(turn, values, message, requested)
        keep_last_item(values)
        reason = message.value("write_off_reason")
        if reason in REASONS:
            values["form_reason"] = reason

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        if slot == "form_items":
            ask_item(turn, values, "utter_ask_write_off_items")
        else:
            item = values["form_items"][0]
            turn.say("utter_ask_write_off_reason", product=item["name"], unit=item["product_unit"],
                     quantity=format_decimal(quantity_of(item)))
        return slot

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        item = values["form_items"][0]
        out = stock_corrections.preview_write_off(turn.ctx, item["product_id"], quantity_of(item))
        said = {"product": out.name, "unit": out.unit.value, "quantity": format_decimal(-out.delta),
                "reason": write_off_reason_name(values["form_reason"], turn.language)}
        if out.unit_cost is None:
            confirm(turn, "utter_confirm_write_off_no_cost", **said)
        else:
            confirm(turn, "utter_confirm_write_off", value=format_money(-out.value), cost=format_money(out.unit_cost),
                    **said)


class ActionWriteOff(SubmitAction):
    def name(self) -> str:
        return "action_write_off"

    def book(self, turn: Turn, key: str) -> None:
        [item] = turn.slot("form_items")
        reason = turn.slot("form_reason")
        gone = stock_corrections.write_off(turn.ctx, item["product_id"], quantity_of(item), reason, note="whatsapp",
                                           idempotency_key=key)
        turn.say("utter_written_off", product=gone.name, quantity=format_decimal(-gone.delta),
                 unit=gone.stock.unit.value, reason=write_off_reason_name(reason, turn.language),
                 value=format_money(-gone.value), stock=format_decimal(gone.stock.on_hand))
