"""Reports over the sales book: the day's summary, sales by day, week or month, profit, best and slowest sellers,
and GSTR-1 for a month (portal JSON, offline-tool CSV)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.routing import Call, Raw, Resource
from api.types import Body, Day
from erp_core import decimal_json, gstr1, reports
from erp_core.reports import MAX_TOP, DailySummary, PeriodSales, Period, ProfitSummary, TopProducts
from erp_core.errors import ValidationError

api = Resource("reports", "Reports")


class DayQuery(Body):
    day: Day


class RangeQuery(Body):
    start: Day = Field(alias="from")
    end: Day = Field(alias="to")


class PeriodQuery(RangeQuery):
    period: Period = Period.DAY


class TopQuery(RangeQuery):
    limit: int = Field(5, ge=1, le=MAX_TOP)


class SalesByPeriod(BaseModel):
    period: Period
    items: list[PeriodSales]


@api.get("/reports/daily", summary="One business day: sales however made, returns, money in, new dues",
         query=DayQuery, response=DailySummary)
def daily(call: Call) -> DailySummary:
    return reports.daily_summary(call.ctx, call.query.day)


@api.get("/reports/sales", summary="Sales by day, week or month (shop time)", query=PeriodQuery,
         response=SalesByPeriod, errors=(422,))
def sales_by_period(call: Call) -> SalesByPeriod:
    q: PeriodQuery = call.query
    return SalesByPeriod(period=q.period, items=reports.sales_by_period(call.ctx, q.start, q.end, q.period))


@api.get("/reports/profit", summary="Sales, cost of goods sold, gross profit and margin (owners and managers)",
         query=RangeQuery, response=ProfitSummary, errors=(422,))
def profit(call: Call) -> ProfitSummary:
    """Sales are gross (tax included); net sales leave the tax out, and gross profit is net sales less the cost of
    goods at weighted-average cost. Refused (403 `permission_denied`) to anyone who may not see profit."""
    return reports.profit_summary(call.ctx, call.query.start, call.query.end)


@api.get("/reports/top-products", summary="Best and slowest sellers by quantity and by value", query=TopQuery,
         response=TopProducts, errors=(422,))
def top_products(call: Call) -> TopProducts:
    """The slowest include products that were in stock in the period and did not sell."""
    q: TopQuery = call.query
    return reports.top_products(call.ctx, q.start, q.end, q.limit)


class MonthQuery(Body):
    year: int = Field(ge=2017, le=2100)
    """GST began in July 2017."""
    month: int = Field(ge=1, le=12)


class Gstr1CsvQuery(MonthQuery):
    section: Literal["b2b", "b2cl", "b2cs", "cdnr", "cdnur", "exemp", "hsn", "hsn_b2b", "hsn_b2c", "docs"]
    """`hsn` for returns before May 2025, `hsn_b2b` and `hsn_b2c` from then on."""


GSTR1_SCHEMA = {"type": "object", "required": ["gstin", "fp", "b2b", "b2cl", "b2cs", "cdnr", "cdnur", "nil", "hsn",
                                                "doc_issue"],
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
    name = q.section.replace("_b2b", "(b2b)").replace("_b2c", "(b2c)") + ".csv"
    if name not in files:
        raise ValidationError(field="section", reason="the HSN summary is one table (hsn) before May 2025 and two "
                                                      "(hsn_b2b, hsn_b2c) from then on")
    return Raw(files[name].encode(), filename=f"gstr1-{q.year}-{q.month:02d}-{q.section}.csv")
