"""What to buy: every product's reorder decision from its demand forecast (`erp_core.forecasting`).

Each product with stock or sales is forecast from up to a year of the sales book (stock-outs and festival weeks
taken into account), and gets a reorder point (demand over its lead time + safety stock at the service level),
the days until it runs out, the quantity that covers the lead time and the order cycle, and a priority:
*urgent* (runs out before an order placed today arrives), *soon* (reaches its reorder point within the order
cycle) or *monitor*. A reorder point the owner set on a product is never undercut: at or below it, the product is
at least *soon*. `reorder_suggestions` is the list to act on (urgent and soon), most urgent first.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from statistics import NormalDist

import numpy as np
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from erp_core import nightly_forecasts
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.enums import Unit
from erp_core.errors import NotFound, ValidationError
from erp_core.forecasting import festivals
from erp_core.forecasting import reorder_plan as planning
from erp_core.forecasting.demand import Forecast
from erp_core.forecasting.history import ProductHistory, demand_history
from erp_core.forecasting.shop import forecast_products
from erp_core.inventory import is_service, stock_levels
from erp_core.ledger import business_date
from erp_core.models import Product
from erp_core.permissions import Permission

HISTORY_DAYS = nightly_forecasts.HISTORY_DAYS
_QTY = Decimal("0.001")


class ReorderLine(BaseModel):
    model_config = ConfigDict(frozen=True)
    product_id: int
    name: str
    unit: Unit
    available: Decimal
    reorder_point: Decimal
    safety_stock: Decimal
    lead_time_days: int
    daily_demand: Decimal
    """Expected demand a day over the lead time and the order cycle."""
    days_to_stockout: int | None
    """Days until the expected demand exceeds what is available (0: out now; None: not within the forecast)."""
    suggested: Decimal
    """Whole units to order (0 when only monitored)."""
    priority: str
    """`urgent`, `soon` or `monitor`."""
    method: str
    """The forecasting method this product's backtest chose."""
    festival: str | None = None
    """A festival within the lead time and order cycle that this product sells more in, if any."""
    festival_lift: float = 1.0
    """How much more it sells in festival weeks (1.8: 80 % more)."""
    reason: str
    """Why, in a line ("runs out in 2 days; an order takes 3", "Diwali ahead: festival weeks sell 1.8× the
    usual")."""


def _decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 3))).quantize(_QTY)


def reorder_plan(ctx: Context, *, cover_days: int = 7, service_level: float = 0.95,
                 now: datetime | None = None) -> list[ReorderLine]:
    """Every goods product with stock or sales, urgent first, then by how soon it runs out."""
    ctx.actor.require(Permission.PLAN_PURCHASES)
    now = now or utcnow()
    with ctx.read() as session:
        tenant = ctx.tenant(session)
        today = business_date(tenant, now)
        goods = [p for p in session.execute(select(Product.id, Product.name, Product.hsn_code, Product.reorder_point,
                                                    Product.lead_time_days).where(Product.active))
                 if not is_service(p.hsn_code)]
    levels = {level.product_id: level for after in _pages(ctx) for level in after}
    expected = _expected(ctx, goods, levels, today, cover_days, now)
    lines = []
    for product in goods:
        level = levels.get(product.id)
        if level is None or product.id not in expected:
            continue
        result, sold = expected[product.id]
        floor = product.reorder_point
        if sold == 0 and level.available <= 0 and floor <= 0:
            continue
        decision = planning.plan(result, float(level.available), product.lead_time_days,
                                 cover_days=cover_days, service_level=service_level)
        point = max(_decimal(decision.reorder_point), floor)
        priority, suggested = decision.priority, decision.order_quantity
        if level.available <= floor and priority == planning.MONITOR:
            priority = planning.SOON     # the owner's own reorder point is reached
        if priority != planning.MONITOR:
            cover = decision.daily_demand * (max(product.lead_time_days, 1) + cover_days)
            suggested = max(suggested, math.ceil(float(floor) + cover - float(level.available)), 1)
        festival = _festival_ahead(tenant.country.value, result, product.lead_time_days + cover_days)
        lines.append(ReorderLine(
            product_id=product.id, name=product.name, unit=level.unit, available=level.available,
            reorder_point=point, safety_stock=_decimal(decision.safety_stock), lead_time_days=product.lead_time_days,
            daily_demand=_decimal(decision.daily_demand), days_to_stockout=decision.days_to_stockout,
            suggested=Decimal(int(suggested)).to_integral_value(ROUND_CEILING), priority=priority,
            method=result.method, festival=festival, festival_lift=round(result.festival_lift, 1),
            reason=_reason(decision, float(level.available), floor, festival, result.festival_lift, priority)))
    return sorted(lines, key=lambda line: (planning.PRIORITY_ORDER[line.priority],
                                           line.days_to_stockout if line.days_to_stockout is not None else 10**6,
                                           line.name))


def _expected(ctx: Context, goods: list, levels: dict, today: date, cover_days: int,
              now: datetime) -> dict[int, tuple[Forecast, float]]:
    """Each product's forecast (reaching its lead time and the order cycle) and what it sold: the night's kept
    forecast, else one made now (a product with plenty in stock from its 28-day average)."""
    kept = nightly_forecasts.kept(ctx, today)
    found = {pid: (k.forecast, k.sold) for pid, k in kept.items()}
    horizon = {p.id: max(28, p.lead_time_days + cover_days + 1) for p in goods}
    missing = {p.id for p in goods if p.id not in found or len(found[p.id][0].mean) < horizon[p.id]}
    if not missing:
        return found
    history = demand_history(ctx, days=HISTORY_DAYS, now=now)
    floors = {p.id: p.reorder_point for p in goods}
    modelled = []
    for product in (p for p in history.products if p.product_id in missing):
        level = levels.get(product.product_id)
        spare = float(level.available - floors[product.product_id]) if level is not None else 0.0
        plenty = _plenty(product, history.first_day, horizon[product.product_id], spare,
                         product.lead_time_days + cover_days)
        if plenty is not None:
            found[product.product_id] = (plenty, float(product.sold.sum()))
        else:
            modelled.append(product)
    made = forecast_products(history, max(horizon.values()), modelled, workers=1)
    found.update({p.product_id: (made[p.product_id], float(p.sold.sum())) for p in modelled})
    return found


