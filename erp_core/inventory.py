"""The stock ledger: append-only movements and the `stock_summary` they keep up to date.

Every movement changes on-hand and/or reserved stock. `apply_movement` is the
one place that arithmetic lives; posting uses it under a row lock, and
`erp_core.check` replays it over the ledger to prove the summary is right.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict
from sqlalchemy import and_, bindparam, exists, insert, or_, select, update
from sqlalchemy.orm import Session

from erp_core.columns import utcnow
from erp_core.context import ALLOW_NEGATIVE_STOCK, Context
from erp_core.db import current_tenant
from erp_core.enums import MovementKind, StockReason, Unit
from erp_core.errors import InsufficientStock, UnknownProduct, ValidationError
from erp_core import batches
from erp_core.ids import hsn
from erp_core.ledger import business_date
from erp_core.models import Product, StockBatch, StockMovement, StockSummary, Tenant
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


class StockRow(NamedTuple):
    """A product with its stock, as read (and locked) by `lock_stock`."""

    product_id: int
    sku: str
    name: str
    unit: Unit
    selling_price: Decimal
    reorder_point: Decimal
    active: bool
    hsn_code: str | None
    has_batches: bool
    """Received with batch numbers at some time (`erp_core.batches`)."""
    state: StockState

    @property
    def is_service(self) -> bool:
        """A service (a SAC code, chapter 99) is sold and billed but has no stock."""
        return is_service(self.hsn_code)

    def level(self) -> StockLevel:
        return StockLevel(
            product_id=self.product_id, sku=self.sku, name=self.name, unit=self.unit,
            on_hand=self.state.on_hand, reserved=self.state.reserved,
            available=self.state.on_hand - self.state.reserved, reorder_point=self.reorder_point,
        )


_products, _summaries, _movements = Product.__table__, StockSummary.__table__, StockMovement.__table__
_batches = StockBatch.__table__
# The posting hot path's statements, built once (SQLAlchemy then reuses their compiled form).
_LOCK_STOCK = (
    select(_products.c.id, _products.c.sku, _products.c.name, _products.c.unit, _products.c.selling_price,
           _products.c.reorder_point, _products.c.active, _products.c.hsn_code,
           exists().where(_batches.c.product_id == _products.c.id).label("has_batches"),
           _summaries.c.on_hand, _summaries.c.reserved, _summaries.c.avg_cost, _summaries.c.value)
    .join(_summaries, and_(_summaries.c.product_id == _products.c.id, _summaries.c.tenant_id == _products.c.tenant_id))
    .where(_products.c.tenant_id == bindparam("tid"), _products.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(_products.c.id)
    .with_for_update(of=_summaries)
)
_SET_SUMMARY = (
    update(_summaries)
    .where(_summaries.c.tenant_id == bindparam("tid"), _summaries.c.product_id == bindparam("pid"))
    .values(on_hand=bindparam("new_on_hand"), reserved=bindparam("new_reserved"),
            avg_cost=bindparam("new_avg_cost"), value=bindparam("new_value"))
)
_ADD_MOVEMENTS = insert(_movements).returning(_movements.c.id, sort_by_parameter_order=True)
_NEGATIVE_ALLOWED = select(Tenant.__table__.c.allow_negative_stock).where(Tenant.__table__.c.id == bindparam("tid"))


def lock_stock(session: Session, product_ids: set[int]) -> dict[int, StockRow]:
    """Read products with their stock, locking the stock rows until the transaction ends.

    Rows are locked in product order, so concurrent documents never deadlock:
    two sales of the last unit queue up, and the second sees the first's result.
    Products that do not exist (or belong to another tenant) are simply absent.
    """
    rows = session.connection().execute(
        _LOCK_STOCK, {"tid": current_tenant(session), "ids": sorted(product_ids)}
    ).all()
    return {row[0]: StockRow(*row[:9], StockState(*row[9:])) for row in rows}


class Movement(NamedTuple):
    """One stock change to post: what moves, and by how much."""

    product_id: int
    kind: MovementKind
    on_hand_delta: Decimal = Decimal(0)
    reserved_delta: Decimal = Decimal(0)
    unit_cost: Decimal | None = None
    reason: StockReason | None = None
    """Why, for a write-off or a count."""
    batch_no: str | None = None
    """The batch received, or the one goods must go out of (`erp_core.batches`)."""
    expiry_date: date | None = None
    allow_expired: bool = False
    """Goods may go out of an expired batch (the person said so)."""


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
    stock: dict[int, StockRow] | None = None,
) -> list[Posted]:
    """Append movements for one document and update their summaries, inside the caller's transaction.

    `stock` is what `lock_stock` returned, for callers that already hold the
    locks; otherwise the movements' products are locked here. Raises
    `InsufficientStock` (unless the tenant allows negative stock) and
    `UnknownProduct` before anything is written.

    Services never touch the stock ledger: a document's lines for a service
    (a sale, an order, a return) move nothing and are left out of the result;
    receiving, counting or writing off a service is refused.
    """
    if stock is None:
        stock = lock_stock(session, {m.product_id for m in movements})
    movements = _goods_only(movements, stock)
    if not movements:
        return []
    tenant_id = current_tenant(session)
    at = at or utcnow()
    records, results, batch_moves = [], [], []
    for n, m in enumerate(movements):
        if m.product_id not in stock:
            raise UnknownProduct(query=str(m.product_id))
        row = stock[m.product_id]
        if m.on_hand_delta and (m.batch_no or row.has_batches):
            batch_moves.append((n, batches.BatchOut(0, m.product_id, row.name, m.on_hand_delta, row.state.on_hand,
                                                    m.batch_no, m.expiry_date, m.allow_expired, m.reason)))
        after = apply_movement(row.state, m.on_hand_delta, m.reserved_delta, m.unit_cost)
        if after.reserved < 0:
            raise ValidationError(field="reserved", reason=f"cannot release more than is reserved of {row.name}")
        takes_availability = m.on_hand_delta - m.reserved_delta < 0
        if takes_availability and after.on_hand - after.reserved < 0 and not _negative_allowed(session, tenant_id):
            raise InsufficientStock(
                product=row.name, product_id=row.product_id, unit=row.unit.value,
                available=row.state.on_hand - row.state.reserved, requested=m.reserved_delta - m.on_hand_delta,
            )
        # Goods going out are recorded at the weighted-average cost they leave with (cost of goods sold).
        unit_cost = row.state.avg_cost if m.unit_cost is None and m.on_hand_delta < 0 else m.unit_cost
        stock[m.product_id] = row = row._replace(state=after)
        records.append({
            "tenant_id": tenant_id, "product_id": m.product_id, "kind": m.kind, "on_hand_delta": m.on_hand_delta,
            "reserved_delta": m.reserved_delta, "unit_cost": unit_cost, "ref_type": ref_type, "ref_id": ref_id,
            "reason": m.reason, "note": note, "created_by": actor_id, "created_at": at,
        })
        results.append((row.level(), after.avg_cost))
    connection = session.connection()
    changed = {m.product_id for m in movements}
    connection.execute(
        _SET_SUMMARY,
        [{"tid": tenant_id, "pid": pid, "new_on_hand": stock[pid].state.on_hand,
          "new_reserved": stock[pid].state.reserved, "new_avg_cost": stock[pid].state.avg_cost,
          "new_value": stock[pid].state.value} for pid in sorted(changed)],
    )
    ids = connection.execute(_ADD_MOVEMENTS, records).scalars().all()
    if batch_moves:
        today = business_date(session.get(Tenant, tenant_id), at)
        batches.record(session, [move._replace(movement_id=ids[n]) for n, move in batch_moves], today)
    return [Posted(movement_id, level, avg_cost) for movement_id, (level, avg_cost) in zip(ids, results)]


IS_GOODS = or_(Product.hsn_code.is_(None), ~Product.hsn_code.startswith(hsn.SERVICES_CHAPTER))
"""A product that is goods, as SQL: services (SAC codes, chapter 99) have no stock."""
DOCUMENT_KINDS = frozenset({MovementKind.STOCK_OUT, MovementKind.RETURN, MovementKind.RESERVE,
                            MovementKind.RELEASE})
"""Movements a sales document makes for each of its lines (goods and services alike)."""


def is_service(hsn_code: str | None) -> bool:
    """Whether a product with this HSN/SAC code is a service (SAC codes are chapter 99)."""
    return bool(hsn_code) and hsn.is_sac(hsn_code)


def _goods_only(movements: list[Movement], stock: dict[int, StockRow]) -> list[Movement]:
    goods = []
    for m in movements:
        row = stock.get(m.product_id)
        if row is None or not row.is_service:
            goods.append(m)
        elif m.kind not in DOCUMENT_KINDS:
            raise ValidationError(field="product_id", reason=f"{row.name} is a service: it has no stock")
    return goods


def cost_when_out(session: Session, product_id: int, ref_type: str, ref_id: int) -> Decimal | None:
    """The weighted-average cost per unit at which a document's goods left stock, replayed from the ledger
    (goods going out leave the average as it is); None when the document took none of the product out."""
    out = session.execute(select(StockMovement.id, StockMovement.unit_cost).where(
        StockMovement.product_id == product_id, StockMovement.ref_type == ref_type, StockMovement.ref_id == ref_id,
        StockMovement.on_hand_delta < 0).order_by(StockMovement.id).limit(1)).first()
    if out is None:
        return None
    out_id, recorded = out
    if recorded is not None:  # recorded since goods going out carry their cost
        return recorded
    state = EMPTY
    for on_hand_delta, reserved_delta, unit_cost in session.execute(
        select(StockMovement.on_hand_delta, StockMovement.reserved_delta, StockMovement.unit_cost)
        .where(StockMovement.product_id == product_id, StockMovement.id < out_id).order_by(StockMovement.id)
    ):
        state = apply_movement(state, on_hand_delta, reserved_delta, unit_cost)
    return state.avg_cost


def _negative_allowed(session: Session, tenant_id: int) -> bool:
    if session.info.get(ALLOW_NEGATIVE_STOCK):
        return True
    return bool(session.connection().execute(_NEGATIVE_ALLOWED, {"tid": tenant_id}).scalar())


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
    batch_no: str | None = None,
    expiry_date: date | None = None,
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> MovementResult:
    """Book goods received (STOCK_IN) at a purchase cost per unit (the product's cost price if not given),
    optionally of a batch with its expiry date (`erp_core.batches`)."""
    ctx.actor.require(Permission.MOVE_STOCK)
    q = quantity(qty)
    cost = None if unit_cost is None else money(unit_cost, "unit_cost")
    batch = batches.clean_batch(batch_no)
    request = {"product_id": product_id, "qty": q, "unit_cost": cost, "note": note, "batch_no": batch,
               "expiry_date": expiry_date}

    def work(session: Session) -> MovementResult:
        per_unit = cost
        if per_unit is None:
            product = session.get(Product, product_id)
            if product is None:
                raise UnknownProduct(query=str(product_id))
            per_unit = product.cost_price
        [posted] = post_movements(
            session, [Movement(product_id, MovementKind.STOCK_IN, on_hand_delta=q, unit_cost=per_unit, batch_no=batch,
                               expiry_date=expiry_date)],
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
        Movement(product_id, MovementKind.ADJUSTMENT, on_hand_delta=d, allow_expired=True),  # a correction, not a sale
        ref_type="adjustment", note=reason,
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
    """Active goods (not services) whose available stock is at or below their reorder point, emptiest first."""
    ctx.actor.require(Permission.VIEW_STOCK)
    with ctx.read() as session:
        rows = session.execute(
            select(Product, StockSummary)
            .join(StockSummary, StockSummary.product_id == Product.id)
            .where(Product.active, IS_GOODS, StockSummary.on_hand - StockSummary.reserved <= Product.reorder_point)
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


class MovementView(BaseModel):
    """One stock-ledger entry as integrations see it."""

    model_config = ConfigDict(frozen=True)
    id: int
    product_id: int
    kind: MovementKind
    on_hand_delta: Decimal
    reserved_delta: Decimal
    unit_cost: Decimal | None
    ref_type: str
    ref_id: int | None
    reason: StockReason | None
    note: str
    created_at: datetime


def stock_levels(
    ctx: Context, *, after_id: int = 0, limit: int = 50, ids: list[int] | None = None
) -> list[StockLevel]:
    """Stock of active products in product-id order after `after_id` (keyset pagination)."""
    ctx.actor.require(Permission.VIEW_STOCK)
    query = (select(Product, StockSummary).join(StockSummary, StockSummary.product_id == Product.id)
             .where(Product.active, Product.id > after_id).order_by(Product.id).limit(limit))
    if ids is not None:
        query = query.where(Product.id.in_(ids))
    with ctx.read() as session:
        return [_level(row.Product, row.StockSummary) for row in session.execute(query)]


def movement_page(ctx: Context, product_id: int, *, before_id: int | None = None, limit: int = 50) -> list[MovementView]:
    """A product's stock-ledger entries, newest first, older than `before_id` (keyset pagination)."""
    ctx.actor.require(Permission.VIEW_STOCK)
    query = select(StockMovement).where(StockMovement.product_id == product_id)
    if before_id is not None:
        query = query.where(StockMovement.id < before_id)
    with ctx.read() as session:
        if session.get(Product, product_id) is None:
            raise UnknownProduct(query=str(product_id))
        rows = session.scalars(query.order_by(StockMovement.id.desc()).limit(limit)).all()
    return [MovementView(id=m.id, product_id=m.product_id, kind=m.kind, on_hand_delta=m.on_hand_delta,
                         reserved_delta=m.reserved_delta, unit_cost=m.unit_cost, ref_type=m.ref_type,
                         ref_id=m.ref_id, reason=m.reason, note=m.note, created_at=m.created_at) for m in rows]
