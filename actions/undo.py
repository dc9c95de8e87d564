"""Undo: "undo", "galat entry" → "reverse this one?" with buttons → a reversing entry (erp_core.undo).

`/undo{"entry": "<audit seq>"}` (the button offered when a person edits the message an entry came from,
actions/whatsapp_events.py) undoes that entry instead of the latest.
"""

from __future__ import annotations

from typing import Any

from actions.base import Turn
from actions.forms import BookForm, Message, SubmitAction, confirm
from actions.phrases import undone_name
from erp_core import undo
from erp_core.messages import format_decimal, format_money
from erp_core.permissions import Permission
from erp_core.undo import UndoResult


def describe(entry: UndoResult, language: str) -> str:
    """ "payment: Sharma ji ₹500", "order #7: Gupta ji ₹900", "stock received: Cheeni 20"."""
    what = undone_name(entry.undone, language) + (f" #{entry.order_number}" if entry.order_number else "")
    figure = format_money(entry.amount) if entry.amount is not None else format_decimal(entry.quantity or 0)
    return f"{what}: {entry.name} {figure}"


class ValidateUndoForm(BookForm):
    intent = "undo"
    permission = Permission.REVERSE
    needs = ()

    def name(self) -> str:
        return "validate_undo_form"

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        entry = message.value("entry") if message.intent == self.intent else None
        if entry and entry.isdigit():
            values["form_entry"] = int(entry)

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        seq = values["form_entry"]
        entry = undo.undoable(turn.ctx, seq) if seq else undo.last_undoable(turn.ctx)
        confirm(turn, "utter_confirm_undo", entry=describe(entry, turn.language))


class ActionUndoLast(SubmitAction):
    def name(self) -> str:
        return "action_undo_last"

    def book(self, turn: Turn, key: str) -> None:
        seq = turn.slot("form_entry")
        if seq:
            done = undo.undo_entry(turn.ctx, int(seq), "undo on WhatsApp", idempotency_key=key)
        else:
            done = undo.undo_last(turn.ctx, "undo on WhatsApp", idempotency_key=key)
        turn.say("utter_undone", entry=describe(done, turn.language))