def _festival_ahead(country: str, result: Forecast, days: int) -> str | None:
    """A festival within `days` that this product's history shows selling more in, if any."""
    if result.festival_lift <= 1.0:
        return None
    ahead = festivals.windows(country, result.start, result.start + timedelta(days=days - 1))
    return next(iter(ahead.values())) if ahead else None


PLENTY = 4
"""Stock above this many times its demand over the lead time and order cycle needs no model: a shop's many
well-stocked products are planned from their 28-day average, so a reorder question answers in seconds."""


def _plenty(product: ProductHistory, first_day: date, horizon: int, spare: float, days: int) -> Forecast | None:
    """A flat 28-day-average forecast for a product with plenty in stock, else None (it gets its model)."""
    recent = product.sold[-28:][~product.out_of_stock[-28:]]
    if len(recent) < 14 or recent.mean() <= 0 or spare < PLENTY * recent.mean() * days:
        return None
    mean, spread = float(recent.mean()), float(recent.std())
    series = np.full(horizon, mean)
    start = first_day + timedelta(days=len(product.sold))
    return Forecast(start, series, np.maximum(series - 1.2816 * spread, 0.0), series + 1.2816 * spread,
                    "WindowAverage (plenty in stock)", spread)


class ProductForecast(BaseModel):
    """A product's expected sales over the next days (what "agle hafte kitni maggi bikegi" is answered with)."""

    model_config = ConfigDict(frozen=True)
    product_id: int
    name: str
    unit: Unit
    days: int
    expected: Decimal
    lower: Decimal
    upper: Decimal
    """An 80 % interval for the total."""
    daily: Decimal
    available: Decimal
    days_to_stockout: int | None
    festival: str | None
    """A festival in those days that history shows sells more, if any."""
    method: str


def product_forecast(ctx: Context, product_id: int, days: int = 7, *, now: datetime | None = None) -> ProductForecast:
    """How much of one product is expected to sell in the next `days` days (owners and managers)."""
    ctx.actor.require(Permission.PLAN_PURCHASES)
    if not 1 <= days <= 90:
        raise ValidationError(field="days", reason="1 to 90 days")
    now = now or utcnow()
    with ctx.read() as session:
        tenant = ctx.tenant(session)
        product = session.get(Product, product_id)
        if product is None or not product.active:
            raise NotFound(what="product", ref=product_id)
        name, country, today = product.name, tenant.country.value, business_date(tenant, now)
    kept = nightly_forecasts.kept(ctx, today).get(product_id)
    if kept is not None and len(kept.forecast.mean) >= days:
        expected = kept.forecast
    else:
        history = demand_history(ctx, days=HISTORY_DAYS, now=now)
        [grown] = [p for p in history.products if p.product_id == product_id]
        expected = forecast_products(history, max(days, 28), [grown], workers=1)[product_id]
    [level] = stock_levels(ctx, ids=[product_id]) or [None]
    total = expected.total(days)
    spread = NormalDist().inv_cdf(0.9) * expected.error_sd * math.sqrt(days)
    available = level.available if level is not None else Decimal(0)
    return ProductForecast(
        product_id=product_id, name=name, unit=level.unit if level is not None else Unit.PCS, days=days,
        expected=_decimal(total), lower=_decimal(max(total - spread, 0.0)), upper=_decimal(total + spread),
        daily=_decimal(total / days), available=available,
        days_to_stockout=planning.days_to_stockout(float(available), expected.mean),
        festival=_festival_ahead(country, expected, days), method=expected.method)


def _reason(decision: planning.Plan, available: float, floor: Decimal, festival: str | None, lift: float,
            priority: str) -> str:
    """The one line that says why a product is where it is (in English, for the API; chat says it from the
    line's fields in the person's language)."""
    parts = []
    out = decision.days_to_stockout
    if out == 0:
        parts.append("out of stock now")
    elif out is not None and priority == planning.URGENT:
        parts.append(f"runs out in {out} days; an order takes {max(decision.lead_time_days, 1)}")
    elif priority == planning.SOON and available <= float(floor):
        parts.append(f"at or below your reorder point of {floor.normalize():f}")
    elif priority == planning.SOON:
        parts.append(f"reaches its reorder point of {decision.reorder_point:.0f} within the week")
    else:
        parts.append(f"enough for {'the forecast' if out is None else f'{out} days'}")
    if festival:
        parts.append(f"{festival} ahead: festival weeks sell {lift:.1f}× the usual")
    return "; ".join(parts)


def _pages(ctx: Context, size: int = 500):  # type: ignore[no-untyped-def]
    """Every product's stock level, a page at a time."""
    after = 0
    while page := stock_levels(ctx, after_id=after, limit=size):
        yield page
        after = page[-1].product_id


def reorder_suggestions(ctx: Context, *, cover_days: int = 7, service_level: float = 0.95,
                        now: datetime | None = None) -> list[ReorderLine]:
    """The products to order now or this cycle (urgent, then soon), with how much."""
    return [line for line in reorder_plan(ctx, cover_days=cover_days, service_level=service_level, now=now)
            if line.priority != planning.MONITOR]
