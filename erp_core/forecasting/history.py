"""Each product's daily demand as the books know it: the goods the sales book sold (bills, invoices, dispatched
orders: the stock movements those sales made; returns are not demand, nor is an undone sale taken off its day),
day by day in the shop's calendar, and the days it had none left (its sales that day are not all the demand there
was).

One query of the stock ledger and array arithmetic (pandas for the shop's calendar), so a shop with 10,000
products and millions of movements is read in seconds."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, cast, select

from erp_core.columns import Quantity
from erp_core.context import Context
from erp_core.enums import MovementKind
from erp_core.ledger import business_date
from erp_core.models import Product, StockMovement

SOLD = ("sale", "invoice", "order")
"""The stock movements of a sale: a counter bill, an invoice with goods, an order's dispatch (`sales_book`)."""


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


def demand_history(ctx: Context, *, days: int = 730, now: datetime | None = None,
                   product_ids: Collection[int] | None = None) -> DemandHistory:
    """The last `days` complete days of every active product (or of `product_ids`); today, still running, is left
    out."""
    now = now or datetime.now(timezone.utc)
    with ctx.read() as session:
        tenant = ctx.tenant(session)
        zone, country = tenant.timezone, tenant.country.value
        first_day = business_date(tenant, now) - timedelta(days=days)
        chosen = Product.active if product_ids is None else Product.id.in_(list(product_ids))
        products = session.execute(select(Product.id, Product.name, Product.hsn_code, Product.lead_time_days)
                                   .where(chosen).order_by(Product.id)).all()
        moves = select(StockMovement.product_id, StockMovement.created_at, cast(StockMovement.on_hand_delta, BigInteger),
                       StockMovement.kind, StockMovement.ref_type)
        if product_ids is not None:
            moves = moves.where(StockMovement.product_id.in_(list(product_ids)))
        rows = session.execute(moves).all()
    row_of = {product.id: row for row, product in enumerate(products)}
    sold, net = np.zeros((len(products), days)), np.zeros((len(products), days))
    opening, on_hand = np.zeros(len(products)), np.zeros(len(products))
    if rows:
        frame = pd.DataFrame(rows, columns=["product", "at", "delta", "kind", "ref"])
        frame = frame[frame["product"].isin(row_of)]
        row = frame["product"].map(row_of).to_numpy()
        local = pd.to_datetime(frame["at"], utc=True).dt.tz_convert(zone).dt.tz_localize(None).dt.normalize()
        day = ((local - pd.Timestamp(first_day)).dt.days).to_numpy()
        delta = frame["delta"].to_numpy(dtype=float) / 10 ** Quantity.scale   # stored in thousandths
        np.add.at(on_hand, row, delta)
        before, within = day < 0, (day >= 0) & (day < days)
        np.add.at(opening, row[before], delta[before])
        np.add.at(net, (row[within], day[within]), delta[within])
        a_sale = within & (frame["kind"].to_numpy() == MovementKind.STOCK_OUT.value) & frame["ref"].isin(SOLD).to_numpy()
        np.add.at(sold, (row[a_sale], day[a_sale]), -delta[a_sale])
    closing = opening[:, None] + np.cumsum(net, axis=1)
    histories = [ProductHistory(product.id, product.name, (product.hsn_code or "")[:4], sold[i], closing[i] <= 0,
                                float(on_hand[i]), product.lead_time_days) for i, product in enumerate(products)]
    return DemandHistory(first_day, first_day + timedelta(days=days - 1), country, histories)
