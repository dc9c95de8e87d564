"""Reports over the sales book (`erp_core.sales_book`): a period's sales, the day's summary, sales by day, week
or month, profit, and the best and slowest sellers, in the shop's calendar.

Every figure is gross, what buyers were charged (tax included), except net sales and
gross profit, which leave the GST or VAT out.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erp_core.context import Context
from erp_core.errors import ValidationError
from erp_core.models import Payment, Product, StockMovement
from erp_core.permissions import Permission
from erp_core.sales_book import SaleDocument, sales_book

MAX_BUCKETS = 400
MAX_TOP = 50
_ZERO = Decimal("0.00")


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class SalesSummary(BaseModel):
    model_config = ConfigDict(frozen=True)
    bills: int
    """Sales: counter bills, invoices and dispatched orders."""
    returns: int
    """Credit notes: goods that came back."""
    total: Decimal
    paid: Decimal
    due: Decimal
    profit: Decimal | None
    """Gross profit (net sales less cost of goods); None for people who may not see profit."""


class DailySummary(BaseModel):
    model_config = ConfigDict(frozen=True)
    day: date
    bills: int
    returns: int
    sales_total: Decimal
    paid_at_counter: Decimal
    new_dues: Decimal
    payments_received: Decimal
    """Payments booked that day, including those made with a bill."""
    profit: Decimal | None


class PeriodSales(BaseModel):
    model_config = ConfigDict(frozen=True)
    start: date
    bills: int
    returns: int
    total: Decimal
    due: Decimal


class ProfitSummary(BaseModel):
    model_config = ConfigDict(frozen=True)
    first: date
    last: date
    sales: Decimal
    """Gross: what buyers were charged, tax included, less returns."""
    tax: Decimal
    """The GST or VAT in `sales`."""
    net_sales: Decimal
    cost_of_goods: Decimal
    """At the weighted-average cost the goods left the stock with."""
    gross_profit: Decimal
    margin: Decimal | None
    """Gross profit as a percentage of net sales (2 decimals); None without net sales."""


class ProductSales(BaseModel):
    model_config = ConfigDict(frozen=True)
    product_id: int
    name: str
    quantity: Decimal
    """In the product's own unit, less returns."""
    value: Decimal
    """Gross, less returns."""


class TopProducts(BaseModel):
    model_config = ConfigDict(frozen=True)
    first: date
    last: date
    best_by_quantity: list[ProductSales]
    best_by_value: list[ProductSales]
    slowest_by_quantity: list[ProductSales]
    """Products in stock during the period, those that sold least first (unsold ones at 0)."""
    slowest_by_value: list[ProductSales]


def _check_range(first: date, last: date) -> None:
    if last < first:
        raise ValidationError(field="to", reason="the end is before the start")


def _day_bounds(ctx: Context, first: date, last: date) -> tuple[datetime, datetime, ZoneInfo]:
    with ctx.read() as session:
        zone = ZoneInfo(ctx.tenant(session).timezone)
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0), zone)
    return start, end, zone


def _summary(ctx: Context, documents: list[SaleDocument]) -> SalesSummary:
    def total(figure: str) -> Decimal:
        return sum((getattr(d, figure) for d in documents), _ZERO)

    returns = sum(1 for d in documents if d.is_return)
    profit = total("net") - total("cost") if ctx.actor.can(Permission.VIEW_PROFIT) else None
    return SalesSummary(bills=len(documents) - returns, returns=returns, total=total("total"), paid=total("paid"),
                        due=total("due"), profit=profit)


def sales_summary(ctx: Context, start: datetime, end: datetime) -> SalesSummary:
    """Sales from `start` (inclusive) to `end` (exclusive), however made; profit only for those allowed to see it."""
    return _summary(ctx, sales_book(ctx, start, end))


def daily_summary(ctx: Context, day: date) -> DailySummary:
    """Sales, money in and new dues of one business day (midnight to midnight, shop time)."""
    ctx.actor.require(Permission.VIEW_SALES)
    start, end, _ = _day_bounds(ctx, day, day)
    sales = sales_summary(ctx, start, end)
    with ctx.read() as session:
        received = session.scalar(select(func.sum(Payment.amount))
                                  .where(Payment.received_at >= start, Payment.received_at < end))
    return DailySummary(day=day, bills=sales.bills, returns=sales.returns, sales_total=sales.total,
                        paid_at_counter=sales.paid, new_dues=sales.due, payments_received=received or _ZERO,
                        profit=sales.profit)


def _bucket(day: date, period: Period) -> date:
    if period is Period.WEEK:
        return day - timedelta(days=day.weekday())
    if period is Period.MONTH:
        return day.replace(day=1)
    return day


