"""Orders: create a draft, then move it through its states, one action per transition."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.pagination import Page, PageQuery, page
from api.routing import Call, Resource
from api.types import Body, Id, Money, PositiveQuantity
from erp_core import orders
from erp_core.enums import OrderStatus
from erp_core.orders import OrderEventView, OrderView
from erp_core.sales import LineIn

api = Resource("orders", "Orders")
ACTIONS = {
    "confirm": OrderStatus.CONFIRMED,
    "accept": OrderStatus.ACCEPTED,
    "reject": OrderStatus.REJECTED,
    "pack": OrderStatus.PACKED,
    "dispatch": OrderStatus.DISPATCHED,
    "deliver": OrderStatus.DELIVERED,
    "complete": OrderStatus.COMPLETED,
    "cancel": OrderStatus.CANCELLED,
}


class Line(Body):
    product_id: Id
    quantity: PositiveQuantity
    unit_price: Money | None = None
    """Defaults to the product's selling price."""


class OrderIn(Body):
    party_id: Id
    lines: list[Line] = Field(min_length=1, max_length=200)
    note: str = Field(default="", max_length=500)


class ActionIn(Body):
    reason: str = Field(default="", max_length=500)


class OrderListQuery(PageQuery):
    status: OrderStatus | None = None
    party_id: Id | None = None


class OrderHistory(BaseModel):
    events: list[OrderEventView]


def line_in(lines: list[Line]) -> list[LineIn]:
    return [LineIn(product_id=line.product_id, quantity=line.quantity, unit_price=line.unit_price) for line in lines]


@api.get("/orders", summary="List orders", query=OrderListQuery, response=Page[OrderView])
def list_orders(call: Call) -> Page[OrderView]:
    q: OrderListQuery = call.query
    rows = orders.list_orders(call.ctx, after_id=q.position or 0, limit=q.limit + 1, status=q.status,
                              party_id=q.party_id)
    return page(rows, q.limit, lambda o: o.id)


@api.get("/orders/<order_id:int>", summary="One order with its lines", response=OrderView, errors=(404,))
def get_order(call: Call, order_id: int) -> OrderView:
    return orders.get_order(call.ctx, order_id)


@api.get("/orders/<order_id:int>/events", summary="Every transition of an order", response=OrderHistory,
         errors=(404,))
def order_events(call: Call, order_id: int) -> OrderHistory:
    return OrderHistory(events=orders.order_history(call.ctx, order_id))


@api.post("/orders", summary="Create a draft order", body=OrderIn, response=OrderView, status=201,
          errors=(404, 422))
def create_order(call: Call) -> OrderView:
    b: OrderIn = call.body
    return orders.create_order(call.ctx, b.party_id, line_in(b.lines), note=b.note,
                               idempotency_key=call.idempotency_key)


def _action(verb: str, target: OrderStatus) -> None:
    @api.post(f"/orders/<order_id:int>/{verb}", summary=f"{verb.capitalize()} an order (→ {target.value})",
              body=ActionIn, response=OrderView, errors=(404, 409, 422), name=f"order_{verb}")
    def act(call: Call, order_id: int) -> OrderView:
        return orders.transition(call.ctx, order_id, target, reason=call.body.reason,
                                 idempotency_key=call.idempotency_key)


for _verb, _target in ACTIONS.items():
    _action(_verb, _target)
