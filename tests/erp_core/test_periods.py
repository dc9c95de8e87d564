"""Reporting periods follow the shop's calendar, not UTC."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from erp_core.errors import ValidationError
from erp_core.periods import PERIODS, period

# Wednesday 2025-01-15 at 20:00 UTC is already Thursday the 16th, 01:30 in India.
NOW = datetime(2025, 1, 15, 20, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("name, first, last", [
    ("today", date(2025, 1, 16), date(2025, 1, 16)),
    ("yesterday", date(2025, 1, 15), date(2025, 1, 15)),
    ("this_week", date(2025, 1, 13), date(2025, 1, 16)),
    ("last_week", date(2025, 1, 6), date(2025, 1, 12)),
    ("this_month", date(2025, 1, 1), date(2025, 1, 16)),
    ("last_month", date(2024, 12, 1), date(2024, 12, 31)),
])
def test_periods_are_days_of_the_shop_calendar(name, first, last):
    p = period(name, "Asia/Kolkata", NOW)
    assert (p.first_day, p.last_day) == (first, last)
    assert p.start == datetime(first.year, first.month, first.day, tzinfo=timezone.utc) - (
        datetime(2025, 1, 1, 5, 30) - datetime(2025, 1, 1))


def test_today_in_nepal_starts_at_local_midnight():
    p = period("today", "Asia/Kathmandu", NOW)
    assert p.start == datetime(2025, 1, 15, 18, 15, tzinfo=timezone.utc)
    assert p.end == datetime(2025, 1, 16, 18, 15, tzinfo=timezone.utc)


def test_every_period_has_a_positive_length():
    assert all(period(name, "Asia/Kolkata", NOW).end > period(name, "Asia/Kolkata", NOW).start for name in PERIODS)


def test_an_unknown_period_is_refused():
    with pytest.raises(ValidationError):
        period("next_year", "Asia/Kolkata", NOW)
