"""Credit limits: "Sharma ji ki udhaar limit 10000 kar do" → confirm (old limit or none, new, the due now) →
the limit set (erp_core.credit_limits.set_credit_limit); sales on credit beyond it are then refused."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from actions.base import Turn
from actions.forms import BookForm, Message, SubmitAction, confirm
from erp_core import credit_limits, ledger
from erp_core.messages import format_money
from erp_core.permissions import Permission


class ValidateCreditLimitForm(BookForm):
    intent = "set_credit_limit"
    permission = Permission.SET_CREDIT_LIMITS
    needs = ("form_customer", "form_amount")
    number_slot = "form_amount"

    def name(self) -> str:
        return "validate_credit_limit_form"

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        super().read(turn, values, message, requested)
        values["form_amount"] = self.amount(message, requested) or values["form_amount"]

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        if slot == "form_customer":
            turn.say("utter_ask_limit_customer")
        else:
            turn.say("utter_ask_limit_amount", customer=values["form_customer"]["name"])
        return slot

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        customer = values["form_customer"]
        now = ledger.balance(turn.ctx, customer["id"])
        said = {"customer": customer["name"], "new": format_money(Decimal(values["form_amount"])),
                "due": format_money(now.balance)}
        if now.credit_limit is None:
            confirm(turn, "utter_confirm_first_credit_limit", **said)
        else:
            confirm(turn, "utter_confirm_credit_limit", old=format_money(now.credit_limit), **said)


class ActionSetCreditLimit(SubmitAction):
    def name(self) -> str:
        return "action_set_credit_limit"

    def book(self, turn: Turn, key: str) -> None:
        customer = turn.slot("form_customer")
        limit = credit_limits.set_credit_limit(turn.ctx, customer["id"], turn.slot("form_amount"), idempotency_key=key)
        turn.say("utter_credit_limit_set_over" if limit.over_limit else "utter_credit_limit_set", customer=limit.name,
                 limit=format_money(limit.credit_limit), due=format_money(limit.balance))
