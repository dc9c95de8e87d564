"""Reports: the day's summary, sales by day, week or month, and GSTR-1 for a month (portal JSON, offline-tool CSV)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.routing import Call, Raw, Resource
from api.types import Body, Day
from erp_core import decimal_json, gstr1, reports
from erp_core.reports import DailySummary, PeriodSales, Period

api = Resource("reports", "Reports")


class DayQuery(Body):
    day: Day


class PeriodQuery(Body):
    start: Day = Field(alias="from")
    end: Day = Field(alias="to")
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


class MonthQuery(Body):
    year: int = Field(ge=2017, le=2100)
    """GST began in July 2017."""
    month: int = Field(ge=1, le=12)


class Gstr1CsvQuery(MonthQuery):
    section: Literal["b2b", "b2cl", "b2cs", "hsn"]


GSTR1_SCHEMA = {"type": "object", "required": ["gstin", "fp", "b2b", "b2cl", "b2cs", "cdnr", "hsn"],
                "description": "GSTR-1 in the GST portal's JSON shape; amounts are exact JSON numbers"}


@api.get("/reports/gstr1", summary="GSTR-1 for a month, as the GST portal's JSON", query=MonthQuery,
         raw_schema=GSTR1_SCHEMA, errors=(422,))
def gstr1_json(call: Call) -> Raw:
    return Raw(decimal_json.dumps(gstr1.gstr1(call.ctx, call.query.year, call.query.month)).encode())


@api.get("/reports/gstr1.csv", summary="One GSTR-1 section as the offline tool's CSV", query=Gstr1CsvQuery,
         media_type="text/csv", raw_schema={"type": "string"}, errors=(422,))
def gstr1_csv(call: Call) -> Raw:
    q: Gstr1CsvQuery = call.query
    files = gstr1.gstr1_csv(call.ctx, q.year, q.month)
    return Raw(files[f"{q.section}.csv"].encode(), filename=f"gstr1-{q.year}-{q.month:02d}-{q.section}.csv")
