"""Named reporting periods ("aaj", "kal ka", "is hafte", "pichhle mahine") as time ranges in the shop's calendar.

The NLU gives one of `PERIODS`; reports need the UTC instants where that
period starts and ends in the shop's time zone (IST or NPT). Weeks start on
Monday.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo

from erp_core.errors import ValidationError

PERIODS = ("today", "yesterday", "this_week", "last_week", "this_month", "last_month")


class Period(NamedTuple):
    name: str
    start: datetime
    """First instant of the period (UTC, inclusive)."""
    end: datetime
    """First instant after the period (UTC, exclusive); for a running period, the start of tomorrow."""
    first_day: date
    last_day: date


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _days(name: str, today: date) -> tuple[date, date]:
    """The first day and the day after the last day of the period `name`, seen on `today`."""
    if name == "today":
        return today, today + timedelta(days=1)
    if name == "yesterday":
        return today - timedelta(days=1), today
    monday = today - timedelta(days=today.weekday())
    if name == "this_week":
        return monday, today + timedelta(days=1)
    if name == "last_week":
        return monday - timedelta(days=7), monday
    if name == "this_month":
        return _month_start(today), today + timedelta(days=1)
    if name == "last_month":
        this_month = _month_start(today)
        return _month_start(this_month - timedelta(days=1)), this_month
    raise ValidationError(field="period", reason=f"{name!r} is not one of {', '.join(PERIODS)}")


def period(name: str, tz: str, now: datetime) -> Period:
    """The period `name` in time zone `tz`, as it stands at `now` (an aware datetime)."""
    zone = ZoneInfo(tz)
    first, after = _days(name, now.astimezone(zone).date())

    def instant(day: date) -> datetime:
        return datetime.combine(day, time(), zone).astimezone(timezone.utc)

    return Period(name, instant(first), instant(after), first, after - timedelta(days=1))
