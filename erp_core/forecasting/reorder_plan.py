"""When and how much to reorder each product, from its demand forecast (no database: `erp_core.reorder` feeds
it the books).

- reorder point = expected demand over the supplier's lead time + safety stock, where safety stock is
  z(service level) × the forecast's daily error spread × √lead time;
- order now when the stock will be below the reorder point by the time an order placed today arrives; the
  quantity covers the lead time and the order cycle (`cover_days`) plus the safety stock, less what is there;
- days until stock-out: the first day the expected demand adds up to more than is on hand;
- priority: *urgent* when it runs out within the lead time (an order today comes too late for some of it),
  *soon* when it reaches the reorder point within the order cycle, *monitor* otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from erp_core.forecasting.demand import Forecast

URGENT, SOON, MONITOR = "urgent", "soon", "monitor"
PRIORITY_ORDER = {URGENT: 0, SOON: 1, MONITOR: 2}


@dataclass(frozen=True)
class Plan:
    on_hand: float
    lead_time_days: int
    demand_over_lead_time: float
    safety_stock: float
    reorder_point: float
    order_quantity: float
    """Whole units to order (now when urgent, this order cycle when soon; 0 when only monitored)."""
    days_to_stockout: int | None
    """Days from today until the expected demand exceeds the stock (None: not within the forecast)."""
    priority: str
    daily_demand: float
    """Expected demand a day over the lead time and order cycle."""


def days_to_stockout(on_hand: float, mean: np.ndarray) -> int | None:
    """The first day (0 = today) on which the expected demand so far is more than `on_hand`."""
    if on_hand <= 0:
        return 0
    running = np.cumsum(mean)
    beyond = np.flatnonzero(running > on_hand)
    return int(beyond[0]) if len(beyond) else None


def plan(forecast: Forecast, on_hand: float, lead_time_days: int, *, cover_days: int = 7,
         service_level: float = 0.95) -> Plan:
    """The reorder decision for one product: `forecast` must reach at least lead time + `cover_days` days."""
    lead = max(lead_time_days, 1)
    z = NormalDist().inv_cdf(service_level)
    over_lead = forecast.total(lead)
    safety = z * forecast.error_sd * math.sqrt(lead)
    reorder_point = over_lead + safety
    target = forecast.total(lead + cover_days) + safety
    stock = max(on_hand, 0.0)
    out_in = days_to_stockout(stock, forecast.mean)
    if out_in is not None and out_in <= lead:
        priority = URGENT
    elif stock < reorder_point or stock - forecast.total(cover_days) < reorder_point:
        priority = SOON
    else:
        priority = MONITOR
    quantity = float(math.ceil(max(target - stock, 0.0))) if priority != MONITOR else 0.0
    daily = forecast.total(lead + cover_days) / (lead + cover_days)
    return Plan(stock, lead_time_days, over_lead, safety, reorder_point, quantity, out_in, priority, daily)
