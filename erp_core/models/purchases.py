"""The buying side: supplier bills and debit notes (purchase returns), with their lines, and payments to
suppliers. A bill credits the supplier's khata (the shop owes), a payment or a debit note debits it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from erp_core.columns import Money, Quantity, Rate, UnitCost, UTCDateTime, utcnow
from erp_core.enums import PaymentMode, PurchaseKind
from erp_core.models.base import Base, TaxAmountColumns, TenantScoped, enum_type


class PurchaseBill(TaxAmountColumns, TenantScoped, Base):
    """A supplier's bill as booked (or the shop's debit note for goods sent back), fixed once made."""

    __tablename__ = "purchase_bills"
    __table_args__ = (
        UniqueConstraint("tenant_id", "supplier_id", "kind", "bill_number"),
        Index("ix_purchase_bills_date", "tenant_id", "bill_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PurchaseKind] = mapped_column(enum_type(PurchaseKind))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    bill_number: Mapped[str] = mapped_column(String(30))
    """The supplier's invoice number; for a debit note, the shop's own number (DN-1, DN-2 ...)."""
    bill_date: Mapped[date] = mapped_column(Date)
    supplier_gstin: Mapped[str | None] = mapped_column(String(15))
    supply: Mapped[str] = mapped_column(String(8))
    """How the supplier taxed it (`erp_core.gst.Supply`): intra-state, inter-state, VAT, or none."""
    itc_eligible: Mapped[bool] = mapped_column(Boolean)
    """Whether its tax is input tax credit: a registered supplier, and a shop that is neither composition nor
    unregistered. When not, the tax is part of the goods' cost."""
    original_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_bills.id"))
    """For a debit note: the bill it returns goods against."""
    round_off: Mapped[Decimal] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PurchaseLine(TaxAmountColumns, TenantScoped, Base):
    __tablename__ = "purchase_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("purchase_bills.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    description: Mapped[str] = mapped_column(String(200))
    hsn_code: Mapped[str | None] = mapped_column(String(8))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    """The rate per unit before tax."""
    rate: Mapped[Decimal] = mapped_column(Rate)
    cess_rate: Mapped[Decimal] = mapped_column(Rate)
    unit_cost: Mapped[Decimal] = mapped_column(UnitCost)
    """What one unit cost the shop (landed): its taxable value, plus the tax when it is not input credit."""
    batch_no: Mapped[str | None] = mapped_column(String(30))
    expiry_date: Mapped[date | None] = mapped_column(Date)
    original_line_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_lines.id"))
    """For a debit note's line: the bill line the goods came in on."""


class SupplierPayment(TenantScoped, Base):
    """Money the shop paid a supplier (a debit in the supplier's khata)."""

    __tablename__ = "supplier_payments"
    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    mode: Mapped[PaymentMode] = mapped_column(enum_type(PaymentMode))
    reference: Mapped[str] = mapped_column(String(100), default="")
    bill_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_bills.id"))
    """Paid with the bill when it was booked, if so."""
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
