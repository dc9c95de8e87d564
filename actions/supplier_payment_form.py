"""Paying a supplier: "Gupta Traders ko 5000 de diye" → confirm → a debit in the supplier's khata
(erp_core.purchases.pay_supplier). The other direction from `payment_form`, where a customer pays the shop."""

from __future__ import annotations

from actions.base import Turn
from actions.forms import SubmitAction
from actions.payment_form import ValidatePaymentForm
from erp_core import purchases
from erp_core.enums import PartyKind
from erp_core.messages import format_money
from erp_core.permissions import Permission


class ValidateSupplierPaymentForm(ValidatePaymentForm):
    intent = "pay_supplier"
    permission = Permission.PAY_SUPPLIER
    ask_party = "utter_ask_supplier_payment_supplier"
    ask_amount = "utter_ask_supplier_payment_amount"
    confirmation = "utter_confirm_supplier_payment"
    party_param = "supplier"
    hands_suppliers_over = False

    def name(self) -> str:
        return "validate_supplier_payment_form"

    def party_kind(self) -> PartyKind | None:
        return PartyKind.SUPPLIER


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
