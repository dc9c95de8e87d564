"""What to buy: reorder suggestions for products at or below their reorder point.

A suggestion covers the supplier's lead time plus `cover_days` of average
daily sales (measured over the last `history_days`), on top of the reorder
point, less what is still available. Quantities are rounded up to whole units.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select

from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.enums import MovementKind, Unit
from erp_core.inventory import low_stock
from erp_core.models import Product, StockMovement
from erp_core.permissions import Permission


class ReorderLine(BaseModel):
    model_config = ConfigDict(frozen=True)
    product_id: int
    name: str
    unit: Unit
    available: Decimal
    reorder_point: Decimal
    lead_time_days: int
    daily_sales: Decimal
    suggested: Decimal


def reorder_suggestions(ctx: Context, *, cover_days: int = 7, history_days: int = 30,
                        now: datetime | None = None) -> list[ReorderLine]:
    """How much of each low product to order now, emptiest first."""
    ctx.actor.require(Permission.VIEW_STOCK)
    low = low_stock(ctx)
    if not low:
        return []
    since = (now or utcnow()) - timedelta(days=history_days)
    ids = [level.product_id for level in low]
    with ctx.read() as session:
        sold = dict(session.execute(
            select(StockMovement.product_id, func.sum(StockMovement.on_hand_delta))
            .where(StockMovement.product_id.in_(ids), StockMovement.kind == MovementKind.STOCK_OUT,
                   StockMovement.created_at >= since)
            .group_by(StockMovement.product_id)
        ).tuples().all())
        lead_times = dict(session.execute(select(Product.id, Product.lead_time_days)
                                          .where(Product.id.in_(ids))).tuples().all())
    lines = []
    for level in low:
        daily = (-(sold.get(level.product_id) or Decimal(0)) / history_days).quantize(Decimal("0.001"))
        lead = lead_times.get(level.product_id, 0)
        target = level.reorder_point + daily * (lead + cover_days)
        suggested = max(target - level.available, Decimal(1)).to_integral_value(ROUND_CEILING)
        lines.append(ReorderLine(product_id=level.product_id, name=level.name, unit=level.unit,
                                 available=level.available, reorder_point=level.reorder_point, lead_time_days=lead,
                                 daily_sales=daily, suggested=suggested))
    return lines
