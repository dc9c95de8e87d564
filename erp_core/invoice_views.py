"""Invoices as printed and as the API returns them, and reading them back.

`InvoiceView` is what every issuing, payment and credit-note operation returns;
its tax figures are `erp_core.gst.TaxAmounts` fields, its tax summary is
`gst.by_rate` of its lines.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import ConfigDict, create_model
from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core import gst
from erp_core.context import Context
from erp_core.enums import Country, InvoiceKind, InvoiceStatus, Role
from erp_core.errors import NotFound
from erp_core.models import Invoice, InvoiceLine, Tenant
from erp_core.permissions import Permission

_ZERO = Decimal("0.00")


class TaxAmountFields(create_model(  # type: ignore[misc]
    "TaxAmountFields", __config__=ConfigDict(frozen=True), **{name: (Decimal, ...) for name in gst.AMOUNT_FIELDS},
)):
    """The fields of `gst.TaxAmounts`, flat on a view."""

    @property
    def amounts(self) -> gst.TaxAmounts:
        return gst.TaxAmounts.of(self)


class InvoiceLineView(TaxAmountFields):
    product_id: int | None
    description: str
    hsn_code: str | None
    unit: str
    quantity: Decimal
    unit_price: Decimal
    price_includes_tax: bool
    discount: Decimal
    rate: Decimal
    cess_rate: Decimal


class InvoiceView(TaxAmountFields):
    """An issued invoice, Bill of Supply or credit note, as printed."""

    id: int
    kind: InvoiceKind
    number: str
    financial_year: str
    invoice_date: date
    country: Country
    supply: gst.Supply
    seller_name: str
    seller_address: str
    seller_tax_id: str | None
    seller_state: str | None
    party_id: int | None
    buyer_name: str
    buyer_address: str
    buyer_gstin: str | None
    place_of_supply: str | None
    sale_id: int | None
    original_id: int | None
    original_number: str | None
    reason: str
    lines: list[InvoiceLineView]
    round_off: Decimal
    paid: Decimal
    credited: Decimal
    due: Decimal
    status: InvoiceStatus
    upi_vpa: str | None

    @property
    def is_b2b(self) -> bool:
        """A business buyer with a GSTIN (B2B); otherwise a consumer (B2C)."""
        return self.buyer_gstin is not None

    def tax_summary(self) -> list[gst.RateSummary]:
        """Taxable value and taxes by rate, as on the printed summary."""
        return gst.by_rate((line.rate, line.cess_rate, line.amounts) for line in self.lines)


def view_of(session: Session, tenant: Tenant, invoice: Invoice) -> InvoiceView:
    """The view of an invoice row, with its lines and the number of the invoice it credits."""
    lines = session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
                            .order_by(InvoiceLine.id)).all()
    original_number = (session.scalar(select(Invoice.number).where(Invoice.id == invoice.original_id))
                       if invoice.original_id else None)
    return InvoiceView(
        id=invoice.id, kind=invoice.kind, number=invoice.number, financial_year=invoice.financial_year,
        invoice_date=invoice.invoice_date, country=tenant.country, supply=gst.Supply(invoice.supply),
        seller_name=invoice.seller_name, seller_address=invoice.seller_address,
        seller_tax_id=invoice.seller_tax_id, seller_state=invoice.seller_state, party_id=invoice.party_id,
        buyer_name=invoice.buyer_name, buyer_address=invoice.buyer_address, buyer_gstin=invoice.buyer_gstin,
        place_of_supply=invoice.place_of_supply, sale_id=invoice.sale_id, original_id=invoice.original_id,
        original_number=original_number, reason=invoice.reason,
        lines=[InvoiceLineView(
            product_id=x.product_id, description=x.description, hsn_code=x.hsn_code, unit=x.unit,
            quantity=x.quantity, unit_price=x.unit_price, price_includes_tax=x.price_includes_tax,
            discount=x.discount, rate=x.rate, cess_rate=x.cess_rate, **x.amounts.as_dict()) for x in lines],
        round_off=invoice.round_off, paid=invoice.paid, credited=invoice.credited,
        due=max(invoice.total - invoice.paid - invoice.credited, _ZERO),
        status=invoice.status, upi_vpa=tenant.upi_vpa, **invoice.amounts.as_dict(),
    )


def get_invoice(ctx: Context, invoice_id: int) -> InvoiceView:
    """One invoice or credit note; customers see only their own."""
    with ctx.read() as session:
        invoice = session.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFound(what="invoice", ref=invoice_id)
        if ctx.actor.role is Role.CUSTOMER:
            ctx.actor.require_party_access(invoice.party_id or 0)
        else:
            ctx.actor.require(Permission.VIEW_SALES)
        return view_of(session, ctx.tenant(session), invoice)


def find_invoice(ctx: Context, number: str, financial_year: str | None = None) -> InvoiceView:
    """An invoice by its number (in the given financial year, else the latest with that number)."""
    with ctx.read() as session:
        query = select(Invoice.id).where(Invoice.number == number.strip())
        if financial_year is not None:
            query = query.where(Invoice.financial_year == financial_year)
        invoice_id = session.scalar(query.order_by(Invoice.id.desc()).limit(1))
    if invoice_id is None:
        raise NotFound(what="invoice", ref=number)
    return get_invoice(ctx, invoice_id)


def list_invoices(
    ctx: Context, *, after_id: int = 0, limit: int = 50, kind: InvoiceKind | None = None,
    status: InvoiceStatus | None = None, party_id: int | None = None, first_day: date | None = None,
    last_day: date | None = None,
) -> list[InvoiceView]:
    """Invoices and credit notes in id order after `after_id`, optionally of one kind, status, party or dates."""
    ctx.actor.require(Permission.VIEW_SALES)
    query = select(Invoice).where(Invoice.id > after_id).order_by(Invoice.id).limit(limit)
    for column, value in ((Invoice.kind, kind), (Invoice.status, status), (Invoice.party_id, party_id)):
        if value is not None:
            query = query.where(column == value)
    if first_day is not None:
        query = query.where(Invoice.invoice_date >= first_day)
    if last_day is not None:
        query = query.where(Invoice.invoice_date <= last_day)
    with ctx.read() as session:
        tenant = ctx.tenant(session)
        return [view_of(session, tenant, invoice) for invoice in session.scalars(query).all()]
