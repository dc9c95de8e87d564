"""Goods sent back to a supplier: "Gupta Traders ko 5 kilo kharab chawal wapas bheja" → confirm → a debit note
(erp_core.purchases.purchase_return) against the supplier's latest bill that brought the goods in: stock out,
the supplier's khata debited with the goods' value and tax, their input tax credit reversed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from actions.base import Turn
from actions.forms import BookForm, FormEnded, Message, SubmitAction, confirm
from actions.items import item_lines, quantity_of
from actions.phrases import write_off_reason_name
from erp_core import purchase_reports, purchases
from erp_core.enums import PartyKind
from erp_core.messages import format_money
from erp_core.permissions import Permission
from erp_core.purchases import ReturnedLineIn


class ValidatePurchaseReturnForm(BookForm):
    intent = "purchase_return"
    permission = Permission.RECORD_PURCHASE
    needs = ("form_items", "form_customer")

    def name(self) -> str:
        return "validate_purchase_return_form"

    def party_kind(self) -> PartyKind | None:
        return PartyKind.SUPPLIER

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        super().read(turn, values, message, requested)
        values["form_reason"] = message.value("write_off_reason") or values["form_reason"]

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        if slot == "form_customer":
            turn.say("utter_ask_purchase_return_supplier")
            return slot
        without = next((item for item in values["form_items"] or [] if not item.get("quantity")), None)
        if without is None:
            turn.say("utter_ask_purchase_return_items")
        else:
            turn.say("utter_ask_item_quantity", product=without.get("name") or without["product"])
        return slot

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        items, supplier = values["form_items"], values["form_customer"]
        wanted = {item["product_id"]: quantity_of(item) for item in items}
        bill = purchase_reports.returnable_bill(turn.ctx, supplier["id"], wanted)
        if bill is None:
            raise FormEnded("utter_purchase_return_no_bill", supplier=supplier["name"])
        values["form_document"] = {"bill_id": bill.bill_id, "number": bill.bill_number}
        lines, total = item_lines(items, bill.unit_prices)
        reason = values["form_reason"]
        confirm(turn, "utter_confirm_purchase_return", supplier=supplier["name"], number=bill.bill_number,
                lines=lines, total=format_money(total),
                reason=f" ({write_off_reason_name(reason, turn.language)})" if reason else "")


class ActionPurchaseReturn(SubmitAction):
    def name(self) -> str:
        return "action_purchase_return"

    def book(self, turn: Turn, key: str) -> None:
        supplier, bill = turn.slot("form_customer"), turn.slot("form_document")
        lines = [ReturnedLineIn(product_id=item["product_id"], quantity=quantity_of(item))
                 for item in turn.slot("form_items")]
        note = purchases.purchase_return(turn.ctx, bill["bill_id"], lines, reason=turn.slot("form_reason") or "",
                                         idempotency_key=key)
        response = "utter_purchase_returned" if note.owed >= 0 else "utter_purchase_returned_advance"
        turn.say(response, supplier=supplier["name"], number=note.bill_number, bill=bill["number"],
                 total=format_money(note.total), owed=format_money(abs(note.owed or Decimal(0))))
