"""Invoices, their lines, numbering series and payments, and the Razorpay side of them.

`Invoice.paid`, `credited` and `status` are a cache derived from `InvoicePayment` rows
and credit notes (see `erp_core.invoice_settlement`); `bot check` rebuilds them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from erp_core.columns import EncryptedText, Money, Quantity, Rate, UTCDateTime, utcnow
from erp_core.enums import InvoiceKind, InvoiceStatus, PaymentMode
from erp_core.models.base import Base, TaxAmountColumns, TenantScoped, enum_type


class InvoiceSeries(TenantScoped, Base):
    """A numbering series such as `INV/{fy}/{n:04}`: numbers restart every financial year."""

    __tablename__ = "invoice_series"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    kind: Mapped[InvoiceKind] = mapped_column(enum_type(InvoiceKind))
    pattern: Mapped[str] = mapped_column(String(40))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)


class Invoice(TaxAmountColumns, TenantScoped, Base):
    """A GST tax invoice, Bill of Supply or credit note (or a Nepal VAT invoice), fixed once issued."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("tenant_id", "financial_year", "number"),
        Index("ix_invoices_date", "tenant_id", "invoice_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("invoice_series.id"))
    kind: Mapped[InvoiceKind] = mapped_column(enum_type(InvoiceKind))
    number: Mapped[str] = mapped_column(String(16))
    financial_year: Mapped[str] = mapped_column(String(9))
    invoice_date: Mapped[date] = mapped_column(Date)
    supply: Mapped[str] = mapped_column(String(8))
    seller_name: Mapped[str] = mapped_column(String(200))
    seller_address: Mapped[str] = mapped_column(Text, default="")
    seller_tax_id: Mapped[str | None] = mapped_column(String(15))
    """The seller's GSTIN (India) or PAN/VAT number (Nepal)."""
    seller_state: Mapped[str | None] = mapped_column(String(2))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    buyer_name: Mapped[str] = mapped_column(String(200), default="")
    buyer_address: Mapped[str] = mapped_column(Text, default="")
    buyer_gstin: Mapped[str | None] = mapped_column(String(15))
    place_of_supply: Mapped[str | None] = mapped_column(String(2))
    sale_id: Mapped[int | None] = mapped_column(ForeignKey("sales.id"))
    original_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    """For a credit note: the invoice it credits."""
    reason: Mapped[str] = mapped_column(Text, default="")
    round_off: Mapped[Decimal] = mapped_column(Money)
    """`total` (a whole number of rupees) less the sum of the lines."""
    paid: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    """Derived: paid when issued for a settled bill, plus the `InvoicePayment` rows."""
    credited: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    """Derived: the totals of the credit notes issued against this invoice."""
    status: Mapped[InvoiceStatus] = mapped_column(enum_type(InvoiceStatus))
    """Derived from `total`, `paid` and `credited`."""
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InvoiceLine(TaxAmountColumns, TenantScoped, Base):
    __tablename__ = "invoice_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    description: Mapped[str] = mapped_column(String(200))
    hsn_code: Mapped[str | None] = mapped_column(String(8))
    unit: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    price_includes_tax: Mapped[bool] = mapped_column(Boolean)
    discount: Mapped[Decimal] = mapped_column(Money)
    rate: Mapped[Decimal] = mapped_column(Rate)
    cess_rate: Mapped[Decimal] = mapped_column(Rate)


class InvoicePayment(TenantScoped, Base):
    """Money received against an invoice, by hand or through a payment gateway (once per gateway payment id)."""

    __tablename__ = "invoice_payments"
    __table_args__ = (UniqueConstraint("tenant_id", "gateway_payment_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    """The khata payment (None for a walk-in buyer without a khata)."""
    amount: Mapped[Decimal] = mapped_column(Money)
    mode: Mapped[PaymentMode] = mapped_column(enum_type(PaymentMode))
    reference: Mapped[str] = mapped_column(String(100), default="")
    gateway_payment_id: Mapped[str | None] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PaymentLink(TenantScoped, Base):
    """A Razorpay payment link sent for an invoice."""

    __tablename__ = "payment_links"
    __table_args__ = (UniqueConstraint("tenant_id", "link_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    link_id: Mapped[str] = mapped_column(String(40))
    short_url: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Money)
    upi_only: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RazorpayAccount(TenantScoped, Base):
    """A shop's Razorpay API keys and webhook secret (both secrets encrypted at rest)."""

    __tablename__ = "razorpay_accounts"
    __table_args__ = (UniqueConstraint("tenant_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(40))
    key_secret: Mapped[str] = mapped_column(EncryptedText, deferred=True)
    webhook_secret: Mapped[str] = mapped_column(EncryptedText, deferred=True)
