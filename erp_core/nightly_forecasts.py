"""The nightly forecast run: every product's demand forecast made once a night (the scheduler's
`demand_forecasts` job, at 02:30 shop time) and kept (`DemandForecast`), so a reorder question, the API and the
weekly "what to order" message read it with the stock of the moment instead of fitting models while someone waits.

A forecast made for today or yesterday is used (yesterday's from its second day); anything older, or a product
added since, is forecast when asked (`erp_core.reorder`)."""

from __future__ import annotations

import json
import time as clock
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
from sqlalchemy import delete, select

from erp_core import scheduler
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.db import Database
from erp_core.forecasting.demand import Forecast
from erp_core.forecasting.history import demand_history
from erp_core.forecasting.shop import forecast_products
from erp_core.inventory import is_service
from erp_core.models import DemandForecast, Product
from erp_core.permissions import Actor, Permission

JOB = "demand_forecasts"
RUN_AT = time(2, 30)
"""Shop time of the nightly run: after the day's last sale, before the morning's first."""
HISTORY_DAYS = 365
HORIZON = 42
"""Days each kept forecast reaches: a supplier's lead time and the order cycle fit in it."""
KEPT_FOR = 1
"""A forecast this many days old is still used (yesterday's, from its second day)."""
STORE_BATCH = 1000


@dataclass(frozen=True)
class Refresh:
    """What one run did."""

    products: int
    seconds: float
    methods: dict[str, int]


def refresh(ctx: Context, now: datetime | None = None, *, workers: int | None = None) -> Refresh:
    """Forecast every active goods product from the last year of the books and keep the forecasts (replacing the
    previous night's); `workers` processes (default: one per core)."""
    ctx.actor.require(Permission.PLAN_PURCHASES)
    started = clock.perf_counter()
    now = now or utcnow()
    history = demand_history(ctx, days=HISTORY_DAYS, now=now)
    with ctx.read() as session:
        services = {pid for pid, code in session.execute(select(Product.id, Product.hsn_code)) if is_service(code)}
    goods = [p for p in history.products if p.product_id not in services]
    made = forecast_products(history, HORIZON, goods, workers=workers)
    sold = {p.product_id: float(p.sold.sum()) for p in goods}
    with ctx.db.session(ctx.tenant_id) as session, session.begin():
        session.execute(delete(DemandForecast).where(DemandForecast.tenant_id == ctx.tenant_id))
        rows = [_row(ctx.tenant_id, product_id, result, sold[product_id], now) for product_id, result in made.items()]
        for start in range(0, len(rows), STORE_BATCH):
            session.add_all(rows[start:start + STORE_BATCH])
            session.flush()
    return Refresh(len(made), clock.perf_counter() - started, dict(Counter(f.method for f in made.values())))


def _series(values: np.ndarray) -> str:
    return json.dumps([round(float(v), 3) for v in values])


def _row(tenant_id: int, product_id: int, result: Forecast, sold: float, now: datetime) -> DemandForecast:
    return DemandForecast(tenant_id=tenant_id, product_id=product_id, starts_on=result.start, method=result.method,
                          error_sd=result.error_sd, festival_lift=result.festival_lift, mean=_series(result.mean),
                          lower=_series(result.lower), upper=_series(result.upper), sold=sold, made_at=now)


@dataclass(frozen=True)
class Kept:
    """A kept forecast as of today, and what the product sold in its history."""

    forecast: Forecast
    sold: float


def kept(ctx: Context, today: date) -> dict[int, Kept]:
    """The forecasts made for today (or `KEPT_FOR` days before, moved on to start today), by product id."""
    with ctx.read() as session:
        rows = session.scalars(select(DemandForecast).where(
            DemandForecast.starts_on >= today - timedelta(days=KEPT_FOR), DemandForecast.starts_on <= today)).all()
    found = {}
    for row in rows:
        skip = (today - row.starts_on).days
        series = [np.array(json.loads(text))[skip:] for text in (row.mean, row.lower, row.upper)]
        found[row.product_id] = Kept(Forecast(today, *series, row.method, row.error_sd, row.festival_lift), row.sold)
    return found


def ensure(db: Database, tenant_id: int, now: datetime) -> bool:
    """A shop without the nightly run gets one, its first run at once (a new shop's reorder questions need not
    wait for the night), then every night; True when it was added."""
    if any(job.kind == JOB for job in scheduler.jobs_of(db, tenant_id)):
        return False
    scheduler.schedule(db, tenant_id, JOB, "nightly", due_at=now, daily_at=RUN_AT)
    return True


def run_nightly(db: Database, job: scheduler.Job, now: datetime) -> None:
    """The scheduler's handler of the nightly run."""
    refresh(Context(db, job.tenant_id, Actor.system()), now)

