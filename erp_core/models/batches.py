"""Batches of a product (a pharmacy's lot numbers and expiry dates): how much of each is on hand, and which
batch every stock movement of a batch-tracked product came from or went into."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from erp_core.columns import Quantity
from erp_core.models.base import Base, TenantScoped


class StockBatch(TenantScoped, Base):
    """Derived: a batch's stock on hand, rebuilt from `BatchMovement` by `bot check`."""

    __tablename__ = "stock_batches"
    __table_args__ = (UniqueConstraint("tenant_id", "product_id", "batch_no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    batch_no: Mapped[str] = mapped_column(String(30))
    expiry_date: Mapped[date | None] = mapped_column(Date)
    on_hand: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0))


class BatchMovement(TenantScoped, Base):
    """Append-only: how much of one stock movement was of one batch (a sale may take from several)."""

    __tablename__ = "batch_movements"
    id: Mapped[int] = mapped_column(primary_key=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("stock_movements.id"), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("stock_batches.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    """Signed: in (+) or out (-)."""
