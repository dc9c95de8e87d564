"""Financial years: April-March in India, Shrawan-Ashadh (Bikram Sambat) in Nepal."""

from __future__ import annotations

import doctest
from datetime import date, timedelta

from erp_core import fiscal_year
from erp_core.enums import Country
from erp_core.fiscal_year import financial_year


def test_india_april_to_march():
    fy = financial_year(Country.IN, date(2025, 11, 23))
    assert (fy.label, fy.short, fy.start, fy.end) == ("2025-26", "25-26", date(2025, 4, 1), date(2026, 3, 31))
    assert financial_year(Country.IN, date(2099, 12, 31)).label == "2099-00"


def test_nepal_years_follow_on_from_each_other():
    fy = financial_year(Country.NP, date(2025, 11, 23))
    assert fy.label == "2082-83"
    assert fiscal_year.bs_date(fy.start).endswith("-04-01")   # Shrawan 1
    assert fiscal_year.bs_date(fy.end)[5:7] == "03"           # the last day of Ashadh
    following = financial_year(Country.NP, fy.end + timedelta(days=1))
    assert (following.label, following.start) == ("2083-84", fy.end + timedelta(days=1))
    assert 365 <= (fy.end - fy.start).days + 1 <= 366


def test_doctests():
    assert doctest.testmod(fiscal_year).failed == 0
