"""How a shop invoices: composition scheme (Bill of Supply), MRP-style prices, its UPI id.

These are settings of the tenant (`Tenant.gst_composition`, `prices_include_tax`,
`upi_vpa`); `erp_core.invoices` reads them when it issues a document.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from erp_core.context import Context
from erp_core.ids import vpa
from erp_core.permissions import Permission


class InvoicingSettings(BaseModel):
    model_config = ConfigDict(frozen=True)
    gst_composition: bool
    prices_include_tax: bool
    upi_vpa: str | None


def configure_invoicing(
    ctx: Context,
    *,
    gst_composition: bool | None = None,
    prices_include_tax: bool | None = None,
    upi_vpa: str | None = None,
    idempotency_key: str | None = None,
) -> InvoicingSettings:
    """Set how the shop invoices: composition scheme (Bill of Supply), MRP-style prices, its UPI id."""
    ctx.actor.require(Permission.MANAGE_USERS)
    address = vpa.validate(upi_vpa) if upi_vpa else None
    request = {"gst_composition": gst_composition, "prices_include_tax": prices_include_tax, "upi_vpa": address}

    def work(session: Session) -> InvoicingSettings:
        tenant = ctx.tenant(session)
        if gst_composition is not None:
            tenant.gst_composition = gst_composition
        if prices_include_tax is not None:
            tenant.prices_include_tax = prices_include_tax
        if address is not None:
            tenant.upi_vpa = address
        return InvoicingSettings(gst_composition=tenant.gst_composition,
                                 prices_include_tax=tenant.prices_include_tax, upi_vpa=tenant.upi_vpa)

    return ctx.run("invoicing.configure", request, work, InvoicingSettings, idempotency_key)
