"""Stock: levels, the stock ledger, receipts, adjustments, returns, write-offs, counts, low stock, what to reorder,
demand forecasts and valuation."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from api.pagination import Page, PageQuery, page
from api.routing import Call, Resource
from api.types import Body, Id, Money, PositiveQuantity, SignedQuantity, StockQuantity
from erp_core import batches, inventory, reorder, stock_corrections
from erp_core.batches import ExpiringBatch
from erp_core.inventory import MovementResult, MovementView, StockLevel, Valuation
from erp_core.reorder import ProductForecast, ReorderLine
from erp_core.stock_corrections import StockCorrection

api = Resource("stock", "Stock")


class Receipt(Body):
    product_id: Id
    quantity: PositiveQuantity
    unit_cost: Money
    note: str = Field(default="", max_length=500)
    batch_no: str | None = Field(default=None, max_length=30)
    expiry_date: date | None = None


class ExpiringQuery(Body):
    within_days: int = Field(default=30, ge=1, le=366)
    """30, 60 or 90."""


class Expiring(BaseModel):
    batches: list[ExpiringBatch]


class Adjustment(Body):
    product_id: Id
    delta: SignedQuantity
    reason: str = Field(min_length=1, max_length=500)


class Return(Body):
    product_id: Id
    quantity: PositiveQuantity
    sale_id: Id | None = None
    note: str = Field(default="", max_length=500)


class WriteOff(Body):
    product_id: Id
    quantity: PositiveQuantity
    reason: Literal["damaged", "expired", "lost", "stolen", "own_use"]
    note: str = Field(default="", max_length=500)


class Count(Body):
    product_id: Id
    counted: StockQuantity
    note: str = Field(default="", max_length=500)


class LowStock(BaseModel):
    items: list[StockLevel]


@api.get("/stock", summary="Stock summary of active products", query=PageQuery, response=Page[StockLevel])
def stock_summary(call: Call) -> Page[StockLevel]:
    rows = inventory.stock_levels(call.ctx, after_id=call.query.position or 0, limit=call.query.limit + 1)
    return page(rows, call.query.limit, lambda s: s.product_id)


@api.get("/stock/low", summary="Products at or below their reorder point", response=LowStock)
def low_stock(call: Call) -> LowStock:
    return LowStock(items=inventory.low_stock(call.ctx))


class ReorderQuery(Body):
    all: bool = False
    """Also the products only monitored (enough stock for now)."""


class Reorder(BaseModel):
    items: list[ReorderLine]


class ForecastQuery(Body):
    days: int = Field(default=7, ge=1, le=90)


@api.get("/stock/reorder", summary="What to order: urgent and soon, from each product's demand forecast",
         query=ReorderQuery, response=Reorder)
def reorder_list(call: Call) -> Reorder:
    items = reorder.reorder_plan(call.ctx) if call.query.all else reorder.reorder_suggestions(call.ctx)
    return Reorder(items=items)


@api.get("/stock/<product_id:int>/forecast", summary="A product's expected sales over the next days, with an 80 % "
         "range", query=ForecastQuery, response=ProductForecast, errors=(404,))
def product_forecast(call: Call, product_id: int) -> ProductForecast:
    return reorder.product_forecast(call.ctx, product_id, call.query.days)


@api.get("/stock/expiring", summary="Batches expiring within 30, 60 or 90 days, or expired", query=ExpiringQuery,
         response=Expiring)
def expiring(call: Call) -> Expiring:
    return Expiring(batches=batches.expiring(call.ctx, call.query.within_days))


@api.get("/stock/valuation", summary="Stock value at weighted-average cost", response=Valuation)
def valuation(call: Call) -> Valuation:
    return inventory.valuation(call.ctx)


@api.get("/stock/<product_id:int>", summary="Stock of one product", response=StockLevel, errors=(404,))
def stock_of(call: Call, product_id: int) -> StockLevel:
    return inventory.stock_of(call.ctx, product_id)


@api.get("/stock/<product_id:int>/movements", summary="A product's stock ledger, newest first",
         query=PageQuery, response=Page[MovementView], errors=(404,))
def movements(call: Call, product_id: int) -> Page[MovementView]:
    rows = inventory.movement_page(call.ctx, product_id, before_id=call.query.position, limit=call.query.limit + 1)
    return page(rows, call.query.limit, lambda m: m.id)


@api.post("/stock/receipts", summary="Goods received (STOCK_IN)", body=Receipt, response=MovementResult, status=201,
          errors=(404, 422))
def receive(call: Call) -> MovementResult:
    b: Receipt = call.body
    return inventory.receive_stock(call.ctx, b.product_id, b.quantity, b.unit_cost, note=b.note,
                                   batch_no=b.batch_no, expiry_date=b.expiry_date,
                                   idempotency_key=call.idempotency_key)


@api.post("/stock/adjustments", summary="Correct stock after a count, breakage or expiry", body=Adjustment,
          response=MovementResult, status=201, errors=(404, 409, 422))
def adjust(call: Call) -> MovementResult:
    b: Adjustment = call.body
    return inventory.adjust_stock(call.ctx, b.product_id, b.delta, b.reason, idempotency_key=call.idempotency_key)


@api.post("/stock/returns", summary="Goods a customer brought back", body=Return, response=MovementResult,
          status=201, errors=(404, 422))
def customer_return(call: Call) -> MovementResult:
    b: Return = call.body
    return inventory.record_return(call.ctx, b.product_id, b.quantity, sale_id=b.sale_id, note=b.note,
                                   idempotency_key=call.idempotency_key)


@api.post("/stock/write-offs", summary="Goods damaged, expired, lost, stolen or used in the shop: out at cost",
          body=WriteOff, response=StockCorrection, status=201, errors=(404, 409, 422))
def write_off(call: Call) -> StockCorrection:
    b: WriteOff = call.body
    return stock_corrections.write_off(call.ctx, b.product_id, b.quantity, b.reason, note=b.note,
                                       idempotency_key=call.idempotency_key)


@api.post("/stock/counts", summary="The owner counted: book the difference to the counted figure",
          body=Count, response=StockCorrection, status=201, errors=(404, 409, 422))
def count(call: Call) -> StockCorrection:
    """A count that agrees with the ledger is booked too (a `delta` of 0), as the record that it was made."""
    b: Count = call.body
    return stock_corrections.count_stock(call.ctx, b.product_id, b.counted, note=b.note,
                                         idempotency_key=call.idempotency_key)
