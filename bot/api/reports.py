"""Reports: the day's summary and sales by day, week or month."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from bot.api.routing import Call, Resource
from bot.api.types import Body
from erp_core import reports
from erp_core.reports import DailySummary, PeriodSales, Period

api = Resource("reports", "Reports")


class DayQuery(Body):
    day: date


class PeriodQuery(Body):
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    period: Period = Period.DAY


class SalesByPeriod(BaseModel):
    period: Period
    items: list[PeriodSales]


@api.get("/reports/daily", summary="One business day: bills, money in, new dues", query=DayQuery,
         response=DailySummary)
def daily(call: Call) -> DailySummary:
    return reports.daily_summary(call.ctx, call.query.day)


@api.get("/reports/sales", summary="Sales by day, week or month (shop time)", query=PeriodQuery,
         response=SalesByPeriod, errors=(422,))
def sales_by_period(call: Call) -> SalesByPeriod:
    q: PeriodQuery = call.query
    return SalesByPeriod(period=q.period, items=reports.sales_by_period(call.ctx, q.start, q.end, q.period))