def sales_by_period(ctx: Context, first: date, last: date, period: Period | str = Period.DAY) -> list[PeriodSales]:
    """Sales from `first` to `last` (inclusive) in day, week (from Monday) or month buckets; empty ones too."""
    ctx.actor.require(Permission.VIEW_SALES)
    try:
        period = Period(period)
    except ValueError:
        raise ValidationError(field="period", reason="day, week or month") from None
    _check_range(first, last)
    if (last - first).days > MAX_BUCKETS * (31 if period is Period.MONTH else 7 if period is Period.WEEK else 1):
        raise ValidationError(field="to", reason="that is too long a range for one report")
    start, end, zone = _day_bounds(ctx, first, last)
    buckets: dict[date, list[SaleDocument]] = {}
    day = first
    while day <= last:
        buckets.setdefault(_bucket(day, period), [])
        day += timedelta(days=1)
    for document in sales_book(ctx, start, end):
        buckets[_bucket(document.at.astimezone(zone).date(), period)].append(document)
    summaries = {key: _summary(ctx, documents) for key, documents in buckets.items()}
    return [PeriodSales(start=key, bills=s.bills, returns=s.returns, total=s.total, due=s.due)
            for key, s in sorted(summaries.items())]


def profit_summary(ctx: Context, first: date, last: date) -> ProfitSummary:
    """Sales, cost of goods sold, gross profit and margin from `first` to `last` (inclusive, shop time).

    For owners and managers: staff get `PermissionDenied`.
    """
    ctx.actor.require(Permission.VIEW_PROFIT)
    _check_range(first, last)
    start, end, _ = _day_bounds(ctx, first, last)
    documents = sales_book(ctx, start, end)
    sales = sum((d.total for d in documents), _ZERO)
    tax = sum((d.tax for d in documents), _ZERO)
    cost = sum((d.cost for d in documents), _ZERO)
    net = sales - tax
    margin = ((net - cost) * 100 / net).quantize(Decimal("0.01"), ROUND_HALF_UP) if net else None
    return ProfitSummary(first=first, last=last, sales=sales, tax=tax, net_sales=net, cost_of_goods=cost,
                         gross_profit=net - cost, margin=margin)


def top_products(ctx: Context, first: date, last: date, limit: int = 5) -> TopProducts:
    """The best and the slowest sellers from `first` to `last` (inclusive), by quantity and by gross value.

    The slowest include products that were in stock in the period but did not sell.
    Quantities of different units (kg, pieces) are compared as numbers.
    """
    ctx.actor.require(Permission.VIEW_SALES)
    _check_range(first, last)
    if not 1 <= limit <= MAX_TOP:
        raise ValidationError(field="limit", reason=f"from 1 to {MAX_TOP}")
    start, end, _ = _day_bounds(ctx, first, last)
    sold: dict[int, list] = defaultdict(lambda: [_ZERO, _ZERO])
    for document in sales_book(ctx, start, end):
        for line in document.lines:
            if line.product_id is not None:
                sold[line.product_id][0] += line.quantity
                sold[line.product_id][1] += line.value
    with ctx.read() as session:
        stocked = _in_stock(session, start, end)
        names = dict(session.execute(select(Product.id, Product.name)
                                     .where(Product.id.in_(set(sold) | stocked))).tuples().all())
    rows = [ProductSales(product_id=pid, name=names[pid], quantity=sold[pid][0] if pid in sold else _ZERO,
                         value=sold[pid][1] if pid in sold else _ZERO) for pid in set(sold) | stocked]
    best = [row for row in rows if row.product_id in sold]
    return TopProducts(
        first=first, last=last,
        best_by_quantity=sorted(best, key=lambda r: (-r.quantity, r.name))[:limit],
        best_by_value=sorted(best, key=lambda r: (-r.value, r.name))[:limit],
        slowest_by_quantity=sorted(rows, key=lambda r: (r.quantity, r.name))[:limit],
        slowest_by_value=sorted(rows, key=lambda r: (r.value, r.name))[:limit],
    )


def _in_stock(session: Session, start: datetime, end: datetime) -> set[int]:
    """Active products with stock on hand at `start`, or received between `start` and `end`."""
    on_hand = (select(StockMovement.product_id).where(StockMovement.created_at < start)
               .group_by(StockMovement.product_id).having(func.sum(StockMovement.on_hand_delta) > 0))
    received = select(StockMovement.product_id).where(
        StockMovement.created_at >= start, StockMovement.created_at < end, StockMovement.on_hand_delta > 0)
    return set(session.scalars(select(Product.id).where(
        Product.active, Product.id.in_(on_hand.union(received)))).all())
