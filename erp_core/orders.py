"""Customer orders and their state machine.

    DRAFT → CONFIRMED → ACCEPTED → PACKED → DISPATCHED → DELIVERED → COMPLETED
    DRAFT, CONFIRMED, ACCEPTED, PACKED → CANCELLED;  CONFIRMED → REJECTED

Confirming reserves stock, accepting puts the order total in the customer's
khata, dispatching takes the stock out, and cancelling or rejecting releases
the reservation and reverses the khata debit. Every transition is logged.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core import notices, parties
from erp_core.context import Context
from erp_core.enums import EntryKind, MovementKind, NoticeKind, OrderStatus, Role
from erp_core.errors import InvalidTransition, NotFound, PermissionDenied, UnknownParty
from erp_core.inventory import Movement, post_movements
from erp_core.ledger import check_credit_limit, post_entry
from erp_core.models import CreditEntry, Order, OrderEvent, OrderLine, Party, Product
from erp_core.permissions import Permission
from erp_core.sales import LineIn, LineOut, lines_request, price_lines
from erp_core.sequences import next_value

S = OrderStatus
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.DRAFT: frozenset({S.CONFIRMED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.ACCEPTED, S.REJECTED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.PACKED, S.CANCELLED}),
    S.PACKED: frozenset({S.DISPATCHED, S.CANCELLED}),
    S.DISPATCHED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset({S.COMPLETED}),
}
_RESERVED = {S.CONFIRMED, S.ACCEPTED, S.PACKED}
_DEBITED = {S.ACCEPTED, S.PACKED}
_CUSTOMER_MOVES = {(S.DRAFT, S.CONFIRMED), (S.DRAFT, S.CANCELLED), (S.CONFIRMED, S.CANCELLED)}


class OrderEventView(BaseModel):
    model_config = ConfigDict(frozen=True)
    from_status: OrderStatus | None
    to_status: OrderStatus
    actor_id: int | None
    reason: str
    at: datetime


class OrderView(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    number: int
    party_id: int
    status: OrderStatus
    total: Decimal
    lines: list[LineOut]
    warnings: list[str] = []


def _view(session: Session, order: Order) -> OrderView:
    lines = session.execute(
        select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.id)
    ).scalars().all()
    names = dict(session.execute(select(Product.id, Product.name)
                                 .where(Product.id.in_([line.product_id for line in lines]))).tuples().all())
    return OrderView(
        id=order.id, number=order.number, party_id=order.party_id, status=order.status, total=order.total,
        lines=[LineOut(product_id=line.product_id, name=names.get(line.product_id, ""), quantity=line.quantity,
                       unit_price=line.unit_price, line_total=line.line_total) for line in lines],
    )


def _load(ctx: Context, session: Session, order_id: int, *, lock: bool = False) -> Order:
    """The order if this actor may see it; customers get `NotFound` for anyone else's."""
    query = select(Order).where(Order.id == order_id)
    order = session.scalar(query.with_for_update() if lock else query)
    if order is None or (ctx.actor.role is Role.CUSTOMER and order.party_id != ctx.actor.party_id):
        raise NotFound(what="order", ref=order_id)
    return order


def _create(ctx: Context, session: Session, party_id: int, lines: list[LineIn], note: str) -> Order:
    if session.get(Party, party_id) is None:
        raise UnknownParty(query=str(party_id))
    priced = price_lines(session, lines)
    order = Order(number=next_value(session, "order"), party_id=party_id, status=S.DRAFT,
                  total=sum((out.line_total for out in priced), Decimal("0.00")), note=note, created_by=ctx.actor.user_id)
    session.add(order)
    session.flush()
    session.add_all(OrderLine(order_id=order.id, product_id=out.product_id, quantity=out.quantity,
                              unit_price=out.unit_price, line_total=out.line_total) for out in priced)
    session.add(OrderEvent(order_id=order.id, from_status=None, to_status=S.DRAFT,
                           actor_id=ctx.actor.user_id, reason=note))
    session.flush()
    return order


def _require_place(ctx: Context, party_id: int) -> None:
    ctx.actor.require(Permission.PLACE_ORDER)
    if ctx.actor.role is Role.CUSTOMER and ctx.actor.party_id != party_id:
        raise NotFound(what="party", ref=party_id)


