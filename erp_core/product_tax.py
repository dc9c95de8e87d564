"""A product's tax: its HSN code, GST rate (VAT in Nepal), cess, and whether its price includes tax.

Beside the catalog (`erp_core.catalog`): the product is the catalog's, the tax
figures on it are read by `erp_core.invoices` when it prices a line.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from erp_core.context import Context
from erp_core.errors import UnknownProduct
from erp_core.ids import hsn
from erp_core.models import Product
from erp_core.permissions import Permission
from erp_core.values import rate


class ProductTax(BaseModel):
    model_config = ConfigDict(frozen=True)
    product_id: int
    hsn_code: str | None
    gst_rate: Decimal
    cess_rate: Decimal
    price_includes_tax: bool | None


def set_product_tax(
    ctx: Context,
    product_id: int,
    *,
    hsn_code: str | None = None,
    gst_rate: Decimal | int | str | None = None,
    cess_rate: Decimal | int | str | None = None,
    price_includes_tax: bool | None = None,
    idempotency_key: str | None = None,
) -> ProductTax:
    """Set a product's HSN code, tax rate (GST, or VAT in Nepal), cess and whether its price includes tax."""
    ctx.actor.require(Permission.MANAGE_CATALOG)
    request = {"product_id": product_id, "hsn_code": hsn.validate(hsn_code) if hsn_code else None,
               "gst_rate": None if gst_rate is None else rate(gst_rate),
               "cess_rate": None if cess_rate is None else rate(cess_rate, "cess_rate"),
               "price_includes_tax": price_includes_tax}

    def work(session: Session) -> ProductTax:
        product = session.get(Product, product_id)
        if product is None:
            raise UnknownProduct(query=str(product_id))
        for field in ("hsn_code", "gst_rate", "cess_rate"):
            if request[field] is not None:
                setattr(product, field, request[field])
        if price_includes_tax is not None:
            product.price_includes_tax = price_includes_tax
        return ProductTax(product_id=product.id, hsn_code=product.hsn_code, gst_rate=product.gst_rate,
                          cess_rate=product.cess_rate, price_includes_tax=product.price_includes_tax)

    return ctx.run("product.tax", request, work, ProductTax, idempotency_key)
