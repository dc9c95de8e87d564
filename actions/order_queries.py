"""Orders after they are placed: "order 12 ka kya hua?", "mera order kahan hai?", "order 12 cancel karo".

Cancelling is a book form with nothing to ask: the order is found, checked to be
cancellable, and shown with Haan / Nahi buttons; on "haan" erp_core cancels it (the
reserved stock is released and any khata debit reversed).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk.events import EventType

from actions.base import ShopAction, Turn
from actions.forms import BookForm, FormEnded, Message, SubmitAction
from actions.khata import named_party
from actions.phrases import phrase
from erp_core import orders, parties
from erp_core.enums import OrderStatus, Role
from erp_core.messages import format_decimal, format_money, order_status_name
from erp_core.orders import OrderView


def asked_order(turn: Turn, message: Message | None = None) -> OrderView | None:
    """The order the message names by number, else the newest order of the person (or of the customer named)."""
    number = message.value("order_id") if message else turn.entity("order_id")
    if number:
        return orders.order_by_number(turn.ctx, int(number))
    party = None if turn.ctx.actor.role is Role.CUSTOMER else named_party(turn)
    return orders.latest_order(turn.ctx, party.id if party else None)


def customer_name(turn: Turn, order: OrderView) -> str:
    return parties.party_details(turn.ctx, order.party_id).name


class ActionOrderStatus(ShopAction):
    def name(self) -> str:
        return "action_order_status"

    def act(self, turn: Turn) -> list[EventType]:
        order = asked_order(turn)
        if order is None:
            turn.say("utter_no_orders")
            return []
        items = "\n".join(phrase("order_line", turn.language, name=line.name, quantity=format_decimal(line.quantity))
                          for line in order.lines)
        turn.say("utter_order_status", number=order.number, customer=customer_name(turn, order),
                 status=order_status_name(order.status.value, turn.language), total=format_money(order.total),
                 items=items)
        return []


class ValidateCancelOrderForm(BookForm):
    """ "order 12 cancel karo" → "Order #12 (Verma ji, ₹270) cancel karein?" → Haan / Nahi."""

    intent = "cancel_order"
    permission = None  # erp_core decides who may cancel which order
    needs = ("form_order",)
    cancelled = "utter_dropped"

    def name(self) -> str:
        return "validate_cancel_order_form"

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        if values["form_order"] is not None and not message.value("order_id"):
            return
        order = asked_order(turn, message)
        if order is None:
            raise FormEnded("utter_no_orders")
        orders.require_cancellable(order)
        values["form_order"] = {"id": order.id, "number": order.number, "customer": customer_name(turn, order),
                                "total": format_money(order.total)}

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        order = values["form_order"]
        turn.say("utter_confirm_cancel_order", number=order["number"], customer=order["customer"], total=order["total"])


class ActionCancelOrder(SubmitAction):
    def name(self) -> str:
        return "action_cancel_order"

    def book(self, turn: Turn, key: str) -> None:
        order = turn.slot("form_order")
        orders.transition(turn.ctx, order["id"], OrderStatus.CANCELLED, reason="cancelled in chat", idempotency_key=key)
        turn.say("utter_order_cancelled", number=order["number"])