def create_order(
    ctx: Context,
    party_id: int,
    lines: list[LineIn],
    *,
    note: str = "",
    idempotency_key: str | None = None,
) -> OrderView:
    """Create a DRAFT order. Customers may only order for themselves."""
    _require_place(ctx, party_id)
    request = {"party_id": party_id, "lines": lines_request(lines), "note": note}

    def work(session: Session) -> OrderView:
        return _view(session, _create(ctx, session, party_id, lines, note))

    return ctx.run("order.create", request, work, OrderView, idempotency_key)


def place_order(
    ctx: Context,
    party_id: int,
    lines: list[LineIn],
    *,
    note: str = "",
    idempotency_key: str | None = None,
) -> OrderView:
    """Create an order and confirm it (reserving its stock) in one transaction: an order confirmed in chat.

    If the stock cannot be reserved nothing is written, not even a draft.
    """
    _require_place(ctx, party_id)
    request = {"party_id": party_id, "lines": lines_request(lines), "note": note}
    return ctx.run("order.place", request, lambda session: _place(ctx, session, party_id, lines, note), OrderView,
                   idempotency_key)


def place_own_order(
    ctx: Context,
    lines: list[LineIn],
    *,
    wa_id: str,
    profile_name: str = "",
    note: str = "",
    idempotency_key: str | None = None,
) -> OrderView:
    """A customer's order for themselves, placed and confirmed (stock reserved) in one transaction.

    A number not yet in the khata gets its account in the same transaction, named by
    its WhatsApp `profile_name` (what `parties.register_self` does); if the order
    fails (an unknown product, not enough stock) no account is opened either. One
    `idempotency_key` covers both: a replay returns the same order and opens no
    second account, also when it comes from the number that has its account by then.
    Raises `PermissionDenied` for anyone but a customer, `ValidationError` for a
    `wa_id` that is no WhatsApp number, and whatever `place_order` raises.
    """
    if ctx.actor.role is not Role.CUSTOMER:
        raise PermissionDenied(permission="place_own_order", role=ctx.actor.role.value)
    ctx.actor.require(Permission.PLACE_ORDER)
    party_id = ctx.actor.party_id
    phone, name = (parties.self_registration(ctx, wa_id=wa_id, name=profile_name) if party_id is None
                   else (wa_id.strip().lstrip("+"), profile_name.strip()))
    request = {"wa_id": wa_id.strip().lstrip("+"), "profile_name": profile_name.strip(),
               "lines": lines_request(lines), "note": note}

    def work(session: Session) -> OrderView:
        own = ctx
        if party_id is None:
            party = parties.register_self_in(session, phone=phone, name=name)
            own = replace(ctx, actor=replace(ctx.actor, party_id=party.id))
        return _place(own, session, own.actor.party_id, lines, note)

    return ctx.run("order.place", request, work, OrderView, idempotency_key)


def _place(ctx: Context, session: Session, party_id: int, lines: list[LineIn], note: str) -> OrderView:
    order = _create(ctx, session, party_id, lines, note)
    _require_move(ctx, S.DRAFT, S.CONFIRMED)
    warnings = _move(ctx, session, order, S.CONFIRMED, note)
    return _view(session, order).model_copy(update={"warnings": warnings})


def can_cancel(status: OrderStatus | str) -> bool:
    """Whether an order in `status` may still be cancelled: DRAFT, CONFIRMED, ACCEPTED or PACKED.

    The state machine only; who may cancel is `transition`'s check (a customer only
    before the shop accepts, an accepted order only someone who may reverse).
    """
    return S.CANCELLED in TRANSITIONS.get(OrderStatus(status), frozenset())


def require_cancellable(order: OrderView) -> None:
    """Raise the `InvalidTransition` that `transition` would raise for cancelling `order`, if it would."""
    if not can_cancel(order.status):
        raise _forbidden(order.number, order.status, S.CANCELLED)


def next_statuses(status: OrderStatus | str) -> list[OrderStatus]:
    """The statuses an order in `status` may move to, in the order of the flow (then CANCELLED, REJECTED)."""
    moves = TRANSITIONS.get(OrderStatus(status), frozenset())
    return [target for target in OrderStatus if target in moves]


