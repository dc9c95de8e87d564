"""Each product's daily demand as the books know it: what the sales book sold (bills, invoices, dispatched
orders; returns are not demand), day by day in the shop's calendar, and the days it had none left (its sales
that day are not all the demand there was)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select

from erp_core.context import Context
from erp_core.ledger import business_date
from erp_core.models import Product, StockMovement
from erp_core.sales_book import sales_book


@dataclass(frozen=True)
class ProductHistory:
    product_id: int
    name: str
    category: str
    """What a new product borrows its pattern from: its HSN heading (the first 4 digits), else ""."""
    sold: np.ndarray
    """Quantity sold each day from `DemandHistory.first_day`."""
    out_of_stock: np.ndarray
    """True on days that ended with nothing on hand."""
    on_hand: float
    lead_time_days: int


@dataclass(frozen=True)
class DemandHistory:
    first_day: date
    last_day: date
    country: str
    products: list[ProductHistory]


def demand_history(ctx: Context, *, days: int = 730, now: datetime | None = None) -> DemandHistory:
    """The last `days` complete days of every active product (today, still running, is left out)."""
    now = now or datetime.now(timezone.utc)
    with ctx.read() as session:
        tenant = ctx.tenant(session)
        zone = ZoneInfo(tenant.timezone)
        today = business_date(tenant, now)
        country = tenant.country.value
        products = session.scalars(select(Product).where(Product.active).order_by(Product.id)).all()
        first_day, last_day = today - timedelta(days=days), today - timedelta(days=1)
        movements = session.execute(select(StockMovement.product_id, StockMovement.created_at,
                                           StockMovement.on_hand_delta).order_by(StockMovement.id)).all()
        shop = [(p.id, p.name, (p.hsn_code or "")[:4], p.lead_time_days) for p in products]
        days_of = {moment: moment.astimezone(zone).date() for _, moment, _ in movements}
    start = datetime.combine(first_day - timedelta(days=1), time(0), timezone.utc)
    sold: dict[int, np.ndarray] = defaultdict(lambda: np.zeros(days))
    for document in sales_book(ctx, start, now):
        if document.is_return:
            continue
        index = (document.at.astimezone(zone).date() - first_day).days
        if 0 <= index < days:
            for line in document.lines:
                if line.product_id is not None:
                    sold[line.product_id][index] += float(line.quantity)
    closing: dict[int, np.ndarray] = {}
    balance: dict[int, float] = defaultdict(float)
    for product_id, moment, delta in movements:
        balance[product_id] += float(delta)
        index = (days_of[moment] - first_day).days
        series = closing.setdefault(product_id, np.full(days, np.nan))
        if index < days:
            series[max(index, 0)] = balance[product_id]
    histories = []
    for product_id, name, category, lead_time in shop:
        ends = closing.get(product_id, np.full(days, np.nan))
        ends = _carried_forward(ends)
        histories.append(ProductHistory(product_id, name, category, sold[product_id], ends <= 0,
                                        balance[product_id], lead_time))
    return DemandHistory(first_day, last_day, country, histories)


def _carried_forward(ends: np.ndarray) -> np.ndarray:
    """Each day's closing stock: the last known balance carried over days without movements (0 before any)."""
    out = ends.copy()
    last = 0.0
    for index, value in enumerate(out):
        if np.isnan(value):
            out[index] = last
        else:
            last = value
    return out
