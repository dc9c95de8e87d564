"""The shop moves an order: "order 12 dispatch kar do" → "Order #12 (Sharma ji): packed → dispatched. Pakka?"
→ erp_core.orders.transition, which queues the customer's notice (bot/notify tells them on their WhatsApp, in
their language).

The order number is asked when missing (never guessed); the step is asked with buttons of the moves the
order's status allows. A move the machine forbids (deliver a cancelled order) is erp_core's
`InvalidTransition`, said before any confirmation.
"""

from __future__ import annotations

from typing import Any

from actions.base import Turn
from actions.choices import payload
from actions.forms import BookForm, FormEnded, Message, SubmitAction, confirm
from actions.items import first_number
from actions.phrases import phrase
from erp_core import orders, parties
from erp_core.enums import OrderStatus
from erp_core.messages import order_status_name
from erp_core.permissions import Permission

STEPS = {"accept": OrderStatus.ACCEPTED, "pack": OrderStatus.PACKED, "dispatch": OrderStatus.DISPATCHED,
         "deliver": OrderStatus.DELIVERED, "complete": OrderStatus.COMPLETED, "reject": OrderStatus.REJECTED}
"""The NLU's `order_step` values and the status each moves an order to."""
STEP_OF = {status: step for step, status in STEPS.items()}


def next_steps(status: str) -> list[str]:
    """The steps the shop may take with an order in `status`, in the order of the flow (cancelling is
    `cancel_order`'s).

    >>> next_steps("CONFIRMED"), next_steps("PACKED"), next_steps("COMPLETED")
    (['accept', 'reject'], ['dispatch'], [])
    """
    return [STEP_OF[target] for target in orders.next_statuses(status) if target in STEP_OF]


class ValidateUpdateOrderForm(BookForm):
    intent = "update_order"
    permission = Permission.MANAGE_ORDERS
    needs = ("form_order", "form_step")

    def name(self) -> str:
        return "validate_update_order_form"

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        number = message.value("order_id")
        if number is None and requested == "form_order" and not message.is_payload:
            number = first_number(message.text)
        if number is not None:
            order = orders.order_by_number(turn.ctx, int(number))
            values["form_order"] = {"id": order.id, "number": order.number, "status": order.status.value,
                                    "customer": parties.party_details(turn.ctx, order.party_id).name}
        step = message.value("order_step")
        if step in STEPS:
            values["form_step"] = step
        order = values["form_order"]
        if order is not None:
            current = orders.get_order(turn.ctx, order["id"])
            values["form_order"] = {**order, "status": current.status.value}
            if values["form_step"]:
                orders.require_move(current, STEPS[values["form_step"]])
            elif not next_steps(current.status):
                raise FormEnded("utter_order_no_next_step", number=current.number,
                                status=order_status_name(current.status.value, turn.language))

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        if slot == "form_order":
            turn.say("utter_ask_update_order_number")
            return slot
        order = values["form_order"]
        buttons = [{"title": phrase(f"step_{step}", turn.language), "payload": payload(self.intent, order_step=step)}
                   for step in next_steps(order["status"])]
        turn.dispatcher.utter_message(
            response="utter_ask_update_order_step", number=order["number"], customer=order["customer"],
            status=order_status_name(order["status"], turn.language),
            buttons=[*buttons, {"title": phrase("cancel", turn.language), "payload": "/stop"}])
        return slot

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        order = values["form_order"]
        confirm(turn, "utter_confirm_update_order", number=order["number"], customer=order["customer"],
                current=order_status_name(order["status"], turn.language),
                new=order_status_name(STEPS[values["form_step"]].value, turn.language))


class ActionUpdateOrder(SubmitAction):
    def name(self) -> str:
        return "action_update_order"

    def book(self, turn: Turn, key: str) -> None:
        order = orders.transition(turn.ctx, turn.slot("form_order")["id"], STEPS[turn.slot("form_step")],
                                  reason="whatsapp", idempotency_key=key)
        turn.say("utter_order_updated", number=order.number,
                 status=order_status_name(order.status.value, turn.language))
        customer = parties.party_details(turn.ctx, order.party_id)
        if not customer.phone:
            turn.say("utter_order_customer_not_told", customer=customer.name)
            return
        turn.say("utter_order_customer_told", customer=customer.name)   # erp_core queued the notice
