"""Nepal's VAT sales book (बिक्री खाता, VAT Rules Schedule 9): every tax invoice and credit note of
a Bikram Sambat month, or of a whole fiscal year (Shrawan 1 to Ashadh end), one row each.

Columns as IRD lists them: date (BS, `2082.04.01`), invoice number, purchaser, purchaser's PAN,
goods, quantity and unit, total sales excluding VAT, exempt sales, taxable sales and VAT.
Credit notes subtract. The round-off is not a sale and stays out of every column.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import nepali_datetime
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from erp_core.context import Context
from erp_core.enums import Country, InvoiceKind
from erp_core.errors import ValidationError
from erp_core.fiscal_year import nepali_period
from erp_core.invoice_views import InvoiceView, get_invoice
from erp_core.models import Invoice
from erp_core.permissions import Permission

_ZERO = Decimal("0.00")
HEADER = ["मिति (Date)", "बीजक नम्बर (Invoice No)", "खरिदकर्ताको नाम (Purchaser)",
          "खरिदकर्ताको स्थायी लेखा नम्बर (Purchaser PAN)", "वस्तु वा सेवाको नाम (Goods/Services)",
          "परिमाण (Quantity)", "एकाई (Unit)", "जम्मा बिक्री (Total sales)", "कर छुटको बिक्री (Exempt sales)",
          "करयोग्य बिक्री (Taxable sales)", "कर (VAT)"]


class SalesBookRow(BaseModel):
    model_config = ConfigDict(frozen=True)
    date_bs: str
    number: str
    kind: InvoiceKind
    buyer_name: str
    buyer_pan: str
    goods: str
    quantity: Decimal | None
    unit: str
    total_sales: Decimal
    exempt_sales: Decimal
    taxable_sales: Decimal
    vat: Decimal


class SalesBook(BaseModel):
    model_config = ConfigDict(frozen=True)
    fiscal_year: str
    month: int | None
    """The Bikram Sambat month (1 Baisakh … 12 Chaitra), or None for the whole fiscal year."""
    seller_pan: str | None
    rows: list[SalesBookRow]
    total_sales: Decimal
    exempt_sales: Decimal
    taxable_sales: Decimal
    vat: Decimal


def _period(fiscal_year: str, month: int | None) -> tuple[str, tuple[str, str] | None]:
    """The fiscal year label and, for a month, its first and last BS dates as `YYYY.MM.DD` bounds."""
    year, month = nepali_period(fiscal_year, month)
    if month is None:
        return fiscal_year, None
    return fiscal_year, (f"{year}.{month:02d}.01", f"{year}.{month:02d}.32")


def _row(invoice: InvoiceView) -> SalesBookRow:
    sign = -1 if invoice.kind is InvoiceKind.CREDIT_NOTE else 1
    exempt = sum((line.taxable_value for line in invoice.lines if not line.vat), _ZERO)
    taxable = invoice.taxable_value - exempt
    units = {line.unit for line in invoice.lines}
    return SalesBookRow(
        date_bs=nepali_datetime.date.from_datetime_date(invoice.invoice_date).strftime("%Y.%m.%d"),
        number=invoice.number, kind=invoice.kind, buyer_name=invoice.buyer_name, buyer_pan="",
        goods=", ".join(line.description for line in invoice.lines),
        quantity=sign * sum(line.quantity for line in invoice.lines) if len(units) == 1 else None,
        unit=units.pop() if len(units) == 1 else "",
        total_sales=sign * invoice.taxable_value, exempt_sales=sign * exempt, taxable_sales=sign * taxable,
        vat=sign * invoice.vat)


def sales_book(ctx: Context, fiscal_year: str, month: int | None = None) -> SalesBook:
    """The sales book of a Nepali fiscal year (`2082-83`), or of one Bikram Sambat month in it."""
    ctx.actor.require(Permission.VIEW_SALES)
    label, bounds = _period(fiscal_year, month)
    with ctx.read() as session:
        tenant = ctx.tenant(session)
        if tenant.country is not Country.NP:
            raise ValidationError(field="country", reason="the VAT sales book is a Nepali register")
        ids = session.scalars(select(Invoice.id).where(
            Invoice.financial_year == label,
            Invoice.kind.in_([InvoiceKind.TAX_INVOICE, InvoiceKind.CREDIT_NOTE])).order_by(Invoice.id)).all()
        seller_pan = tenant.pan
    rows = [_row(get_invoice(ctx, invoice_id)) for invoice_id in ids]
    if bounds is not None:
        rows = [row for row in rows if bounds[0] <= row.date_bs <= bounds[1]]
    rows.sort(key=lambda row: row.date_bs)  # stable: in the order issued within a day
    return SalesBook(fiscal_year=label, month=month, seller_pan=seller_pan, rows=rows,
                     total_sales=sum((r.total_sales for r in rows), _ZERO),
                     exempt_sales=sum((r.exempt_sales for r in rows), _ZERO),
                     taxable_sales=sum((r.taxable_sales for r in rows), _ZERO), vat=sum((r.vat for r in rows), _ZERO))


def sales_book_csv(book: SalesBook) -> str:
    """The sales book as CSV, with a closing total row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for row in book.rows:
        writer.writerow([row.date_bs, row.number, row.buyer_name, row.buyer_pan, row.goods,
                         "" if row.quantity is None else f"{row.quantity:f}", row.unit, f"{row.total_sales:f}",
                         f"{row.exempt_sales:f}", f"{row.taxable_sales:f}", f"{row.vat:f}"])
    writer.writerow(["", "", "जम्मा (Total)", "", "", "", "", f"{book.total_sales:f}", f"{book.exempt_sales:f}",
                     f"{book.taxable_sales:f}", f"{book.vat:f}"])
    return buffer.getvalue()
