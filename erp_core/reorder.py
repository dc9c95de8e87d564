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

from erp_core.context import Context
from erp_core.enums import Unit
from erp_core.errors import NotFound, ValidationError
from erp_core.forecasting import festivals
from erp_core.forecasting import reorder_plan as planning
from erp_core.forecasting.demand import MIN_HISTORY, Forecast, forecast, weekly_pattern
from erp_core.forecasting.history import DemandHistory, ProductHistory, demand_history
from erp_core.inventory import is_service, stock_levels
from erp_core.models import Product
from erp_core.permissions import Permission

HISTORY_DAYS = 365
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
    reason: str
    """Why, in a line ("runs out in 2 days; an order takes 3", "Diwali week ahead: 1.8× the usual")."""


def _decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 3))).quantize(_QTY)


def reorder_plan(ctx: Context, *, cover_days: int = 7, service_level: float = 0.95,
                 now: datetime | None = None) -> list[ReorderLine]:
    """Every goods product with stock or sales, urgent first, then by how soon it runs out."""
    ctx.actor.require(Permission.PLAN_PURCHASES)
    history, patterns, shop_pattern = _history(ctx, now)
    with ctx.read() as session:
        floors = {p.id: (p.reorder_point, p.hsn_code) for p in session.scalars(select(Product).where(Product.active))}
    levels = {level.product_id: level for after in _pages(ctx) for level in after}
    lines = []
    for product in history.products:
        level = levels.get(product.product_id)
        floor, hsn_code = floors.get(product.product_id, (Decimal(0), None))
        if level is None or is_service(hsn_code) or (product.sold.sum() == 0 and level.available <= 0
                                                      and floor <= 0):
            continue
        horizon = max(28, product.lead_time_days + cover_days + 1)
        expected = _plenty(product, history.first_day, horizon, float(level.available) - float(floor),
                           product.lead_time_days + cover_days) or forecast(
            product.sold, history.first_day, horizon, country=history.country, missing=product.out_of_stock,
            pattern=patterns.get(product.category, shop_pattern))
        decision = planning.plan(expected, float(level.available), product.lead_time_days,
                                     cover_days=cover_days, service_level=service_level)
        point = max(_decimal(decision.reorder_point), floor)
        priority, suggested = decision.priority, decision.order_quantity
        if level.available <= floor and priority == planning.MONITOR:
            priority = planning.SOON     # the owner's own reorder point is reached
        if priority != planning.MONITOR:
            cover = decision.daily_demand * (max(product.lead_time_days, 1) + cover_days)
            suggested = max(suggested, math.ceil(float(floor) + cover - float(level.available)), 1)
        reason = _reason(decision, float(level.available), floor, expected.festival_lift, priority)
        lines.append(ReorderLine(
            product_id=product.product_id, name=product.name, unit=level.unit, available=level.available,
            reorder_point=point, safety_stock=_decimal(decision.safety_stock), lead_time_days=product.lead_time_days,
            daily_demand=_decimal(decision.daily_demand), days_to_stockout=decision.days_to_stockout,
            suggested=Decimal(int(suggested)).to_integral_value(ROUND_CEILING), priority=priority,
            method=expected.method, reason=reason))
    return sorted(lines, key=lambda line: (planning.PRIORITY_ORDER[line.priority],
                                           line.days_to_stockout if line.days_to_stockout is not None else 10**6,
                                           line.name))


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


def _history(ctx: Context, now: datetime | None) -> tuple[DemandHistory, dict[str, np.ndarray], np.ndarray]:
    """The shop's demand history, and the weekly patterns new products borrow: their category's, the shop's."""
    history = demand_history(ctx, days=HISTORY_DAYS, now=now)
    grown = [p for p in history.products if (~p.out_of_stock).sum() >= MIN_HISTORY and p.sold.sum() > 0]
    patterns = {category: weekly_pattern(np.sum([p.sold for p in grown if p.category == category], axis=0),
                                         history.first_day) for category in {p.category for p in grown}}
    shop_pattern = weekly_pattern(np.sum([p.sold for p in grown], axis=0) if grown else np.zeros(0),
                                  history.first_day)
    return history, patterns, shop_pattern


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
    history, patterns, shop_pattern = _history(ctx, now)
    product = next((p for p in history.products if p.product_id == product_id), None)
    if product is None:
        raise NotFound(what="product", ref=product_id)
    [level] = stock_levels(ctx, ids=[product_id]) or [None]
    expected = forecast(product.sold, history.first_day, max(days, 28), country=history.country,
                        missing=product.out_of_stock, pattern=patterns.get(product.category, shop_pattern))
    total = expected.total(days)
    spread = NormalDist().inv_cdf(0.9) * expected.error_sd * math.sqrt(days)
    ahead = festivals.windows(history.country, expected.start, expected.start + timedelta(days=days - 1))
    available = level.available if level is not None else Decimal(0)
    return ProductForecast(
        product_id=product_id, name=product.name, unit=level.unit if level is not None else Unit.PCS, days=days,
        expected=_decimal(total), lower=_decimal(max(total - spread, 0.0)), upper=_decimal(total + spread),
        daily=_decimal(total / days), available=available,
        days_to_stockout=planning.days_to_stockout(float(available), expected.mean),
        festival=next(iter(ahead.values())) if ahead and expected.festival_lift > 1.0 else None,
        method=expected.method)


def _reason(decision: planning.Plan, available: float, floor: Decimal, lift: float, priority: str) -> str:
    """The one line that says why a product is where it is."""
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
    if lift > 1.0:
        parts.append(f"festival weeks sell {lift:.1f}× the usual")
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
