"""Money spent: "500 ka petrol dala" → confirm → an expense in the shop's category (erp_core.expenses)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from actions.base import Turn
from actions.choices import Choice, offer, payload
from actions.forms import BookForm, Message, SubmitAction, confirm
from actions.payment_form import read_mode
from actions.phrases import phrase
from erp_core import expenses
from erp_core.messages import format_money
from erp_core.permissions import Permission


class ValidateExpenseForm(BookForm):
    intent = "add_expense"
    permission = Permission.RECORD_EXPENSE
    hands_suppliers_over = True
    needs = ("form_amount", "form_category")
    number_slot = "form_amount"

    def name(self) -> str:
        return "validate_expense_form"

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        values["form_amount"] = self.amount(message, requested) or values["form_amount"]
        category = message.value("expense_category")
        if category is None and requested == "form_category" and not message.is_payload:
            category = message.text
        if category is not None:
            category = " ".join(category.lower().split())
            values["form_category"] = category if category in expenses.categories(turn.ctx) else None
        read_mode(message, values)

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        if slot == "form_amount":
            turn.say("utter_ask_expense_amount")
            return slot
        names = expenses.categories(turn.ctx)
        offer(turn, phrase("ask_expense_category", turn.language),
              [Choice(payload(self.intent, expense_category=name), name.title()) for name in names])
        return slot

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        confirm(turn, "utter_confirm_expense", amount=format_money(Decimal(values["form_amount"])),
                category=values["form_category"], mode=values["form_mode"])


class ActionAddExpense(SubmitAction):
    def name(self) -> str:
        return "action_add_expense"

    def book(self, turn: Turn, key: str) -> None:
        result = expenses.record_expense(turn.ctx, turn.slot("form_amount"), turn.slot("form_category"),
                                         turn.slot("form_mode"), note="whatsapp", idempotency_key=key)
        turn.say("utter_expense_recorded", amount=format_money(result.amount), category=result.category)
