"""Another request in the middle of a form: a question is answered, a new command offers to drop the open form.

An open form sees every message (Rasa's loop has priority over rules), so `BookForm` asks here
what the message is before reading it as an answer:

- a question (`QUERIES`: stock, sales, dues, profit, ...) is answered by its own action, run in
  this action server, and the form asks its pending question again;
- a command that starts a different form (`FORMS`) gets "Pehle wala stock entry chhod doon?";
  yes ends the open form with nothing written and starts the new one with the new message's
  intent and entities (a `FollowupAction`; the message waits in `form_pending`), no re-asks;
- anything else (an answer, a correction, the open form's own intent with new entities, more items for
  a form that takes items) is the form's.

A form or action named here that this server does not have (yet) is simply not offered.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from functools import cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

FORMS: dict[str, str] = {
    "create_order": "order_form",
    "catalog_order": "order_form",
    "record_payment": "payment_form",
    "add_stock": "stock_form",
    "add_expense": "expense_form",
    "create_invoice": "invoice_form",
    "undo": "undo_form",
    "cancel_order": "cancel_order_form",
    "add_customer": "add_customer_form",
    "add_product": "add_product_form",
    "record_sale": "sale_form",
    "sale_return": "sale_return_form",
    "write_off": "write_off_form",
    "stock_count": "stock_count_form",
    "update_price": "price_form",
    "set_credit_limit": "credit_limit_form",
    "update_order": "update_order_form",
    "shop_settings": "settings_form",
    "send_statement": "statement_form",
    "pay_supplier": "supplier_payment_form",
    "purchase_return": "purchase_return_form",
    "bill_photo": "bill_photo_form",
}
"""The form each write intent starts."""

QUERIES: dict[str, str] = {
    "check_stock": "action_check_stock",
    "low_stock": "action_low_stock",
    "reorder_suggestions": "action_reorder_suggestions",
    "order_status": "action_order_status",
    "check_dues": "action_check_dues",
    "credit_check": "action_credit_check",
    "send_reminder": "action_send_reminder",
    "send_payment_link": "action_send_payment_link",
    "sales_summary": "action_sales_summary",
    "expense_summary": "action_expense_summary",
    "profit_summary": "action_profit_summary",
    "top_products": "action_top_products",
    "check_payables": "action_check_payables",
    "expiring_stock": "action_expiring_stock",
    "gst_summary": "action_gst_summary",
    "sent_messages": "action_sent_messages",
    "show_bill_photo": "action_send_bill_photo",
    "demand_forecast": "action_demand_forecast",
    "help": "action_help",
    "greet": "utter_greet",
    "thank": "utter_you_are_welcome",
}
"""What answers each question that leaves the books as they are: an action, or a domain response."""

SURE = 0.9
"""A message with items inside a form that takes items starts another form only when the NLU is this sure
("20 kilo cheeni aayi" in an order: 0.99; "aur 2 packet maggi", read as stock received at 0.70: the order's)."""
CHIT_CHAT = frozenset({"help", "greet", "thank"})
"""Questions that are not about the shop's business."""


@dataclass(frozen=True)
class Interruption:
    """A message that is not for the open form: a question to answer, or a command that needs another form."""

    intent: str
    answer: str | None = None
    """The action or response that answers a question."""
    form: str | None = None
    """The form a new command needs."""


def interruption(intent: str, confidence: float, open_form: str, answers_form: bool,
                 adds_items: bool) -> Interruption | None:
    """What a message read as `intent` (with `confidence`) is while `open_form` waits; None when it is the form's.

    `answers_form`: the message reads as the answer the form waits for (a bare name), whatever its intent.
    `adds_items`: the form takes items and the message has a quantity ("aur 2 packet maggi"): more items
    for the form, unless the NLU is sure it is a command of its own ("Sharma ji ko 5 kilo chawal bhejo").
    """
    if answers_form:
        return None
    if intent in QUERIES and not adds_items and exists(QUERIES[intent]):
        return Interruption(intent, answer=QUERIES[intent])
    form = FORMS.get(intent)
    if form is None or form == open_form or (adds_items and confidence < SURE):
        return None
    return Interruption(intent, form=form) if exists(f"validate_{form}") else None


def has_flow(intent: str) -> bool:
    """Whether this server can do `intent` (its form or its answer exists)."""
    if intent in QUERIES:
        return exists(QUERIES[intent])
    return intent in FORMS and exists(f"validate_{FORMS[intent]}")


def exists(name: str) -> bool:
    """Whether this action server has the action `name` (a domain response always exists)."""
    return name.startswith("utter_") or action_named(name) is not None


async def answer(name: str, dispatcher: CollectingDispatcher, tracker: Tracker,
                 domain: dict[str, Any]) -> list[EventType]:
    """Answer the latest message with the action or response `name`, as if Rasa had run it; its events."""
    if name.startswith("utter_"):
        dispatcher.utter_message(response=name)
        return []
    events = action_named(name).run(dispatcher, tracker, domain)
    return list(await events if inspect.isawaitable(events) else events)


@cache
def action_named(name: str) -> Action | None:
    """This server's action `name` (every module of the `actions` package is loaded first)."""
    import actions

    for module in pkgutil.iter_modules(actions.__path__):
        importlib.import_module(f"actions.{module.name}")
    for cls in _subclasses(Action):
        if not inspect.isabstract(cls) and cls.__module__.startswith("actions.") and cls().name() == name:
            return cls()
    return None


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found
