"""Orders after they are placed: "order 12 ka kya hua?", "mera order kahan hai?", "order 12 cancel karo".

Cancelling asks first (Haan / Nahi buttons); the tap runs `action_confirm_pending` (actions/pending.py),
which cancels through erp_core: the reserved stock is released and any khata debit reversed.
"""

from __future__ import annotations

from rasa_sdk.events import EventType, SlotSet

from actions.base import ShopAction, Turn
from actions.khata import named_party
from actions.pending import PENDING_SLOT, executes, pending_value
from actions.phrases import order_status_name, phrase
from erp_core import orders, parties
from erp_core.enums import OrderStatus, Role
from erp_core.errors import InvalidTransition, NotFound
from erp_core.messages import format_decimal, format_money
from erp_core.orders import OrderView


def asked_order(turn: Turn) -> OrderView | None:
    """The order the message names by number, else the newest order of the person (or of the customer named)."""
    number = turn.entity("order_id")
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


class ActionCancelOrder(ShopAction):
    def name(self) -> str:
        return "action_cancel_order"

    def act(self, turn: Turn) -> list[EventType]:
        order = asked_order(turn)
        if order is None:
            turn.say("utter_no_orders")
            return []
        if OrderStatus.CANCELLED not in orders.TRANSITIONS.get(order.status, frozenset()):
            raise InvalidTransition(order=order.number, from_status=order_status_name(order.status.value, turn.language),
                                    to_status=order_status_name(OrderStatus.CANCELLED.value, turn.language))
        turn.say("utter_confirm_cancel_order", number=order.number, customer=customer_name(turn, order),
                 total=format_money(order.total))
        return [SlotSet(PENDING_SLOT, pending_value("cancel_order", order_id=order.id, number=order.number))]

    def after_error(self, turn: Turn, error) -> list[EventType]:  # type: ignore[no-untyped-def]
        return [SlotSet(PENDING_SLOT, None)]


@executes("cancel_order")
def cancel(turn: Turn, params: dict, key: str) -> None:
    """Cancel the order (after the person said yes) and say so."""
    order_id, number = params["order_id"], params["number"]
    try:
        orders.transition(turn.ctx, order_id, OrderStatus.CANCELLED, reason="cancelled in chat", idempotency_key=key)
    except NotFound:
        raise NotFound(what="order", ref=number) from None
    turn.say("utter_order_cancelled", number=number)
