"""Daily demand forecasts for one product from its own sales history, with prediction intervals.

    result = forecast(history, first_day, horizon=14, country="IN", missing=stocked_out)
    result.mean, result.lower, result.upper, result.method, result.error_sd

How (statsforecast's models; the choice is each product's own):

- days the product was out of stock hide demand: they are filled from the same weekday of the weeks around them
  before anything is fitted (`missing`);
- festival weeks (`festivals.windows`) are taken out as a multiplier when the history shows one (a product that
  sold 1.6 times its usual in the weeks before past festivals), fitted on the rest, and put back on the festival
  weeks ahead;
- a product that sells on most days is forecast by AutoETS (Holt-Winters with weekly seasonality), a 28-day
  average or the seasonal naive; one that sells on few days (average interval between sales above 1.32) by
  Croston (optimised), ADIDA or IMAPA; each candidate is backtested on the product's last weeks and the one
  with the lowest WAPE is refitted on all of it;
- the interval is the forecast ± z × the backtest's error spread (80 % by default); negative demand is 0;
- a product with under 30 days of history borrows a weekly pattern (its category's, else the shop's) scaled to
  what it sold so far.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import NormalDist

import numpy as np

from erp_core.forecasting import festivals

logger = logging.getLogger(__name__)

SEASON = 7
MIN_HISTORY = 30
"""Fewer days than this: a new product, forecast from a borrowed weekly pattern."""
INTERMITTENT_ADI = 1.32
"""Average days between sales above which a product is intermittent (Syntetos-Boylan)."""
BACKTEST_DAYS = 28
MIN_FESTIVAL_LIFT = 1.1
"""A festival multiplier is used only when the history shows at least this much more in festival weeks."""


@dataclass(frozen=True)
class Forecast:
    """Expected daily demand from `start`, one value a day, with its interval."""

    start: date
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    method: str
    error_sd: float
    """The spread of a day's forecast error in the backtest (units a day): the safety stock's measure."""
    festival_lift: float = 1.0

    def total(self, days: int) -> float:
        """Expected demand over the first `days` days."""
        return float(self.mean[:days].sum())


def weekly_pattern(history: np.ndarray, first_day: date) -> np.ndarray:
    """Each weekday's share of a week's sales (7 values, mean 1), Monday first; flat when nothing sold."""
    if len(history) == 0 or history.sum() <= 0:
        return np.ones(SEASON)
    weekdays = (first_day.weekday() + np.arange(len(history))) % SEASON
    means = np.array([history[weekdays == day].mean() if np.any(weekdays == day) else 0.0 for day in range(SEASON)])
    return means / means.mean() if means.mean() > 0 else np.ones(SEASON)


def _fill_missing(history: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """Stocked-out days given the mean of the same weekday in the 4 weeks either side that had stock (or what
    was sold, when more: a day that ran out at closing time still sold what it sold)."""
    filled = history.astype(float).copy()
    have = ~missing
    for index in np.flatnonzero(missing):
        around = [index + SEASON * k for k in range(-4, 5) if k and 0 <= index + SEASON * k < len(history)]
        seen = [history[i] for i in around if have[i]]
        usual = float(np.mean(seen)) if seen else float(np.mean(history[have])) if have.any() else 0.0
        filled[index] = max(usual, float(history[index]))
    return filled


def _festival_lift(history: np.ndarray, first_day: date, country: str) -> tuple[float, np.ndarray]:
    """(The multiplier of festival weeks, the mask of history days in one), from the history itself."""
    last_day = first_day + timedelta(days=len(history) - 1)
    marked = festivals.windows(country, first_day, last_day)
    mask = np.array([(first_day + timedelta(days=i)) in marked for i in range(len(history))])
    if mask.sum() < festivals.WINDOW_DAYS or (~mask).sum() < 4 * SEASON:
        return 1.0, mask
    usual = history[~mask].mean()
    lift = float(history[mask].mean() / usual) if usual > 0 else 1.0
    return (lift if lift >= MIN_FESTIVAL_LIFT else 1.0), mask


class YearOverYear:
    """For data kept by the week: the same weeks a year before, scaled by how the last `window` weeks compare with
    the same weeks a year before (a shop growing 8 % sells 8 % more than last Diwali week)."""

    def __init__(self, season: int, window: int = 8) -> None:
        self.season, self.window = season, window

    def forecast(self, y: np.ndarray, h: int) -> dict[str, np.ndarray]:
        if len(y) < self.season + self.window:
            raise ValueError("needs a season and a window of history")
        recent, before = y[-self.window:].sum(), y[-self.season - self.window:-self.season].sum()
        growth = recent / before if before > 0 else 1.0
        base = np.array([y[len(y) - self.season + (i % self.season)] for i in range(h)])
        return {"mean": base * growth}


class Blend:
    """The mean of two models' forecasts (a year-over-year and exponential smoothing err in different ways)."""

    def __init__(self, *models: object) -> None:
        self.models = models

    def forecast(self, y: np.ndarray, h: int) -> dict[str, np.ndarray]:
        return {"mean": np.mean([model.forecast(y=y, h=h)["mean"] for model in self.models], axis=0)}