def require_move(order: OrderView, target: OrderStatus | str) -> None:
    """Raise the `InvalidTransition` that `transition` would raise for moving `order` to `target`, if it would."""
    target = OrderStatus(target)
    if target not in TRANSITIONS.get(order.status, frozenset()):
        raise _forbidden(order.number, order.status, target)


def _forbidden(number: int, current: OrderStatus, target: OrderStatus) -> InvalidTransition:
    return InvalidTransition(order=number, from_status=current.value, to_status=target.value)


def _require_move(ctx: Context, current: OrderStatus, target: OrderStatus) -> None:
    if ctx.actor.role is Role.CUSTOMER:
        if (current, target) not in _CUSTOMER_MOVES:
            ctx.actor.require(Permission.MANAGE_ORDERS)
        return
    ctx.actor.require(Permission.MANAGE_ORDERS)
    if target is S.CANCELLED and current in _DEBITED:
        ctx.actor.require(Permission.REVERSE)


CUSTOMER_TOLD = frozenset({OrderStatus.ACCEPTED, OrderStatus.PACKED, OrderStatus.DISPATCHED, OrderStatus.DELIVERED,
                           OrderStatus.COMPLETED, OrderStatus.REJECTED})
"""The steps the shop tells the order's customer of (a notice; the customer's own moves are not told back)."""


def _move(ctx: Context, session: Session, order: Order, target: OrderStatus, reason: str) -> list[str]:
    """Apply the stock and khata effects of moving `order` to `target`, log it, and return any warnings."""
    current = order.status
    if target not in TRANSITIONS.get(current, frozenset()):
        raise _forbidden(order.number, current, target)
    lines = session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)
                            .order_by(OrderLine.product_id)).all()
    actor_id = ctx.actor.user_id
    warnings: list[str] = []
    move = {"ref_type": "order", "ref_id": order.id, "actor_id": actor_id}
    if target is S.CONFIRMED:
        post_movements(session, [Movement(line.product_id, MovementKind.RESERVE, reserved_delta=line.quantity)
                                 for line in lines], **move)
    elif target is S.ACCEPTED:
        tenant = ctx.tenant(session)
        warning = check_credit_limit(session, tenant, session.get(Party, order.party_id), order.total)
        post_entry(session, tenant, party_id=order.party_id, kind=EntryKind.ORDER, debit=order.total,
                   ref_type="order", ref_id=order.id, note=f"order {order.number}", actor_id=actor_id)
        warnings = [warning] if warning else []
    elif target is S.DISPATCHED:
        post_movements(session, [movement for line in lines for movement in (
            Movement(line.product_id, MovementKind.RELEASE, reserved_delta=-line.quantity),
            Movement(line.product_id, MovementKind.STOCK_OUT, on_hand_delta=-line.quantity),
        )], **move)
    elif target in (S.CANCELLED, S.REJECTED):
        if current in _RESERVED:
            post_movements(session, [Movement(line.product_id, MovementKind.RELEASE, reserved_delta=-line.quantity)
                                     for line in lines], **move)
        if current in _DEBITED:
            _reverse_order_debit(ctx, session, order, reason or target.value.lower())
    order.status = target
    session.add(OrderEvent(order_id=order.id, from_status=current, to_status=target, actor_id=actor_id,
                           reason=reason))
    session.flush()
    if target in CUSTOMER_TOLD and ctx.actor.role is not Role.CUSTOMER:
        party = session.get(Party, order.party_id)
        notices.queue(session, NoticeKind.ORDER_UPDATE, f"order:{order.id}:{target.value.lower()}", party.phone,
                      {"shop": ctx.tenant(session).name, "number": order.number, "status": target.value.lower()},
                      party_id=order.party_id)
    return warnings


def transition_in(ctx: Context, session: Session, order_id: int, target: OrderStatus, reason: str = "") -> OrderView:
    """Move an order to `target` inside the caller's transaction (for operations that include a transition)."""
    order = _load(ctx, session, order_id, lock=True)
    if target not in TRANSITIONS.get(order.status, frozenset()):
        raise _forbidden(order.number, order.status, target)
    _require_move(ctx, order.status, target)
    warnings = _move(ctx, session, order, target, reason)
    return _view(session, order).model_copy(update={"warnings": warnings})


