"""A party's khata statement as a PDF: "Sharma ji ka statement bhejo" → the owner's copy at once (nothing is
written), with a button to send it to the customer; "Sharma ji ko statement bhej do" → confirm → the PDF on
the customer's own WhatsApp (a document with a `to`, actions/notify.py), recorded once per confirming message
(`statements.record_sending`), so a replayed confirmation sends nothing again.

The period is the message's (`period`), else this month, with the balance brought forward from before it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from actions import notify
from actions.base import Turn
from actions.choices import payload
from actions.forms import CONFIRMED, BookForm, Message, SubmitAction, confirm
from actions.invoice_form import documents_dir
from actions.phrases import period_name, phrase
from erp_core import parties, statements
from erp_core.errors import AmbiguousParty
from erp_core.messages import format_money
from erp_core.periods import shop_period
from erp_core.permissions import Permission
from erp_core.statement_pdf import render_statement
from erp_core.statements import Statement

OWNER, CUSTOMER = "owner", "customer"
DEFAULT_PERIOD = "this_month"
_TO_THEM = {"hinglish": {"ko", "lai"}, "hi": {"को"}, "ne": {"लाई"}, "ne_roman": {"lai"},
            "en": {"to", "his", "her", "their", "them", "lai"}}
"""The words that send a statement to the party itself: "Sharma ji ko", "शर्मा जीलाई", "send it to Sharma ji"
(Roman Nepali's "Sharma ji lai" too while its language is guessed as Hinglish or English; in Roman Nepali "ko"
is "of")."""


def wants_customer(text: str, language: str) -> bool:
    """Whether the message asks for the statement to go to the party ("Sharma ji ko statement bhej do") rather
    than to the person writing ("Sharma ji ka statement bhejo"); a Nepali dative may be joined to the name.

    >>> wants_customer("Sharma ji ko statement bhej do", "hinglish"), wants_customer("Sharma ji ka statement bhejo", "hinglish")
    (True, False)
    >>> wants_customer("शर्मा जीलाई स्टेटमेन्ट पठाइदिनुस्", "ne"), wants_customer("शर्मा जीको स्टेटमेन्ट पठाउनुस्", "ne")
    (True, False)
    """
    words = {word.strip(".,!?।\"'") for word in text.lower().split()}
    markers = _TO_THEM.get(language, _TO_THEM["hinglish"])
    return bool(words & markers) or (language == "ne" and any(word.endswith("लाई") for word in words))


def statement_of(turn: Turn, party_id: int, period: str) -> Statement:
    """The party's statement for the named period of the shop's calendar."""
    days = shop_period(turn.ctx, period)
    return statements.statement(turn.ctx, party_id, days.first_day, days.last_day)


def write_pdf(turn: Turn, view: Statement) -> Path:
    """The statement's PDF in the shop's documents folder, for the channel to upload."""
    folder = documents_dir() / str(turn.ctx.tenant_id)
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / f"statement-{view.party_id}-{view.first_day or 'start'}-{view.last_day}.pdf"
    pdf.write_bytes(render_statement(view))
    return pdf


class ValidateStatementForm(BookForm):
    intent = "send_statement"
    permission = Permission.VIEW_KHATA
    needs = ("form_customer",)
    cancelled = "utter_statement_not_sent"
    done_at_once = "action_send_statement"

    def name(self) -> str:
        return "validate_statement_form"

    def party_kind(self) -> None:
        return None

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        super().read(turn, values, message, requested)
        values["form_period"] = message.value("period") or values["form_period"] or DEFAULT_PERIOD
        if message.value("recipient") == CUSTOMER or wants_customer(message.text, turn.language):
            values["form_recipient"] = CUSTOMER
        values["form_recipient"] = values["form_recipient"] or OWNER

    def resolve_customer(self, turn: Turn, values: dict[str, Any]) -> str | None:
        """A list when several parties match; an unknown name is erp_core's `UnknownParty` (no new party here)."""
        customer = values["form_customer"]
        if customer and "id" not in customer:
            try:
                parties.resolve_party(turn.ctx, customer["query"])
            except AmbiguousParty:
                pass
        return super().resolve_customer(turn, values)

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        turn.say("utter_ask_statement_customer")
        return slot

    def step(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> str | None:
        """As every form; but the owner's own copy writes nothing and so needs no confirmation."""
        asked = super().step(turn, values, message, requested)
        if asked == CONFIRMED and values["form_recipient"] == OWNER:
            values[CONFIRMED] = True
            return None
        return asked

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        customer = values["form_customer"]
        if values["form_recipient"] == CUSTOMER and not parties.party_details(turn.ctx, customer["id"]).phone:
            turn.say("utter_statement_no_phone", customer=customer["name"])
            values["form_recipient"] = OWNER
        if values["form_recipient"] == CUSTOMER:
            view = statement_of(turn, customer["id"], values["form_period"])
            confirm(turn, "utter_confirm_statement_to_customer", customer=customer["name"],
                    period=period_name(values["form_period"], turn.language),
                    closing=format_money(view.closing_balance))


class ActionSendStatement(SubmitAction):
    def name(self) -> str:
        return "action_send_statement"

    def book(self, turn: Turn, key: str) -> None:
        customer, period = turn.slot("form_customer"), turn.slot("form_period") or DEFAULT_PERIOD
        view = statement_of(turn, customer["id"], period)
        pdf = write_pdf(turn, view)
        phone = parties.party_details(turn.ctx, customer["id"]).phone
        if turn.slot("form_recipient") == CUSTOMER and phone:
            if not statements.record_sending(turn.ctx, view, idempotency_key=key):
                return  # a replayed confirmation: sent already
            notify.send_document(turn, phone, str(pdf), pdf.name, "utter_customer_statement", shop=view.shop_name,
                                 period=period_name(period, notify.customer_language(turn)),
                                 closing=format_money(view.closing_balance))
            turn.say("utter_statement_sent", customer=customer["name"])
            return
        turn.say("utter_statement_ready", customer=customer["name"], period=period_name(period, turn.language),
                 opening=format_money(view.opening_balance), closing=format_money(view.closing_balance))
        turn.dispatcher.utter_message(json_message={"type": "document", "path": str(pdf), "filename": pdf.name,
                                                    "caption": f"{customer['name']} · {format_money(view.closing_balance)}"})
        if phone:
            turn.dispatcher.utter_message(response="utter_offer_statement_to_customer", customer=customer["name"],
                                          buttons=[{"title": phrase("send_to_customer", turn.language),
                                                    "payload": payload("send_statement", customer=customer["name"],
                                                                       period=period, recipient=CUSTOMER)}])
