"""Nepal's VAT purchase book (खरिद खाता, VAT Rules Schedule 8) beside the sales book, and the VAT payable.

One row per supplier bill (and per debit note, subtracting) of a Bikram Sambat month or a whole fiscal year:
date (BS), bill number, supplier, supplier's PAN, goods, quantity and unit, total purchases excluding VAT,
exempt purchases, taxable purchases and VAT. Imports are not supported yet (their columns would stay empty).
`vat_payable` is the sales book's VAT less the purchase book's, for the same period: what the shop pays the
IRD, or, when negative, the credit it carries forward.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import nepali_datetime
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from erp_core.context import Context
from erp_core.enums import Country, PurchaseKind
from erp_core.errors import ValidationError
from erp_core.fiscal_year import SHRAWAN, nepali_period
from erp_core.models import Party
from erp_core.models.purchases import PurchaseBill, PurchaseLine
from erp_core.permissions import Permission
from erp_core.vat_sales_book import sales_book

_ZERO = Decimal("0.00")
HEADER = ["मिति (Date)", "बीजक नम्बर (Bill No)", "आपूर्तिकर्ताको नाम (Supplier)",
          "आपूर्तिकर्ताको स्थायी लेखा नम्बर (Supplier PAN)", "वस्तु वा सेवाको नाम (Goods/Services)",
          "परिमाण (Quantity)", "एकाई (Unit)", "जम्मा खरिद (Total purchases)", "कर छुटको खरिद (Exempt purchases)",
          "करयोग्य खरिद (Taxable purchases)", "कर (VAT)"]


class PurchaseBookRow(BaseModel):
    model_config = ConfigDict(frozen=True)
    date_bs: str
    number: str
    kind: PurchaseKind
    supplier_name: str
    supplier_pan: str
    goods: str
    total_purchases: Decimal
    exempt_purchases: Decimal
    taxable_purchases: Decimal
    vat: Decimal
    itc_eligible: bool


class PurchaseBook(BaseModel):
    model_config = ConfigDict(frozen=True)
    fiscal_year: str
    month: int | None
    rows: list[PurchaseBookRow]
    total_purchases: Decimal
    exempt_purchases: Decimal
    taxable_purchases: Decimal
    vat: Decimal
    creditable_vat: Decimal
    """The VAT that is input credit: bills to a VAT-registered shop."""


class VatPayable(BaseModel):
    model_config = ConfigDict(frozen=True)
    fiscal_year: str
    month: int | None
    output_vat: Decimal
    input_vat: Decimal
    payable: Decimal
    """Output less input; negative: credit carried forward."""


def _bounds(fiscal_year: str, month: int | None) -> tuple[date, date]:
    """The Gregorian first and last days of a Nepali fiscal year (`2082-83`) or of one BS month in it."""
    year, month = nepali_period(fiscal_year, month)
    if month is None:
        start, after = nepali_datetime.date(year, SHRAWAN, 1), nepali_datetime.date(year + 1, SHRAWAN, 1)
    else:
        start = nepali_datetime.date(year, month, 1)
        after = nepali_datetime.date(year + (month == 12), month % 12 + 1, 1)
    return start.to_datetime_date(), after.to_datetime_date() - timedelta(days=1)


def purchase_book(ctx: Context, fiscal_year: str, month: int | None = None) -> PurchaseBook:
    """The purchase book of a Nepali fiscal year (`2082-83`), or of one Bikram Sambat month in it."""
    ctx.actor.require(Permission.VIEW_GST)
    first, last = _bounds(fiscal_year, month)
    with ctx.read() as session:
        if ctx.tenant(session).country is not Country.NP:
            raise ValidationError(field="country", reason="the VAT purchase book is a Nepali register")
        bills = session.execute(select(PurchaseBill, Party.name).join(Party, Party.id == PurchaseBill.supplier_id)
                                .where(PurchaseBill.bill_date >= first, PurchaseBill.bill_date <= last)
                                .order_by(PurchaseBill.bill_date, PurchaseBill.id)).all()
        lines: dict[int, list[PurchaseLine]] = {}
        for line in session.scalars(select(PurchaseLine).where(
                PurchaseLine.bill_id.in_([bill.id for bill, _ in bills])).order_by(PurchaseLine.id)):
            lines.setdefault(line.bill_id, []).append(line)
    rows = []
    for bill, name in bills:
        sign = -1 if bill.kind is PurchaseKind.DEBIT_NOTE else 1
        exempt = sum((line.taxable_value for line in lines.get(bill.id, []) if not line.vat), _ZERO)
        rows.append(PurchaseBookRow(
            date_bs=nepali_datetime.date.from_datetime_date(bill.bill_date).strftime("%Y.%m.%d"),
            number=bill.bill_number, kind=bill.kind, supplier_name=name, supplier_pan=bill.supplier_gstin or "",
            goods=", ".join(line.description for line in lines.get(bill.id, [])),
            total_purchases=sign * bill.taxable_value, exempt_purchases=sign * exempt,
            taxable_purchases=sign * (bill.taxable_value - exempt), vat=sign * bill.vat,
            itc_eligible=bill.itc_eligible))
    return PurchaseBook(fiscal_year=fiscal_year, month=month, rows=rows,
                        total_purchases=sum((r.total_purchases for r in rows), _ZERO),
                        exempt_purchases=sum((r.exempt_purchases for r in rows), _ZERO),
                        taxable_purchases=sum((r.taxable_purchases for r in rows), _ZERO),
                        vat=sum((r.vat for r in rows), _ZERO),
                        creditable_vat=sum((r.vat for r in rows if r.itc_eligible), _ZERO))


def purchase_book_csv(book: PurchaseBook) -> str:
    """The purchase book as CSV, with a closing total row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for row in book.rows:
        writer.writerow([row.date_bs, row.number, row.supplier_name, row.supplier_pan, row.goods, "", "",
                         f"{row.total_purchases:f}", f"{row.exempt_purchases:f}", f"{row.taxable_purchases:f}",
                         f"{row.vat:f}"])
    writer.writerow(["", "", "जम्मा (Total)", "", "", "", "", f"{book.total_purchases:f}",
                     f"{book.exempt_purchases:f}", f"{book.taxable_purchases:f}", f"{book.vat:f}"])
    return buffer.getvalue()


def vat_payable(ctx: Context, fiscal_year: str, month: int | None = None) -> VatPayable:
    """The VAT to pay for a period: the sales book's VAT less the creditable VAT of the purchase book."""
    output = sales_book(ctx, fiscal_year, month).vat
    credit = purchase_book(ctx, fiscal_year, month).creditable_vat
    return VatPayable(fiscal_year=fiscal_year, month=month, output_vat=output, input_vat=credit,
                      payable=output - credit)