def transition(
    ctx: Context,
    order_id: int,
    target: OrderStatus | str,
    *,
    reason: str = "",
    idempotency_key: str | None = None,
) -> OrderView:
    """Move an order to `target`, with its stock and khata effects, or raise `InvalidTransition`."""
    target = OrderStatus(target)
    request = {"order_id": order_id, "target": target, "reason": reason}
    return ctx.run("order.transition", request, lambda session: transition_in(ctx, session, order_id, target, reason),
                   OrderView, idempotency_key)


def _reverse_order_debit(ctx: Context, session: Session, order: Order, reason: str) -> None:
    debit = session.scalar(select(CreditEntry).where(
        CreditEntry.ref_type == "order", CreditEntry.ref_id == order.id, CreditEntry.kind == EntryKind.ORDER))
    if debit is None:
        return
    already = session.scalar(select(CreditEntry.id).where(CreditEntry.reverses_id == debit.id))
    if already is None:  # someone may have reversed the debit by hand already
        post_entry(session, ctx.tenant(session), party_id=order.party_id, kind=EntryKind.REVERSAL,
                   credit=debit.debit, ref_type="order", ref_id=order.id, note=reason,
                   actor_id=ctx.actor.user_id, reverses_id=debit.id)


def get_order(ctx: Context, order_id: int) -> OrderView:
    """An order with its lines; customers see only their own."""
    if ctx.actor.role is not Role.CUSTOMER:
        ctx.actor.require(Permission.VIEW_ALL_ORDERS)
    with ctx.read() as session:
        return _view(session, _load(ctx, session, order_id))


def order_by_number(ctx: Context, number: int) -> OrderView:
    """An order by the number people see ("order 12"); customers see only their own."""
    if ctx.actor.role is not Role.CUSTOMER:
        ctx.actor.require(Permission.VIEW_ALL_ORDERS)
    with ctx.read() as session:
        order = session.scalar(select(Order).where(Order.number == number))
        if order is None or (ctx.actor.role is Role.CUSTOMER and order.party_id != ctx.actor.party_id):
            raise NotFound(what="order", ref=number)
        return _view(session, order)


def order_history(ctx: Context, order_id: int) -> list[OrderEventView]:
    """Every transition of an order: who, when, from, to."""
    if ctx.actor.role is not Role.CUSTOMER:
        ctx.actor.require(Permission.VIEW_ALL_ORDERS)
    with ctx.read() as session:
        _load(ctx, session, order_id)
        events = session.scalars(select(OrderEvent).where(OrderEvent.order_id == order_id)
                                 .order_by(OrderEvent.id)).all()
    return [OrderEventView(from_status=e.from_status, to_status=e.to_status, actor_id=e.actor_id,
                           reason=e.reason, at=e.at) for e in events]


def list_orders(
    ctx: Context, *, after_id: int = 0, limit: int = 50, status: OrderStatus | None = None,
    party_id: int | None = None,
) -> list[OrderView]:
    """Orders in id order after `after_id` (keyset pagination); customers see only their own."""
    query = select(Order).where(Order.id > after_id).order_by(Order.id).limit(limit)
    if ctx.actor.role is Role.CUSTOMER:
        query = query.where(Order.party_id == ctx.actor.party_id)
    else:
        ctx.actor.require(Permission.VIEW_ALL_ORDERS)
    if status is not None:
        query = query.where(Order.status == status)
    if party_id is not None:
        query = query.where(Order.party_id == party_id)
    with ctx.read() as session:
        return [_view(session, order) for order in session.scalars(query).all()]


def latest_order(ctx: Context, party_id: int | None = None) -> OrderView | None:
    """The newest order (of `party_id` when given); a customer's own newest order whatever they ask."""
    if ctx.actor.role is Role.CUSTOMER:
        party_id = ctx.actor.party_id
        if party_id is None:
            return None
    else:
        ctx.actor.require(Permission.VIEW_ALL_ORDERS)
    query = select(Order).order_by(Order.id.desc()).limit(1)
    if party_id is not None:
        query = query.where(Order.party_id == party_id)
    with ctx.read() as session:
        order = session.scalar(query)
        return _view(session, order) if order is not None else None
