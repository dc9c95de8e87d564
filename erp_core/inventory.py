"""The stock ledger: append-only movements and the `stock_summary` they keep up to date.

Every movement changes on-hand and/or reserved stock. `apply_movement` is the
one place that arithmetic lives; posting uses it under a row lock, and
`erp_core.check` replays it over the ledger to prove the summary is right.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.enums import MovementKind, Unit
from erp_core.errors import InsufficientStock, UnknownProduct, ValidationError
from erp_core.models import Product, StockMovement, StockSummary, Tenant
from erp_core.permissions import Permission
from erp_core.values import money, quantity

_COST = Decimal("0.0001")
_PAISA = Decimal("0.01")


class StockState(NamedTuple):
    on_hand: Decimal
    reserved: Decimal
    avg_cost: Decimal
    value: Decimal


EMPTY = StockState(Decimal(0), Decimal(0), Decimal(0), Decimal(0))


def apply_movement(
    state: StockState, on_hand_delta: Decimal, reserved_delta: Decimal, unit_cost: Decimal | None
) -> StockState:
    """The stock after one movement. Receipts with a cost move the weighted-average cost."""
    on_hand = state.on_hand + on_hand_delta
    avg_cost = state.avg_cost
    if on_hand_delta > 0 and unit_cost is not None:
        if state.on_hand <= 0 or on_hand <= 0:
            avg_cost = unit_cost
        else:
            total = state.on_hand * state.avg_cost + on_hand_delta * unit_cost
            avg_cost = (total / on_hand).quantize(_COST, ROUND_HALF_UP)
    value = (on_hand * avg_cost).quantize(_PAISA, ROUND_HALF_UP)
    return StockState(on_hand, state.reserved + reserved_delta, avg_cost, value)


class StockLevel(BaseModel):
    model_config = ConfigDict(frozen=True)
    product_id: int
    sku: str
    name: str
    unit: Unit
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    reorder_point: Decimal


class MovementResult(BaseModel):
    model_config = ConfigDict(frozen=True)
    movement_id: int
    stock: StockLevel


class ValuationLine(BaseModel):
    model_config = ConfigDict(frozen=True)
    product_id: int
    name: str
    on_hand: Decimal
    avg_cost: Decimal
    value: Decimal


class Valuation(BaseModel):
    model_config = ConfigDict(frozen=True)
    total: Decimal
    lines: list[ValuationLine]


def _level(product: Product, summary: StockSummary) -> StockLevel:
    return StockLevel(
        product_id=product.id, sku=product.sku, name=product.name, unit=product.unit,
        on_hand=summary.on_hand, reserved=summary.reserved, available=summary.available,
        reorder_point=product.reorder_point,
    )


class Movement(NamedTuple):
    """One stock change to post: what moves, and by how much."""

    product_id: int
    kind: MovementKind
    on_hand_delta: Decimal = Decimal(0)
    reserved_delta: Decimal = Decimal(0)
    unit_cost: Decimal | None = None


class Posted(NamedTuple):
    movement_id: int
    stock: StockLevel
    avg_cost: Decimal
    """The weighted-average cost per unit after the movement (cost of goods sold for sales)."""


def post_movements(
    session: Session,
    movements: list[Movement],
    *,
    ref_type: str,
    ref_id: int | None = None,
    note: str = "",
    actor_id: int | None = None,
    at: datetime | None = None,
) -> list[Posted]:
    """Append movements for one document and update their summaries, inside the caller's transaction.

    The summary rows are locked first (in product order, so concurrent
    documents never deadlock): two sales of the last unit queue up, and the
    second one sees the first one's result and gets `InsufficientStock`.
    """
    product_ids = sorted({m.product_id for m in movements})
    rows = session.execute(
        select(Product, StockSummary)
        .join(StockSummary, StockSummary.product_id == Product.id)
        .where(Product.id.in_(product_ids))
        .order_by(Product.id)
        .with_for_update(of=StockSummary)
    ).all()
    stock = {product.id: (product, summary) for product, summary in rows}
    at = at or utcnow()
    tenant_id = session.info["tenant_id"]
    records, levels = [], []
    for m in movements:
        if m.product_id not in stock:
            raise UnknownProduct(query=str(m.product_id))
        product, summary = stock[m.product_id]
        before = StockState(summary.on_hand, summary.reserved, summary.avg_cost, summary.value)
        after = apply_movement(before, m.on_hand_delta, m.reserved_delta, m.unit_cost)
        if after.reserved < 0:
            raise ValidationError(field="reserved", reason=f"cannot release more than is reserved of {product.name}")
        takes_availability = m.on_hand_delta - m.reserved_delta < 0
        if takes_availability and after.on_hand - after.reserved < 0 and not _negative_allowed(session, tenant_id):
            raise InsufficientStock(
                product=product.name, product_id=product.id, unit=product.unit.value,
                available=before.on_hand - before.reserved, requested=m.reserved_delta - m.on_hand_delta,
            )
        summary.on_hand, summary.reserved, summary.avg_cost, summary.value = after
        records.append({
            "tenant_id": tenant_id, "product_id": m.product_id, "kind": m.kind, "on_hand_delta": m.on_hand_delta,
            "reserved_delta": m.reserved_delta, "unit_cost": m.unit_cost, "ref_type": ref_type, "ref_id": ref_id,
            "note": note, "created_by": actor_id, "created_at": at,
        })
        levels.append((_level(product, summary), summary.avg_cost))
    ids = session.scalars(
        insert(StockMovement).returning(StockMovement.id, sort_by_parameter_order=True), records
    ).all()
    return [Posted(movement_id, level, avg_cost) for movement_id, (level, avg_cost) in zip(ids, levels)]


def _negative_allowed(session: Session, tenant_id: int) -> bool:
    tenant = session.get(Tenant, tenant_id)
    return tenant is not None and tenant.allow_negative_stock


def _movement(
    ctx: Context, action: str, request: dict, idempotency_key: str | None, movement: Movement, **document: object
) -> MovementResult:
    def work(session: Session) -> MovementResult:
        [posted] = post_movements(session, [movement], actor_id=ctx.actor.user_id, **document)  # type: ignore[arg-type]
        return MovementResult(movement_id=posted.movement_id, stock=posted.stock)

    return ctx.run(action, request, work, MovementResult, idempotency_key)


def receive_stock(
    ctx: Context,
    product_id: int,
    qty: Decimal | int | str,
    unit_cost: Decimal | int | str | None = None,
    *,
    note: str = "",
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> MovementResult:
    """Book goods received (STOCK_IN) at a purchase cost per unit (the product's cost price if not given)."""
    ctx.actor.require(Permission.MOVE_STOCK)
    q = quantity(qty)
    cost = None if unit_cost is None else money(unit_cost, "unit_cost")
    request = {"product_id": product_id, "qty": q, "unit_cost": cost, "note": note}

    def work(session: Session) -> MovementResult:
        per_unit = cost
        if per_unit is None:
            product = session.get(Product, product_id)
            if product is None:
                raise UnknownProduct(query=str(product_id))
            per_unit = product.cost_price
        [posted] = post_movements(
            session, [Movement(product_id, MovementKind.STOCK_IN, on_hand_delta=q, unit_cost=per_unit)],
            ref_type="purchase", note=note, at=at, actor_id=ctx.actor.user_id,
        )
        return MovementResult(movement_id=posted.movement_id, stock=posted.stock)

    return ctx.run("stock.receive", request, work, MovementResult, idempotency_key)


def adjust_stock(
    ctx: Context, product_id: int, delta: Decimal | int | str, reason: str, *, idempotency_key: str | None = None
) -> MovementResult:
    """Correct on-hand stock after a count, breakage or expiry (ADJUSTMENT, signed)."""
    ctx.actor.require(Permission.MOVE_STOCK)
    d = quantity(delta, "delta", signed=True)
    if not reason.strip():
        raise ValidationError(field="reason", reason="say why the stock is adjusted")
    request = {"product_id": product_id, "delta": d, "reason": reason}
    return _movement(
        ctx, "stock.adjust", request, idempotency_key,
        Movement(product_id, MovementKind.ADJUSTMENT, on_hand_delta=d), ref_type="adjustment", note=reason,
    )


def record_return(
    ctx: Context,
    product_id: int,
    qty: Decimal | int | str,
    *,
    sale_id: int | None = None,
    note: str = "",
    idempotency_key: str | None = None,
) -> MovementResult:
    """Take goods a customer brought back into stock (RETURN), valued at the current average cost."""
    ctx.actor.require(Permission.MOVE_STOCK)
    q = quantity(qty)
    request = {"product_id": product_id, "qty": q, "sale_id": sale_id, "note": note}
    return _movement(
        ctx, "stock.return", request, idempotency_key, Movement(product_id, MovementKind.RETURN, on_hand_delta=q),
        ref_type="sale" if sale_id else "return", ref_id=sale_id, note=note,
    )


def stock_of(ctx: Context, product_id: int) -> StockLevel:
    """Current stock of one product."""
    ctx.actor.require(Permission.VIEW_CATALOG)
    with ctx.read() as session:
        row = session.execute(
            select(Product, StockSummary)
            .join(StockSummary, StockSummary.product_id == Product.id)
            .where(Product.id == product_id)
        ).one_or_none()
        if row is None:
            raise UnknownProduct(query=str(product_id))
        return _level(row.Product, row.StockSummary)


def low_stock(ctx: Context) -> list[StockLevel]:
    """Active products whose available stock is at or below their reorder point, emptiest first."""
    ctx.actor.require(Permission.VIEW_STOCK)
    with ctx.read() as session:
        rows = session.execute(
            select(Product, StockSummary)
            .join(StockSummary, StockSummary.product_id == Product.id)
            .where(Product.active, StockSummary.on_hand - StockSummary.reserved <= Product.reorder_point)
            .order_by((StockSummary.on_hand - StockSummary.reserved) - Product.reorder_point, Product.name)
        ).all()
        return [_level(row.Product, row.StockSummary) for row in rows]


def valuation(ctx: Context) -> Valuation:
    """Stock value at weighted-average cost, per product and in total."""
    ctx.actor.require(Permission.VIEW_STOCK_VALUE)
    with ctx.read() as session:
        rows = session.execute(
            select(Product.id, Product.name, StockSummary.on_hand, StockSummary.avg_cost, StockSummary.value)
            .join(StockSummary, StockSummary.product_id == Product.id)
            .order_by(StockSummary.value.desc(), Product.name)
        ).all()
    lines = [
        ValuationLine(product_id=r.id, name=r.name, on_hand=r.on_hand, avg_cost=r.avg_cost, value=r.value)
        for r in rows
    ]
    return Valuation(total=sum((line.value for line in lines), Decimal("0.00")), lines=lines)


def movements(ctx: Context, product_id: int, limit: int = 50) -> list[StockMovement]:
    """The latest stock-ledger entries of a product, newest first (detached rows)."""
    ctx.actor.require(Permission.VIEW_STOCK)
    with ctx.read() as session:
        return list(
            session.scalars(
                select(StockMovement)
                .where(StockMovement.product_id == product_id)
                .order_by(StockMovement.id.desc())
                .limit(limit)
            )
        )
