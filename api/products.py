"""Products: the catalog, with fuzzy search in any script, and price changes with their history."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from api.pagination import Page, PageQuery, page
from api.routing import Call, Resource
from api.types import Body, Money, Rate, StockQuantity
from erp_core import catalog, prices
from erp_core.catalog import ProductMatch, ProductRef, ProductView
from erp_core.enums import Unit
from erp_core.prices import PriceChangeView

api = Resource("products", "Products")


Alias = Annotated[str, Field(min_length=1, max_length=200)]


class ProductIn(Body):
    sku: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    unit: Unit
    selling_price: Money
    cost_price: Money = 0
    mrp: Money | None = None
    hsn_code: str | None = Field(default=None, pattern=r"^(\d{4}|\d{6}|\d{8})$")
    gst_rate: Rate = 0
    reorder_point: StockQuantity | None = None
    lead_time_days: int = Field(default=0, ge=0, le=365)
    aliases: list[Alias] = Field(default=[], max_length=50)


class ProductChange(Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    selling_price: Money | None = None
    cost_price: Money | None = None
    mrp: Money | None = None
    hsn_code: str | None = Field(default=None, pattern=r"^(\d{4}|\d{6}|\d{8})$")
    gst_rate: Rate | None = None
    reorder_point: StockQuantity | None = None
    lead_time_days: int | None = Field(default=None, ge=0, le=365)
    active: bool | None = None
    barcode: str | None = Field(default=None, max_length=40)
    """EAN/UPC (check digit checked) or the shop's own code; `""` removes it."""


class ProductListQuery(PageQuery):
    include_inactive: bool = False


class SearchQuery(Body):
    q: str = Field(min_length=1, max_length=200)
    limit: int = Field(default=5, ge=1, le=50)


class SearchResult(BaseModel):
    matches: list[ProductMatch]


@api.get("/products", summary="List products", query=ProductListQuery, response=Page[ProductView])
def list_products(call: Call) -> Page[ProductView]:
    q: ProductListQuery = call.query
    rows = catalog.list_products(call.ctx, after_id=q.position or 0, limit=q.limit + 1,
                                 include_inactive=q.include_inactive)
    return page(rows, q.limit, lambda p: p.id)


@api.get("/products/search", summary="Find products by name in any script", query=SearchQuery,
         response=SearchResult)
def search_products(call: Call) -> SearchResult:
    """Fuzzy lookup ("chawal", "चावल", "rice"), best match first."""
    return SearchResult(matches=catalog.find_products(call.ctx, call.query.q, call.query.limit))


@api.get("/products/barcode/<code:str>", summary="The product with this barcode, looked up exactly",
         response=ProductRef, errors=(404,))
def by_barcode(call: Call, code: str) -> ProductRef:
    return catalog.find_by_barcode(call.ctx, code)


@api.get("/products/<product_id:int>", summary="One product", response=ProductView, errors=(404,))
def get_product(call: Call, product_id: int) -> ProductView:
    return catalog.product_details(call.ctx, product_id)


@api.post("/products", summary="Add a product", body=ProductIn, response=ProductView, status=201, errors=(422,))
def add_product(call: Call) -> ProductView:
    b: ProductIn = call.body
    ref = catalog.add_product(
        call.ctx, sku=b.sku, name=b.name, unit=b.unit, selling_price=b.selling_price, cost_price=b.cost_price,
        mrp=b.mrp, hsn_code=b.hsn_code, gst_rate=b.gst_rate, reorder_point=b.reorder_point or 0,
        lead_time_days=b.lead_time_days, aliases=b.aliases, idempotency_key=call.idempotency_key,
    )
    return catalog.product_details(call.ctx, ref.id)


@api.patch("/products/<product_id:int>", summary="Change a product", body=ProductChange, response=ProductView,
           errors=(404, 422))
def change_product(call: Call, product_id: int) -> ProductView:
    """Only the fields sent change; `active: false` stops selling it."""
    return catalog.update_product(call.ctx, product_id, **call.body.model_dump(exclude_none=True))


@api.delete("/products/<product_id:int>", summary="Stop selling a product", response=ProductView, errors=(404,))
def deactivate_product(call: Call, product_id: int) -> ProductView:
    """Products are never deleted (their history stays); this deactivates it."""
    catalog.deactivate_product(call.ctx, product_id)
    return catalog.product_details(call.ctx, product_id)



class PriceIn(Body):
    selling_price: Money | None = None
    mrp: Money | None = None


class PriceHistory(BaseModel):
    items: list[PriceChangeView]


@api.post("/products/<product_id:int>/prices", summary="Change a product's selling price or MRP",
          body=PriceIn, response=PriceChangeView, status=201, errors=(404, 422))
def change_price(call: Call, product_id: int) -> PriceChangeView:
    """The change joins the product's price history; bills already made keep their prices. A selling price
    above the MRP is refused."""
    return prices.update_price(call.ctx, product_id, selling_price=call.body.selling_price, mrp=call.body.mrp,
                               idempotency_key=call.idempotency_key)


@api.get("/products/<product_id:int>/prices", summary="A product's price changes, newest first",
         response=PriceHistory, errors=(404,))
def price_history(call: Call, product_id: int) -> PriceHistory:
    return PriceHistory(items=prices.price_history(call.ctx, product_id))
