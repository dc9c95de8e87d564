"""A simulated kirana's two years of daily demand, for the forecast report and its tests.

Forty products of four kinds: staples sold every day with a weekly pattern and a slow trend (rice, atta, milk,
Maggi), festival goods whose demand jumps in the week before Diwali, Holi, Dussehra and Eid (oil, ghee, sugar,
dry fruits, sweets), slow movers that sell on a day or two a week (a shampoo size, a spice), and items with a
school-term or summer season (notebooks, cold drinks). The shop runs out now and then: on those days nothing is
sold whatever the demand, and the stock record says so. Seeded: the same history on every run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from erp_core.forecasting import festivals

START = date(2024, 12, 1)
DAYS = 730


@dataclass(frozen=True)
class Product:
    name: str
    kind: str
    demand: np.ndarray
    """True daily demand (what customers wanted)."""
    sold: np.ndarray
    """What the books show: the demand, or 0 on a day the shop had none."""
    stocked_out: np.ndarray
    lead_time: int


STAPLES = ["Basmati Rice", "Atta 10kg", "Toned Milk", "Maggi", "Parle-G", "Tata Salt", "Toor Dal", "Bread",
           "Eggs", "Curd", "Onion", "Potato"]
FESTIVE = ["Mustard Oil", "Desi Ghee", "Sugar", "Kaju 250g", "Badam 250g", "Besan", "Maida", "Soan Papdi",
           "Agarbatti", "Diya Pack"]
SLOW = ["Dettol 500ml", "Hing 50g", "Sunsilk 340ml", "Harpic 1L", "Colgate 300g", "Kasuri Methi", "Saffron 1g",
        "Surf Excel 4kg", "Vim Bar", "Good Knight Refill"]
SEASONAL = ["Notebook", "Pen", "Cold Drink 2L", "Ice Cream Cup", "Glucose-D", "Umbrella", "Mosquito Coil",
            "Woollen Socks"]


def _festival_boost(country: str) -> np.ndarray:
    days = [START + timedelta(days=i) for i in range(DAYS)]
    marked = festivals.windows(country, days[0], days[-1])
    boost = np.ones(DAYS)
    for i, day in enumerate(days):
        if day in marked:
            main = [d for d in festivals.festival_days(country, day.year) if 0 <= (d - day).days < festivals.WINDOW_DAYS]
            closeness = 1 - ((main[0] - day).days / festivals.WINDOW_DAYS) if main else 0.5
            big = marked[day] in ("Diwali", "Tihar", "Dashain", "Dussehra", "Holi", "Eid al-Fitr")
            boost[i] = 1 + (1.6 if big else 0.5) * (0.4 + 0.6 * closeness)
    return boost


def simulate(seed: int = 7, country: str = "IN") -> list[Product]:
    """The shop's products, each with its demand, its sales as the books show them and its stock-out days."""
    rng = np.random.default_rng(seed)
    t = np.arange(DAYS)
    weekday = np.array([(START + timedelta(days=i)).weekday() for i in range(DAYS)])
    weekly = np.array([0.9, 0.85, 0.9, 0.95, 1.05, 1.2, 1.15])[weekday]          # weekend busier
    month = np.array([(START + timedelta(days=i)).month for i in range(DAYS)])
    boost = _festival_boost(country)
    products = []
    for name in STAPLES + FESTIVE + SLOW + SEASONAL:
        if name in STAPLES:
            level, kind = rng.uniform(8, 40), "staple"
            rate = level * weekly * (1 + rng.uniform(-0.15, 0.25) * t / DAYS) * (1 + 0.15 * (boost - 1))
        elif name in FESTIVE:
            level, kind = rng.uniform(3, 15), "festive"
            rate = level * weekly * boost ** rng.uniform(1.0, 1.6)
        elif name in SLOW:
            level, kind = rng.uniform(0.2, 0.7), "slow"
            rate = level * weekly
        else:
            level, kind = rng.uniform(3, 12), "seasonal"
            season = {"Notebook": [6, 7], "Pen": [6, 7], "Cold Drink 2L": [4, 5, 6], "Ice Cream Cup": [4, 5, 6],
                      "Glucose-D": [4, 5, 6], "Umbrella": [7, 8], "Mosquito Coil": [7, 8, 9],
                      "Woollen Socks": [12, 1]}[name]
            rate = level * weekly * np.where(np.isin(month, season), 2.5, 0.6)
        demand = rng.poisson(np.maximum(rate, 0)).astype(float)
        stocked_out = np.zeros(DAYS, dtype=bool)
        for _ in range(rng.integers(2, 7)):                                          # a few runs out of stock
            first = rng.integers(30, DAYS - 10)
            stocked_out[first:first + rng.integers(1, 6)] = True
        products.append(Product(name, kind, demand, np.where(stocked_out, 0.0, demand), stocked_out,
                                int(rng.integers(2, 6))))
    return products


def seasonal_naive(history: np.ndarray, horizon: int) -> np.ndarray:
    """Last week again: the baseline the forecasts must beat."""
    week = history[-7:]
    return np.array([week[i % 7] for i in range(horizon)], dtype=float)


def moving_average(history: np.ndarray, horizon: int, window: int = 28) -> np.ndarray:
    return np.full(horizon, float(history[-window:].mean()))
