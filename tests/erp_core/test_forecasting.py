"""Demand forecasts: festivals on their lunar dates, the model each series gets, stock-outs that hide demand,
festival weeks, new products, and the reorder decision made from a forecast; `bot forecast` on a CSV."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from erp_core.forecasting import festivals
from erp_core.forecasting.demand import Forecast, forecast, weekly_pattern
from erp_core.forecasting.reorder_plan import MONITOR, SOON, URGENT, days_to_stockout, plan

ROOT = Path(__file__).resolve().parents[2]
START = date(2025, 1, 6)   # a Monday
WEEK = np.array([0.9, 0.8, 0.9, 1.0, 1.1, 1.4, 0.9])


def weekly_series(days: int, level: float = 20.0, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.poisson(level * WEEK[np.arange(days) % 7]).astype(float)


def wape(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.abs(actual - predicted).sum() / actual.sum())


def test_festivals_come_on_their_dates_for_each_country():
    assert festivals.festival_days("IN", 2026)[date(2026, 11, 8)] == "Diwali"
    assert festivals.festival_days("IN", 2024)[date(2024, 10, 31)] == "Diwali"
    nepal = festivals.festival_days("NP", 2026)
    assert nepal[date(2026, 10, 20)] == "Dashain" and nepal[date(2026, 11, 8)] == "Tihar"
    weeks = festivals.windows("IN", date(2026, 11, 1), date(2026, 11, 10))
    assert date(2026, 11, 1) not in weeks
    assert {weeks[date(2026, 11, 2)], weeks[date(2026, 11, 8)], weeks[date(2026, 11, 9)]} == {"Diwali", "Chhath"}
    assert weeks[date(2026, 11, 8)] == "Diwali" and weeks[date(2026, 11, 9)] == "Chhath"   # 15 November


def test_a_weekly_pattern_is_forecast_better_than_last_week_repeated():
    series = weekly_series(364 + 28)
    history, actual = series[:364], series[364:]
    result = forecast(history, START, 28)
    naive = np.array([history[-7:][i % 7] for i in range(28)])
    assert wape(actual, result.mean) < 0.9 * wape(actual, naive)
    assert result.mean[5] > result.mean[1], "Saturday sells more than Tuesday"
    inside = np.mean((actual >= result.lower) & (actual <= result.upper))
    assert 0.6 <= inside <= 0.98, f"an 80 % interval holds {inside:.0%} of the days"


def test_days_out_of_stock_do_not_pull_the_forecast_down():
    series = weekly_series(364)
    hidden = series.copy()
    hidden[343:364] = 0                                      # the last three weeks with nothing on the shelf
    stocked_out = np.zeros(364, dtype=bool)
    stocked_out[343:364] = True
    told = forecast(hidden, START, 14, missing=stocked_out).total(14)
    untold = forecast(hidden, START, 14).total(14)
    truth = forecast(series, START, 14).total(14)
    assert abs(told - truth) < 0.15 * truth and untold < 0.85 * truth


def test_a_product_that_sells_more_before_festivals_is_expected_to_again():
    first = date(2024, 1, 1)
    days = 730 + 300
    series = weekly_series(days, level=10.0, seed=3)
    marked = festivals.windows("IN", first, first + timedelta(days=days + 60))
    for i in range(days):
        if first + timedelta(days=i) in marked:
            series[i] *= 2.2
    cut = (date(2026, 10, 25) - first).days                 # two weeks before Diwali 2026
    result = forecast(series[:cut], first, 21)
    diwali_week = [i for i in range(21) if result.start + timedelta(days=i) in marked]
    usual = [i for i in range(21) if i not in diwali_week]
    assert result.festival_lift > 1.5
    assert result.mean[diwali_week].mean() > 1.5 * result.mean[usual].mean()


def test_a_product_sold_on_few_days_gets_an_intermittent_demand_method():
    rng = np.random.default_rng(5)
    series = np.where(rng.random(300) < 0.2, rng.integers(1, 4, 300), 0).astype(float)
    result = forecast(series, START, 14)
    assert result.method in ("CrostonOptimized", "ADIDA", "IMAPA", "WindowAverage")
    assert 0.1 < result.mean.mean() < 0.8 and (result.lower >= 0).all()


def test_a_new_product_borrows_its_categorys_weekly_pattern():
    pattern = weekly_pattern(weekly_series(140), START)
    result = forecast(np.array([10.0, 12, 9, 11, 10, 14, 10, 9, 11, 12]), START, 7, pattern=pattern)
    assert result.method == "category pattern"
    saturday = (5 - result.start.weekday()) % 7
    assert result.mean[saturday] == pytest.approx(result.mean.mean() * pattern[5] / pattern.mean(), rel=0.25)
    assert forecast(np.array([]), START, 7).total(7) == 0


def flat(mean: float, sd: float, days: int = 30) -> Forecast:
    series = np.full(days, mean)
    return Forecast(START, series, series - sd, series + sd, "test", sd)


def test_the_reorder_decision_follows_lead_time_safety_stock_and_the_order_cycle():
    assert days_to_stockout(25, np.full(10, 10.0)) == 2 and days_to_stockout(0, np.full(3, 1.0)) == 0
    urgent = plan(flat(10, 3), on_hand=15, lead_time_days=3)
    assert urgent.priority == URGENT and urgent.days_to_stockout == 1
    assert urgent.safety_stock == pytest.approx(1.645 * 3 * 3 ** 0.5, rel=0.01)
    assert urgent.order_quantity == np.ceil(100 + urgent.safety_stock - 15)    # covers 3 + 7 days
    soon = plan(flat(10, 3), on_hand=95, lead_time_days=3)
    assert soon.priority == SOON and soon.order_quantity > 0
    assert plan(flat(10, 3), on_hand=400, lead_time_days=3).priority == MONITOR


def test_the_forecast_command_reads_a_sales_csv_and_writes_every_day_of_the_horizon(tmp_path):
    history = tmp_path / "sales.csv"
    with history.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["date", "product", "quantity"])
        for i, quantity in enumerate(weekly_series(120)):
            if quantity:
                writer.writerow([(START + timedelta(days=i)).isoformat(), "Maggi", int(quantity)])
        writer.writerow([(START + timedelta(days=100)).isoformat(), "Hing 50g", 1])
    out = tmp_path / "forecast.csv"
    done = subprocess.run([sys.executable, "-m", "bot", "forecast", "--history", str(history), "--horizon", "10",
                           "--out", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == ["date", "product", "forecast", "lower", "upper"]
    assert [row["date"] for row in rows if row["product"] == "Maggi"] == [
        (START + timedelta(days=120 + i)).isoformat() for i in range(10)]
    assert len([row for row in rows if row["product"] == "Hing 50g"]) == 10
    assert all(float(row["lower"]) <= float(row["forecast"]) <= float(row["upper"]) for row in rows)
    bad = tmp_path / "bad.csv"
    bad.write_text("date,product,quantity\n2025-13-01,Maggi,2\n")
    failed = subprocess.run([sys.executable, "-m", "bot", "forecast", "--history", str(bad), "--horizon", "3",
                             "--out", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert failed.returncode != 0 and "line 2" in failed.stderr
