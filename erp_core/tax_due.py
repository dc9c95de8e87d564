"""What the owner asks in chat, "is mahine kitna GST bharna hai": the month's tax on sales, the input credit
of purchases, and what is left to pay, whichever tax the shop files.

An Indian shop gets its GSTR-3B figures for a calendar month (`gstr3b.gst_summary`); a Nepali shop its VAT
payable for a Bikram Sambat month of the fiscal year (`vat_purchase_book.vat_payable`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import nepali_datetime
from pydantic import BaseModel, ConfigDict

from erp_core import gstr3b, vat_purchase_book
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.enums import Country
from erp_core.fiscal_year import financial_year
from erp_core.ledger import business_date
from erp_core.permissions import Permission

_ZERO = Decimal("0.00")


class TaxDue(BaseModel):
    model_config = ConfigDict(frozen=True)
    tax: str
    """"GST" or "VAT"."""
    month: str
    """The month as the shop's calendar names it: `Nov 2026`, or `Mangsir 2083` in Bikram Sambat."""
    output_tax: Decimal
    input_credit: Decimal
    payable: Decimal
    """Cash to pay after the input credit is used."""
    credit_left: Decimal
    """Input credit carried forward to the next month."""


def tax_due(ctx: Context, previous_month: bool = False, today: date | None = None) -> TaxDue:
    """The shop's tax position for the current month of its calendar (or the one before)."""
    ctx.actor.require(Permission.VIEW_GST)
    with ctx.read() as session:
        tenant = ctx.tenant(session)
        country, today = tenant.country, today or business_date(tenant, utcnow())
    if country is Country.NP:
        return _vat_due(ctx, today, previous_month)
    year, month = (today.year, today.month) if not previous_month else \
        ((today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12))
    summary = gstr3b.gst_summary(ctx, year, month)
    return TaxDue(tax="GST", month=date(year, month, 1).strftime("%b %Y"), output_tax=summary.output_tax,
                  input_credit=summary.input_credit, payable=summary.cash_payable, credit_left=summary.credit_left)


def _vat_due(ctx: Context, today: date, previous_month: bool) -> TaxDue:
    bs = nepali_datetime.date.from_datetime_date(today)
    if previous_month:
        bs = nepali_datetime.date(bs.year, bs.month - 1, 1) if bs.month > 1 else nepali_datetime.date(bs.year - 1, 12, 1)
    fiscal_year = financial_year(Country.NP, bs.to_datetime_date()).label
    vat = vat_purchase_book.vat_payable(ctx, fiscal_year, bs.month)
    return TaxDue(tax="VAT", month=bs.strftime("%B %Y"), output_tax=vat.output_vat, input_credit=vat.input_vat,
                  payable=max(vat.payable, _ZERO), credit_left=max(-vat.payable, _ZERO))
