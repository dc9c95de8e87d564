"""Batches and expiry: goods received with a batch number (and expiry date) are tracked batch by batch.

Goods going out take from the batch named, else first-expiring first (FEFO) among the batches not yet
expired, then from stock received without a batch; an expired batch is sold only with an explicit
override (`ExpiredStock` otherwise), and a write-off for expiry takes the expired batches first. Every
movement's share of each batch is an append-only `BatchMovement`; `StockBatch` is the derived stock per batch
that `bot check` rebuilds. Products never received with a batch are not tracked at all.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.enums import StockReason
from erp_core.errors import ExpiredStock, ValidationError
from erp_core.ledger import business_date
from erp_core.models import BatchMovement, Product, StockBatch
from erp_core.permissions import Permission

EXPIRY_WINDOWS = (30, 60, 90)


class BatchOut(NamedTuple):
    """One stock movement as batches see it."""

    movement_id: int
    product_id: int
    name: str
    delta: Decimal
    on_hand_before: Decimal
    batch_no: str | None
    expiry_date: date | None
    allow_expired: bool
    reason: StockReason | None


def clean_batch(batch_no: str | None) -> str | None:
    """A batch number as stored (trimmed, upper-case), or None; `ValidationError` past 30 characters."""
    batch = (batch_no or "").strip().upper() or None
    if batch is not None and len(batch) > 30:
        raise ValidationError(field="batch_no", reason="a batch number has at most 30 characters")
    return batch


def record(session: Session, moves: list[BatchOut], today: date) -> None:
    """Book the batches of one document's movements, inside the caller's transaction."""
    touched = {m.product_id for m in moves if m.delta}
    if not touched:
        return
    batches: dict[int, list[StockBatch]] = {pid: [] for pid in touched}
    for batch in session.scalars(select(StockBatch).where(StockBatch.product_id.in_(touched))
                                 .order_by(StockBatch.id).with_for_update()):
        batches[batch.product_id].append(batch)
    for move in moves:
        if move.delta > 0:
            _receive(session, batches[move.product_id], move)
        elif move.delta < 0:
            _take(session, batches[move.product_id], move, today)


def _book(session: Session, batch: StockBatch, move: BatchOut, quantity: Decimal) -> None:
    batch.on_hand += quantity
    session.add(BatchMovement(movement_id=move.movement_id, batch_id=batch.id, quantity=quantity))


def _receive(session: Session, batches: list[StockBatch], move: BatchOut) -> None:
    if move.batch_no is None:
        return
    batch = next((b for b in batches if b.batch_no == move.batch_no), None)
    if batch is None:
        batch = StockBatch(product_id=move.product_id, batch_no=move.batch_no, expiry_date=move.expiry_date,
                           on_hand=Decimal(0))
        session.add(batch)
        session.flush()
        batches.append(batch)
    elif move.expiry_date and batch.expiry_date and move.expiry_date != batch.expiry_date:
        raise ValidationError(field="expiry_date", reason=f"batch {batch.batch_no} of {move.name} expires on "
                                                          f"{batch.expiry_date:%d-%m-%Y}, not {move.expiry_date:%d-%m-%Y}")
    elif move.expiry_date and batch.expiry_date is None:
        batch.expiry_date = move.expiry_date
    _book(session, batch, move, move.delta)


def _expired(batch: StockBatch, today: date) -> bool:
    return batch.expiry_date is not None and batch.expiry_date < today


def _refuse(move: BatchOut, batch: StockBatch) -> ExpiredStock:
    return ExpiredStock(product=move.name, batch=batch.batch_no, expiry=f"{batch.expiry_date:%d-%m-%Y}")


def _take(session: Session, batches: list[StockBatch], move: BatchOut, today: date) -> None:
    need = -move.delta
    for_expiry = move.reason is StockReason.EXPIRED
    if move.batch_no is not None:
        batch = next((b for b in batches if b.batch_no == move.batch_no), None)
        if batch is None or batch.on_hand < need:
            have = batch.on_hand if batch else Decimal(0)
            raise ValidationError(field="batch_no", reason=f"batch {move.batch_no} of {move.name} has "
                                                           f"{have.normalize():f}, not {need.normalize():f}")
        if _expired(batch, today) and not (move.allow_expired or for_expiry):
            raise _refuse(move, batch)
        _book(session, batch, move, -need)
        return
    stocked = [b for b in batches if b.on_hand > 0]
    if not stocked:
        return
    fresh = sorted((b for b in stocked if not _expired(b, today)),
                   key=lambda b: (b.expiry_date is None, b.expiry_date or date.max, b.id))
    expired = sorted((b for b in stocked if _expired(b, today)), key=lambda b: (b.expiry_date, b.id))
    untracked = max(move.on_hand_before - sum((b.on_hand for b in stocked), Decimal(0)), Decimal(0))
    order: list[StockBatch | None] = ([*expired, *fresh, None] if for_expiry else [*fresh, None, *expired])
    for batch in order:
        if need <= 0:
            break
        if batch is None:
            need -= min(need, untracked)
            continue
        if _expired(batch, today) and not (move.allow_expired or for_expiry):
            raise _refuse(move, batch)
        take = min(need, batch.on_hand)
        _book(session, batch, move, -take)
        need -= take


class ExpiringBatch(BaseModel):
    model_config = ConfigDict(frozen=True)
    product_id: int
    name: str
    batch_no: str
    expiry_date: date
    on_hand: Decimal
    days_left: int
    """Negative once it has expired."""


def expiring(ctx: Context, within_days: int = 30) -> list[ExpiringBatch]:
    """Batches with stock that expire within `within_days` (30, 60 or 90) or have expired, soonest first."""
    ctx.actor.require(Permission.VIEW_STOCK)
    if within_days not in EXPIRY_WINDOWS:
        raise ValidationError(field="within_days", reason="30, 60 or 90 days")
    with ctx.read() as session:
        today = business_date(ctx.tenant(session), utcnow())
        rows = session.execute(select(StockBatch, Product.name).join(Product, Product.id == StockBatch.product_id)
                               .where(StockBatch.on_hand > 0, StockBatch.expiry_date.is_not(None),
                                      StockBatch.expiry_date <= today + timedelta(days=within_days))
                               .order_by(StockBatch.expiry_date, Product.name)).all()
    return [ExpiringBatch(product_id=b.product_id, name=name, batch_no=b.batch_no, expiry_date=b.expiry_date,
                          on_hand=b.on_hand, days_left=(b.expiry_date - today).days) for b, name in rows]


def rebuild(session: Session) -> dict[int, Decimal]:
    """Each batch's stock from its movements (for `bot check`)."""
    totals: dict[int, Decimal] = {}
    for batch_id, quantity in session.execute(select(BatchMovement.batch_id, BatchMovement.quantity)):
        totals[batch_id] = totals.get(batch_id, Decimal(0)) + quantity
    return totals
