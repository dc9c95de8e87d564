"""Stock that leaves outside a sale, and counts: write-offs (damaged, expired, lost, stolen, own use) and the
owner's count, each an ADJUSTMENT in the stock ledger with its reason and the cost it is valued at.

A write-off takes goods out at the weighted-average cost; a count books the difference between the counted
figure and the ledger's (nothing more: a count that agrees is booked too, as a record that it was made).
`preview_write_off` and `preview_count` say what either would book, for a confirmation, writing nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core.context import Context
from erp_core.enums import WRITE_OFF_REASONS, MovementKind, StockReason, Unit
from erp_core.errors import UnknownProduct, ValidationError
from erp_core.inventory import Movement, StockLevel, lock_stock, post_movements
from erp_core.models import Product, StockSummary
from erp_core.permissions import Permission
from erp_core.values import quantity

_PAISA = Decimal("0.01")


class StockCorrection(BaseModel):
    """A write-off or a count as booked."""

    model_config = ConfigDict(frozen=True)
    movement_id: int
    product_id: int
    name: str
    reason: StockReason
    delta: Decimal
    """The change to on-hand stock (negative: goods gone)."""
    unit_cost: Decimal
    value: Decimal
    """`delta` at `unit_cost`: the stock value gained (negative: lost)."""
    stock: StockLevel


def write_off_reason(value: StockReason | str) -> StockReason:
    """A write-off's reason from its name (`damaged`, `expired`, `lost`, `stolen`, `own_use`)."""
    try:
        reason = StockReason(value)
    except ValueError:
        reason = None
    if reason not in WRITE_OFF_REASONS:
        raise ValidationError(field="reason", reason=f"{value!r} is not one of {', '.join(WRITE_OFF_REASONS)}")
    return reason


def write_off(
    ctx: Context,
    product_id: int,
    qty: Decimal | int | str,
    reason: StockReason | str,
    *,
    note: str = "",
    idempotency_key: str | None = None,
) -> StockCorrection:
    """Take goods out of stock that were damaged, expired, lost, stolen or used in the shop, at cost.

    Raises `InsufficientStock` for more than is available (unless the shop allows negative stock).
    """
    ctx.actor.require(Permission.MOVE_STOCK)
    q = quantity(qty)
    why = write_off_reason(reason)
    request = {"product_id": product_id, "qty": q, "reason": why, "note": note}

    def work(session: Session) -> StockCorrection:
        return _book(ctx, session, product_id, why, note, lambda on_hand: -q)

    return ctx.run("stock.write_off", request, work, StockCorrection, idempotency_key)


def count_stock(
    ctx: Context, product_id: int, counted: Decimal | int | str, *, note: str = "", idempotency_key: str | None = None
) -> StockCorrection:
    """The owner counted `counted` on hand: book the difference to the ledger's figure (reason `count`).

    Counted stock below what orders have reserved raises `InsufficientStock` (release or cancel those first).
    """
    ctx.actor.require(Permission.MOVE_STOCK)
    figure = quantity(counted, "counted", allow_zero=True)
    request = {"product_id": product_id, "counted": figure, "note": note}

    def work(session: Session) -> StockCorrection:
        return _book(ctx, session, product_id, StockReason.COUNT, note, lambda on_hand: figure - on_hand)

    return ctx.run("stock.count", request, work, StockCorrection, idempotency_key)


def _book(ctx: Context, session: Session, product_id: int, reason: StockReason, note: str,
          delta_of: Callable[[Decimal], Decimal]) -> StockCorrection:
    stock = lock_stock(session, {product_id})
    row = stock.get(product_id)
    if row is None:
        raise UnknownProduct(query=str(product_id))
    delta = delta_of(row.state.on_hand)
    cost = row.state.avg_cost
    [posted] = post_movements(
        # goods written off or missing at a count may be of an expired batch: only selling those needs an override
        session, [Movement(product_id, MovementKind.ADJUSTMENT, on_hand_delta=delta, unit_cost=cost, reason=reason,
                           allow_expired=True)],
        ref_type="write_off" if reason is not StockReason.COUNT else "count", note=note,
        actor_id=ctx.actor.user_id, stock=stock,
    )
    return StockCorrection(movement_id=posted.movement_id, product_id=product_id, name=row.name, reason=reason,
                           delta=delta, unit_cost=cost, value=(delta * cost).quantize(_PAISA, ROUND_HALF_UP),
                           stock=posted.stock)


class CorrectionPreview(BaseModel):
    """What a write-off or a count would book now, read for the person to confirm."""

    model_config = ConfigDict(frozen=True)
    product_id: int
    name: str
    unit: Unit
    on_hand: Decimal
    """The ledger's figure now."""
    delta: Decimal
    unit_cost: Decimal | None
    """The weighted-average cost the goods would go at; None when the product has no cost yet."""
    value: Decimal | None
    """`delta` at `unit_cost` (negative: stock value lost); None when the cost is not known."""


def preview_write_off(ctx: Context, product_id: int, qty: Decimal | int | str) -> CorrectionPreview:
    """What `write_off` of `qty` would book now: the goods out at the weighted-average cost. Writes nothing."""
    ctx.actor.require(Permission.MOVE_STOCK)
    q = quantity(qty)
    return _preview(ctx, product_id, lambda on_hand: -q)


def preview_count(ctx: Context, product_id: int, counted: Decimal | int | str) -> CorrectionPreview:
    """What `count_stock` of `counted` would book now: the difference to the ledger's figure. Writes nothing."""
    ctx.actor.require(Permission.MOVE_STOCK)
    figure = quantity(counted, "counted", allow_zero=True)
    return _preview(ctx, product_id, lambda on_hand: figure - on_hand)


def _preview(ctx: Context, product_id: int, delta_of: Callable[[Decimal], Decimal]) -> CorrectionPreview:
    with ctx.read() as session:
        row = session.execute(select(Product, StockSummary).join(StockSummary, StockSummary.product_id == Product.id)
                              .where(Product.id == product_id)).one_or_none()
        if row is None:
            raise UnknownProduct(query=str(product_id))
        product, stock = row.Product, row.StockSummary
        delta = delta_of(stock.on_hand)
        cost = stock.avg_cost or None
        return CorrectionPreview(product_id=product.id, name=product.name, unit=product.unit, on_hand=stock.on_hand,
                                 delta=delta, unit_cost=cost,
                                 value=None if cost is None else (delta * cost).quantize(_PAISA, ROUND_HALF_UP))