def _candidates(intermittent: bool, season: int) -> list:
    from statsforecast.models import ADIDA, IMAPA, AutoETS, CrostonOptimized, SeasonalNaive, WindowAverage

    window = 28 if season == SEASON else 8
    if intermittent:
        return [CrostonOptimized(), ADIDA(), IMAPA(), WindowAverage(window_size=window)]
    if season != SEASON:
        return [YearOverYear(season), Blend(YearOverYear(season), AutoETS(season_length=season)),
                AutoETS(season_length=season), SeasonalNaive(season_length=season)]
    return [AutoETS(season_length=season), WindowAverage(window_size=window), SeasonalNaive(season_length=season)]


def _predict(model, y: np.ndarray, horizon: int) -> np.ndarray:
    try:
        return np.maximum(np.asarray(model.forecast(y=y.astype(float), h=horizon)["mean"], dtype=float), 0.0)
    except Exception as error:  # a model that cannot fit this series (too short, constant) is not a candidate
        logger.debug("%s failed: %s", type(model).__name__, error)
        return np.full(horizon, np.nan)


def _wape(actual: np.ndarray, predicted: np.ndarray) -> float:
    total = np.abs(actual).sum()
    return float(np.abs(actual - predicted).sum() / total) if total > 0 else float(np.abs(predicted).sum())


def _cold_start(history: np.ndarray, first: date, start: date, horizon: int, pattern: np.ndarray | None,
                z: float, missing: np.ndarray) -> Forecast:
    seen = history[~missing] if len(history) else history
    level = float(seen.mean()) if len(seen) else 0.0
    shape = pattern if pattern is not None else np.ones(SEASON)
    weekdays = (start.weekday() + np.arange(horizon)) % SEASON
    mean = level * shape[weekdays]
    spread = np.sqrt(np.maximum(mean, 0.0))          # Poisson-like: the only spread a few days can give
    return Forecast(start, mean, np.maximum(mean - z * spread, 0.0), mean + z * spread,
                    "category pattern" if pattern is not None else "average so far",
                    float(np.sqrt(max(level, 0.0))))


def forecast(history: np.ndarray, first_day: date, horizon: int, *, country: str | None = "IN",
             missing: np.ndarray | None = None, pattern: np.ndarray | None = None, level: int = 80,
             season: int = SEASON) -> Forecast:
    """Daily demand for the `horizon` days after `history` (one quantity a day from `first_day`).

    `missing` marks days the product was out of stock (their zero is not demand); `pattern` is the weekly shape
    (`weekly_pattern`) a product with under 30 days borrows; `level` the interval's coverage in percent.
    `country` None leaves festivals out, and `season` other than 7 reads the series as periods of that season
    (52: weekly totals, for data kept by the week)."""
    history = np.asarray(history, dtype=float)
    missing = np.zeros(len(history), dtype=bool) if missing is None else np.asarray(missing, dtype=bool)
    start = first_day + timedelta(days=len(history))
    z = NormalDist().inv_cdf(0.5 + level / 200)
    if (~missing).sum() < MIN_HISTORY:
        return _cold_start(history, first_day, start, horizon, pattern, z, missing)
    filled = _fill_missing(history, missing) if season == SEASON else history
    lift, in_festival = (_festival_lift(filled, first_day, country) if country and season == SEASON
                         else (1.0, np.zeros(len(filled), dtype=bool)))
    usual = np.where(in_festival, filled / lift, filled)
    sold_days = np.count_nonzero(usual > 0)
    intermittent = sold_days == 0 or len(usual) / sold_days > INTERMITTENT_ADI
    test = min(BACKTEST_DAYS, len(usual) // 4)
    best, best_error, best_residuals = None, np.inf, np.zeros(1)
    for model in _candidates(intermittent, season):
        predicted = _predict(model, usual[:-test], test)
        if np.isnan(predicted).any():
            continue
        error = _wape(usual[-test:], predicted)
        if error < best_error:
            best, best_error, best_residuals = model, error, usual[-test:] - predicted
    if best is None:
        return _cold_start(history[-MIN_HISTORY:], first_day, start, horizon, weekly_pattern(usual, first_day), z,
                           np.zeros(min(len(history), MIN_HISTORY), dtype=bool))
    mean = _predict(best, usual, horizon)
    ahead = festivals.windows(country, start, start + timedelta(days=horizon - 1)) if lift != 1.0 else {}
    boost = np.array([lift if (start + timedelta(days=i)) in ahead else 1.0 for i in range(horizon)])
    mean = mean * boost
    error_sd = float(np.sqrt(np.mean(best_residuals ** 2)))
    spread = z * error_sd * boost
    return Forecast(start, mean, np.maximum(mean - spread, 0.0), mean + spread, type(best).__name__, error_sd,
                    lift)
