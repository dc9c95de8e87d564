"""Sale returns: goods a customer brought back, with what they were worth and how the money went back."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from erp_core.columns import Money, Quantity, UnitCost, UTCDateTime, utcnow
from erp_core.enums import RefundMode
from erp_core.models.base import Base, TenantScoped, enum_type


class SaleReturn(TenantScoped, Base):
    """A return document, fixed once made: against a bill (`sale_id`), an invoice (through the credit note
    `credit_note_id`), or neither."""

    __tablename__ = "sale_returns"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    sale_id: Mapped[int | None] = mapped_column(ForeignKey("sales.id"), index=True)
    credit_note_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    refund_mode: Mapped[RefundMode] = mapped_column(enum_type(RefundMode))
    total: Mapped[Decimal] = mapped_column(Money)
    """What the goods were worth to the customer: paid back, or credited to the khata."""
    cost: Mapped[Decimal] = mapped_column(Money)
    """What they cost the shop: the stock value that came back."""
    reason: Mapped[str] = mapped_column(Text, default="")
    returned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SaleReturnLine(TenantScoped, Base):
    __tablename__ = "sale_return_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("sale_returns.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    line_total: Mapped[Decimal] = mapped_column(Money)
    unit_cost: Mapped[Decimal] = mapped_column(UnitCost)
    """The cost per unit the goods left with (the bill line's), or the average cost then when there was no bill."""
