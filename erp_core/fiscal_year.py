"""Financial years: April to March in India, Shrawan 1 to Ashadh end (Bikram Sambat) in Nepal.

>>> from datetime import date
>>> financial_year(Country.IN, date(2026, 3, 31)).label, financial_year(Country.IN, date(2026, 4, 1)).label
('2025-26', '2026-27')
>>> fy = financial_year(Country.NP, date(2025, 7, 17))   # 2082-04-01 BS, Shrawan 1
>>> fy.label, fy.short, fy.start, fy.end
('2082-83', '82-83', datetime.date(2025, 7, 17), datetime.date(2026, 7, 16))
>>> financial_year(Country.NP, date(2025, 7, 16)).label   # 2082-03-32 BS, Ashadh end
'2081-82'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import nepali_datetime

from erp_core.enums import Country
from erp_core.errors import ValidationError

SHRAWAN = 4
"""Shrawan is the fourth month of the Bikram Sambat year."""


@dataclass(frozen=True)
class FinancialYear:
    label: str
    """`2025-26` (India, AD) or `2082-83` (Nepal, BS)."""
    start: date
    """First day, in the Gregorian calendar."""
    end: date
    """Last day, in the Gregorian calendar."""

    @property
    def short(self) -> str:
        """`25-26`: the form invoice numbers carry."""
        return self.label[2:]


def financial_year(country: Country, day: date) -> FinancialYear:
    """The financial year a (shop-local) date belongs to."""
    if country is Country.NP:
        bs = nepali_datetime.date.from_datetime_date(day)
        first = bs.year if bs.month >= SHRAWAN else bs.year - 1
        start = nepali_datetime.date(first, SHRAWAN, 1).to_datetime_date()
        end = nepali_datetime.date(first + 1, SHRAWAN, 1).to_datetime_date() - timedelta(days=1)
    else:
        first = day.year if day.month >= 4 else day.year - 1
        start, end = date(first, 4, 1), date(first + 1, 3, 31)
    return FinancialYear(f"{first}-{(first + 1) % 100:02d}", start, end)


def nepali_period(fiscal_year: str, month: int | None) -> tuple[int, int | None]:
    """The Bikram Sambat year a month of a Nepali fiscal year (`2082-83`) falls in, and the month (1 Baisakh …
    12 Chaitra); without a month, the fiscal year's first year. `ValidationError` for a malformed one."""
    try:
        first, second = (int(part) for part in fiscal_year.split("-"))
    except ValueError:
        raise ValidationError(field="fiscal_year", reason="a Nepali fiscal year reads like 2082-83") from None
    if second != (first + 1) % 100:
        raise ValidationError(field="fiscal_year", reason="a Nepali fiscal year reads like 2082-83")
    if month is None:
        return first, None
    if not 1 <= month <= 12:
        raise ValidationError(field="month", reason="a Bikram Sambat month is 1 (Baisakh) to 12 (Chaitra)")
    return (first if month >= SHRAWAN else first + 1), month


def bs_date(day: date) -> str:
    """A Gregorian date as a Bikram Sambat date, `2082-04-01`."""
    return nepali_datetime.date.from_datetime_date(day).strftime("%Y-%m-%d")
