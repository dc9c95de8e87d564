"""Reports over the books: the day's summary and sales by day, week or month, in the shop's calendar."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select

from erp_core.context import Context
from erp_core.errors import ValidationError
from erp_core.models import Payment, Sale
from erp_core.permissions import Permission
from erp_core.sales import sales_summary

MAX_BUCKETS = 400
_ZERO = Decimal("0.00")


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class DailySummary(BaseModel):
    model_config = ConfigDict(frozen=True)
    day: date
    bills: int
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
    total: Decimal
    due: Decimal


def _day_bounds(ctx: Context, first: date, last: date) -> tuple[datetime, datetime, ZoneInfo]:
    with ctx.read() as session:
        zone = ZoneInfo(ctx.tenant(session).timezone)
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0), zone)
    return start, end, zone


def daily_summary(ctx: Context, day: date) -> DailySummary:
    """Bills, money in and new dues of one business day (midnight to midnight, shop time)."""
    ctx.actor.require(Permission.VIEW_SALES)
    start, end, _ = _day_bounds(ctx, day, day)
    sales = sales_summary(ctx, start, end)
    with ctx.read() as session:
        received = session.scalar(select(func.sum(Payment.amount))
                                  .where(Payment.received_at >= start, Payment.received_at < end))
    return DailySummary(day=day, bills=sales.bills, sales_total=sales.total, paid_at_counter=sales.paid,
                        new_dues=sales.due, payments_received=received or _ZERO, profit=sales.profit)


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
    if last < first:
        raise ValidationError(field="to", reason="the end is before the start")
    if (last - first).days > MAX_BUCKETS * (31 if period is Period.MONTH else 7 if period is Period.WEEK else 1):
        raise ValidationError(field="to", reason="that is too long a range for one report")
    start, end, zone = _day_bounds(ctx, first, last)
    with ctx.read() as session:
        rows = session.execute(select(Sale.sold_at, Sale.total, Sale.due)
                               .where(Sale.sold_at >= start, Sale.sold_at < end)).all()
    buckets: dict[date, list] = {}
    day = first
    while day <= last:
        buckets.setdefault(_bucket(day, period), [0, _ZERO, _ZERO])
        day += timedelta(days=1)
    for sold_at, total, due in rows:
        bucket = buckets[_bucket(sold_at.astimezone(zone).date(), period)]
        bucket[0] += 1
        bucket[1] += total
        bucket[2] += due
    return [PeriodSales(start=key, bills=b[0], total=b[1], due=b[2]) for key, b in sorted(buckets.items())]
