"""Sales (bills): post one, list them, fetch one."""

from __future__ import annotations

from pydantic import Field

from api.orders import Line
from api.pagination import Page, PageQuery, page
from api.routing import Call, Resource
from api.types import Body, Id, Moment, Money
from erp_core import sales
from erp_core.enums import PaymentMode
from erp_core.sales import LineIn, SaleResult, SaleView

api = Resource("sales", "Sales")


class SaleLine(Line):
    batch_no: str | None = Field(default=None, max_length=30)
    """Take the goods from this batch (default: first-expiring first)."""


class SaleIn(Body):
    lines: list[SaleLine] = Field(min_length=1, max_length=200)
    party_id: Id | None = None
    discount: Money = 0
    payment_mode: PaymentMode = PaymentMode.CASH
    paid: Money | None = None
    """Defaults to the whole total (nothing for `credit`); the rest goes into the customer's khata."""
    allow_expired: bool = False
    """Sell goods of an expired batch (otherwise 409 `expired_stock`)."""


class SaleListQuery(PageQuery):
    party_id: Id | None = None
    start: Moment | None = None
    end: Moment | None = None


@api.get("/sales", summary="List bills", query=SaleListQuery, response=Page[SaleView])
def list_sales(call: Call) -> Page[SaleView]:
    q: SaleListQuery = call.query
    rows = sales.list_sales(call.ctx, after_id=q.position or 0, limit=q.limit + 1, party_id=q.party_id,
                            start=q.start, end=q.end)
    return page(rows, q.limit, lambda s: s.id)


@api.get("/sales/<sale_id:int>", summary="One bill with its lines", response=SaleView, errors=(404,))
def get_sale(call: Call, sale_id: int) -> SaleView:
    return sales.sale_details(call.ctx, sale_id)


@api.post("/sales", summary="Post a bill", body=SaleIn, response=SaleResult, status=201, errors=(404, 409, 422))
def post_sale(call: Call) -> SaleResult:
    b: SaleIn = call.body
    lines = [LineIn(product_id=x.product_id, quantity=x.quantity, unit_price=x.unit_price, batch_no=x.batch_no)
             for x in b.lines]
    return sales.post_sale(call.ctx, lines, party_id=b.party_id, discount=b.discount, payment_mode=b.payment_mode,
                           paid=b.paid, allow_expired=b.allow_expired, idempotency_key=call.idempotency_key)
