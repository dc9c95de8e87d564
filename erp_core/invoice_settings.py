"""How a shop invoices: composition scheme (Bill of Supply), MRP-style prices, its UPI id, e-invoicing.

These are settings of the tenant (`Tenant.gst_composition`, `prices_include_tax`,
`upi_vpa`, `e_invoicing`); `erp_core.invoices` reads them when it issues a document.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.ids import vpa
from erp_core.invoice_series import check_for_e_invoicing, e_invoicing_series, year_of
from erp_core.permissions import Permission


class InvoicingSettings(BaseModel):
    model_config = ConfigDict(frozen=True)
    gst_composition: bool
    prices_include_tax: bool
    upi_vpa: str | None
    e_invoicing: bool


def configure_invoicing(
    ctx: Context,
    *,
    gst_composition: bool | None = None,
    prices_include_tax: bool | None = None,
    upi_vpa: str | None = None,
    e_invoicing: bool | None = None,
    idempotency_key: str | None = None,
) -> InvoicingSettings:
    """Set how the shop invoices: composition scheme (Bill of Supply), MRP-style prices, its UPI id, and
    e-invoicing (refused while a tax-invoice or credit-note series gives numbers the IRP would refuse)."""
    ctx.actor.require(Permission.MANAGE_USERS)
    address = vpa.validate(upi_vpa) if upi_vpa else None
    request = {"gst_composition": gst_composition, "prices_include_tax": prices_include_tax, "upi_vpa": address,
               "e_invoicing": e_invoicing}

    def work(session: Session) -> InvoicingSettings:
        tenant = ctx.tenant(session)
        if gst_composition is not None:
            tenant.gst_composition = gst_composition
        if prices_include_tax is not None:
            tenant.prices_include_tax = prices_include_tax
        if address is not None:
            tenant.upi_vpa = address
        if e_invoicing:
            fy = year_of(tenant, utcnow())
            for series in e_invoicing_series(session):
                check_for_e_invoicing(series.name, series.pattern, fy)
        if e_invoicing is not None:
            tenant.e_invoicing = e_invoicing
        return InvoicingSettings(gst_composition=tenant.gst_composition,
                                 prices_include_tax=tenant.prices_include_tax, upi_vpa=tenant.upi_vpa,
                                 e_invoicing=tenant.e_invoicing)

    return ctx.run("invoicing.configure", request, work, InvoicingSettings, idempotency_key)
