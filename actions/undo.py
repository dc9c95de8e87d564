"""Undo: "undo", "galat entry" → "reverse this one?" with buttons → a reversing entry (erp_core.undo)."""

from __future__ import annotations

from typing import Any

from actions.base import Turn
from actions.forms import BookForm, Message, SubmitAction, confirm
from erp_core import undo
from erp_core.messages import format_decimal, format_money
from erp_core.permissions import Permission
from erp_core.undo import UndoResult

WHAT = {
    "payment.record": {"hinglish": "payment", "hi": "भुगतान", "ne": "भुक्तानी", "en": "payment"},
    "stock.receive": {"hinglish": "stock aaya", "hi": "आया स्टॉक", "ne": "आएको मौज्दात", "en": "stock received"},
    "expense.record": {"hinglish": "kharcha", "hi": "खर्चा", "ne": "खर्च", "en": "expense"},
    "order.place": {"hinglish": "order", "hi": "ऑर्डर", "ne": "अर्डर", "en": "order"},
}


def describe(entry: UndoResult, language: str) -> str:
    """ "payment: Sharma ji ₹500", "order #7: Gupta ji ₹900", "stock received: Cheeni 20"."""
    what = WHAT[entry.undone][language] + (f" #{entry.order_number}" if entry.order_number else "")
    figure = format_money(entry.amount) if entry.amount is not None else format_decimal(entry.quantity or 0)
    return f"{what}: {entry.name} {figure}"


class ValidateUndoForm(BookForm):
    intent = "undo"
    permission = Permission.REVERSE
    needs = ()

    def name(self) -> str:
        return "validate_undo_form"

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        """Undo asks only for the confirmation."""

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        return slot

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        confirm(turn, "utter_confirm_undo", entry=describe(undo.last_undoable(turn.ctx), turn.language))


class ActionUndoLast(SubmitAction):
    def name(self) -> str:
        return "action_undo_last"

    def book(self, turn: Turn, key: str) -> None:
        done = undo.undo_last(turn.ctx, "undo on WhatsApp", idempotency_key=key)
        turn.say("utter_undone", entry=describe(done, turn.language))
