"""Payments received: "Sharma ji ne 5000 diye" → confirm → a credit in their khata (erp_core.ledger.record_payment)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from actions.base import Turn
from actions.forms import BookForm, Message, SubmitAction, confirm
from erp_core import ledger
from erp_core.enums import PartyKind, PaymentMode
from erp_core.messages import format_money
from erp_core.permissions import Permission

PAYMENT_MODES = {mode.value for mode in PaymentMode} - {PaymentMode.CREDIT.value}


def read_mode(message: Message, values: dict[str, Any]) -> None:
    """The payment mode named in the message; cash when none was ever named."""
    mode = message.value("payment_mode")
    if mode in PAYMENT_MODES:
        values["form_mode"] = mode
    elif values.get("form_mode") is None:
        values["form_mode"] = PaymentMode.CASH.value


class ValidatePaymentForm(BookForm):
    intent = "record_payment"
    permission = Permission.RECORD_PAYMENT
    hands_suppliers_over = True
    needs = ("form_customer", "form_amount")
    number_slot = "form_amount"
    ask_party, ask_amount, confirmation = "utter_ask_payment_customer", "utter_ask_payment_amount", "utter_confirm_payment"
    """The questions and the confirmation (the supplier payment form has its own, in the other direction)."""
    party_param = "customer"

    def name(self) -> str:
        return "validate_payment_form"

    def party_kind(self) -> PartyKind | None:
        return None

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        super().read(turn, values, message, requested)
        values["form_amount"] = self.amount(message, requested) or values["form_amount"]
        read_mode(message, values)

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        if slot == "form_customer":
            turn.say(self.ask_party)
        else:
            turn.say(self.ask_amount, **{self.party_param: values["form_customer"]["name"]})
        return slot

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        confirm(turn, self.confirmation, amount=format_money(Decimal(values["form_amount"])), mode=values["form_mode"],
                **{self.party_param: values["form_customer"]["name"]})


class ActionRecordPayment(SubmitAction):
    def name(self) -> str:
        return "action_record_payment"

    def book(self, turn: Turn, key: str) -> None:
        customer = turn.slot("form_customer")
        result = ledger.record_payment(turn.ctx, customer["id"], turn.slot("form_amount"), turn.slot("form_mode"),
                                       reference="whatsapp", idempotency_key=key)
        turn.say("utter_payment_recorded", customer=customer["name"], amount=format_money(result.amount),
                 balance=format_money(result.balance))
