"""Forecasts for a whole shop at once (no database: `erp_core.reorder` and `erp_core.nightly_forecasts` feed it
the history): the weekly patterns new products borrow, and every product's forecast, spread over processes when
there are many.

A shop's products are independent series, so `forecast_products` splits them into chunks forecast in worker
processes (forked, so the models compiled by numba in the parent are not compiled again); a small shop stays in
one process."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from erp_core.forecasting.demand import MIN_HISTORY, Forecast, forecast, weekly_pattern
from erp_core.forecasting.history import DemandHistory, ProductHistory

PARALLEL_FROM = 200
"""Products below which one process forecasts them all (starting workers costs more than it saves)."""


@dataclass(frozen=True)
class Patterns:
    """The weekly shapes a product with under 30 days of history borrows: its category's, else the shop's."""

    by_category: dict[str, np.ndarray]
    shop: np.ndarray

    def of(self, category: str) -> np.ndarray:
        return self.by_category.get(category, self.shop)


def patterns(history: DemandHistory) -> Patterns:
    """The weekly patterns of the shop's grown products (30 days or more with stock, some sales), by category."""
    grown = [p for p in history.products if (~p.out_of_stock).sum() >= MIN_HISTORY and p.sold.sum() > 0]
    by_category = {category: weekly_pattern(np.sum([p.sold for p in grown if p.category == category], axis=0),
                                            history.first_day) for category in {p.category for p in grown}}
    shop = weekly_pattern(np.sum([p.sold for p in grown], axis=0) if grown else np.zeros(0), history.first_day)
    return Patterns(by_category, shop)


def _forecast_chunk(history: DemandHistory, shapes: Patterns, products: list[ProductHistory],
                    horizon: int) -> list[tuple[int, Forecast]]:
    return [(p.product_id, forecast(p.sold, history.first_day, horizon, country=history.country,
                                    missing=p.out_of_stock, pattern=shapes.of(p.category))) for p in products]


def forecast_products(history: DemandHistory, horizon: int, products: Iterable[ProductHistory] | None = None,
                      *, workers: int | None = None, parallel_from: int = PARALLEL_FROM) -> dict[int, Forecast]:
    """Each product's forecast for `horizon` days (of `products`, default all of the history's), by product id;
    `workers` processes (default: one per core) from `parallel_from` products."""
    chosen = list(history.products if products is None else products)
    shapes = patterns(history)
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(chosen) < parallel_from:
        return dict(_forecast_chunk(history, shapes, chosen, horizon))
    chunks = [chosen[i::workers * 4] for i in range(workers * 4)]      # interleaved: each chunk a mix of kinds
    bare = DemandHistory(history.first_day, history.last_day, history.country, [])
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        done = pool.map(_forecast_chunk, [bare] * len(chunks), [shapes] * len(chunks), chunks,
                        [horizon] * len(chunks))
        return {product_id: result for chunk in done for product_id, result in chunk}
