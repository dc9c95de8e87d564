"""Numbering series: `INV/{fy}/{n:04}` → `INV/25-26/0042`, gapless within the financial year.

Each kind of document (tax invoice, Bill of Supply, credit note) has a default
series, created on first use; a shop may add its own.
"""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.enums import InvoiceKind
from erp_core.errors import NotFound, ValidationError
from erp_core.fiscal_year import FinancialYear, financial_year
from erp_core.ledger import business_date
from erp_core.models import InvoiceSeries, Tenant
from erp_core.permissions import Permission
from erp_core.sequences import next_value

MAX_NUMBER_LENGTH = 16
_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/-]*$")
IRP_NUMBER = re.compile(r"^[A-Z1-9][A-Z0-9/-]{0,15}$")
"""A document number the IRP accepts (e-invoice schema 1.1, DocDtls.No): capitals, digits, / and -,
not starting with 0, / or -."""
_PATTERN = re.compile(r"^(?:[A-Za-z0-9/-]|\{fy\}|\{n(?::0[1-9])?\})+$")
DEFAULT_PATTERNS = {
    InvoiceKind.TAX_INVOICE: ("INV", "INV/{fy}/{n:04}"),
    InvoiceKind.BILL_OF_SUPPLY: ("BOS", "BOS/{fy}/{n:04}"),
    InvoiceKind.CREDIT_NOTE: ("CN", "CN/{fy}/{n:04}"),
}


class SeriesView(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    name: str
    kind: InvoiceKind
    pattern: str
    is_default: bool


def render_number(pattern: str, fy: FinancialYear, n: int) -> str:
    """The invoice number a series pattern gives: `INV/{fy}/{n:04}` → `INV/25-26/0042`."""
    number = pattern.format(fy=fy.short, n=n)
    if len(number) > MAX_NUMBER_LENGTH:
        raise ValidationError(field="number", reason=f"{number} is longer than {MAX_NUMBER_LENGTH} characters")
    if not _NUMBER.match(number):
        raise ValidationError(field="number", reason=f"{number} must start with a letter or digit and use only "
                                                     "letters, digits, - and /")
    return number


def check_for_e_invoicing(name: str, pattern: str, fy: FinancialYear) -> None:
    """`ValidationError` unless every number the series `pattern` gives this year is one the IRP accepts."""
    for n in (1, 9999):
        number = render_number(pattern, fy, n)
        if not IRP_NUMBER.match(number):
            raise ValidationError(field="pattern", reason=(
                f"series {name} gives numbers like {number}, which the e-invoice portal refuses: use capital "
                "letters, digits, / and -, and do not start with 0"))


def e_invoicing_series(session: Session) -> list[InvoiceSeries]:
    """The shop's series whose documents go to the IRP: tax invoices and credit notes."""
    return list(session.scalars(select(InvoiceSeries).where(
        InvoiceSeries.kind.in_([InvoiceKind.TAX_INVOICE, InvoiceKind.CREDIT_NOTE])).order_by(InvoiceSeries.id)))


def add_series(
    ctx: Context, name: str, pattern: str, kind: InvoiceKind | str = InvoiceKind.TAX_INVOICE, *,
    default: bool = False, idempotency_key: str | None = None,
) -> SeriesView:
    """Add a numbering series; `pattern` uses `{fy}` (`25-26`) and `{n}` or `{n:04}` (the running number)."""
    ctx.actor.require(Permission.MANAGE_USERS)
    kind = InvoiceKind(kind)
    name = name.strip()
    if not name or len(name) > 20:
        raise ValidationError(field="name", reason="a series name has 1 to 20 characters")
    if not _PATTERN.match(pattern) or "{n" not in pattern:
        raise ValidationError(field="pattern", reason="use letters, digits, - and /, with {n} and optionally {fy}")
    request = {"name": name, "pattern": pattern, "kind": kind, "default": default}

    def work(session: Session) -> SeriesView:
        tenant = ctx.tenant(session)
        # the longest number this year's series could give must still be a valid GST invoice number
        fy = year_of(tenant, utcnow())
        render_number(pattern, fy, 9999)
        if tenant.e_invoicing and kind is not InvoiceKind.BILL_OF_SUPPLY:
            check_for_e_invoicing(name, pattern, fy)
        if session.scalar(select(InvoiceSeries.id).where(InvoiceSeries.name == name)) is not None:
            raise ValidationError(field="name", reason=f"there is already a series {name}")
        if default:
            for other in session.scalars(select(InvoiceSeries).where(InvoiceSeries.kind == kind)):
                other.is_default = False
        series = InvoiceSeries(name=name, kind=kind, pattern=pattern, is_default=default)
        session.add(series)
        session.flush()
        return SeriesView(id=series.id, name=series.name, kind=series.kind, pattern=series.pattern,
                          is_default=series.is_default)

    return ctx.run("invoice.series", request, work, SeriesView, idempotency_key)


def year_of(tenant: Tenant, at: datetime) -> FinancialYear:
    """The shop's financial year on the business date of `at`."""
    return financial_year(tenant.country, business_date(tenant, at))


def next_number(
    session: Session, tenant: Tenant, kind: InvoiceKind, series_name: str | None, at: datetime
) -> tuple[InvoiceSeries, FinancialYear, str]:
    """The series a new document of `kind` takes its number from, the financial year, and the number."""
    series = _series(session, kind, series_name)
    fy = year_of(tenant, at)
    return series, fy, render_number(series.pattern, fy, next_value(session, f"invoice:{series.id}:{fy.label}"))


def _series(session: Session, kind: InvoiceKind, name: str | None) -> InvoiceSeries:
    if name is not None:
        series = session.scalar(select(InvoiceSeries).where(InvoiceSeries.name == name))
        if series is None:
            raise NotFound(what="series", ref=name)
        if (series.kind is InvoiceKind.CREDIT_NOTE) != (kind is InvoiceKind.CREDIT_NOTE):
            raise ValidationError(field="series", reason=f"series {name} is for {series.kind.value} documents")
        return series
    query = select(InvoiceSeries).where(InvoiceSeries.kind == kind).order_by(
        InvoiceSeries.is_default.desc(), InvoiceSeries.id)
    series = session.scalars(query.limit(1)).first()
    if series is None:
        # Two first invoices may race to create the default series: one insert wins.
        default_name, pattern = DEFAULT_PATTERNS[kind]
        dialect_insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(dialect_insert(InvoiceSeries).values(
            tenant_id=session.info["tenant_id"], name=default_name, kind=kind, pattern=pattern, is_default=True,
        ).on_conflict_do_nothing(index_elements=["tenant_id", "name"]))
        series = session.scalars(query.limit(1)).first()
    return series
