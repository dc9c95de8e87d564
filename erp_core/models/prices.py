"""Price history: every change of a product's selling price or MRP (who, when, old, new), append-only."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from erp_core.columns import Money, UTCDateTime, utcnow
from erp_core.models.base import Base, TenantScoped


class PriceChange(TenantScoped, Base):
    """One change of a product's prices. The price in force at a moment is the `old_` price of the first
    change after it, or the product's current price when there is none."""

    __tablename__ = "price_changes"
    __table_args__ = (Index("ix_price_changes_product", "tenant_id", "product_id", "changed_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    old_selling_price: Mapped[Decimal] = mapped_column(Money)
    new_selling_price: Mapped[Decimal] = mapped_column(Money)
    old_mrp: Mapped[Decimal | None] = mapped_column(Money)
    new_mrp: Mapped[Decimal | None] = mapped_column(Money)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
