"""Paying a supplier: "Gupta Traders ko 5000 de diye" → confirm → a debit in the supplier's khata
(erp_core.purchases.pay_supplier). The other direction from `payment_form`, where a customer pays the shop."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from actions.base import Turn
from actions.forms import BookForm, Message, SubmitAction, confirm
from actions.payment_form import read_mode
from erp_core import purchases
from erp_core.enums import PartyKind
from erp_core.messages import format_money
from erp_core.permissions import Permission


class ValidateSupplierPaymentForm(BookForm):
    intent = "pay_supplier"
    permission = Permission.PAY_SUPPLIER
    needs = ("form_customer", "form_amount")
    number_slot = "form_amount"

    def name(self) -> str:
        return "validate_supplier_payment_form"

    def party_kind(self) -> PartyKind | None:
        return PartyKind.SUPPLIER

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        super().read(turn, values, message, requested)
        values["form_amount"] = self.amount(message, requested) or values["form_amount"]
        read_mode(message, values)

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        if slot == "form_customer":
            turn.say("utter_ask_supplier_payment_supplier")
        else:
            turn.say("utter_ask_supplier_payment_amount", supplier=values["form_customer"]["name"])
        return slot

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        confirm(turn, "utter_confirm_supplier_payment", supplier=values["form_customer"]["name"],
                amount=format_money(Decimal(values["form_amount"])), mode=values["form_mode"])


class ActionPaySupplier(SubmitAction):
    def name(self) -> str:
        return "action_pay_supplier"

    def book(self, turn: Turn, key: str) -> None:
        supplier = turn.slot("form_customer")
        result = purchases.pay_supplier(turn.ctx, supplier["id"], turn.slot("form_amount"), turn.slot("form_mode"),
                                        reference="whatsapp", idempotency_key=key)
        response = "utter_supplier_paid" if result.owed >= 0 else "utter_supplier_paid_advance"
        turn.say(response, supplier=supplier["name"], amount=format_money(result.amount),
                 owed=format_money(abs(result.owed)))
