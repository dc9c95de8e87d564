"""Amounts and quantities are exact Decimals within believable bounds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp_core.errors import ValidationError
from erp_core.values import money, quantity


@pytest.mark.parametrize("raw, expected", [("5000", "5000.00"), (5000, "5000.00"), (Decimal("12.5"), "12.50")])
def test_money_accepts_exact_numbers(raw, expected):
    assert money(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", [0.1, "1.005", "-1", "abc", "NaN", "Infinity", "1e12", True])
def test_money_rejects_floats_fractions_of_paise_and_nonsense(raw):
    with pytest.raises(ValidationError):
        money(raw)


def test_quantities_have_three_decimals_and_a_sign_only_when_asked():
    assert quantity("0.25") == Decimal("0.250")
    assert quantity("-2", signed=True) == Decimal("-2.000")
    for bad in ("-2", "0", "0.0001", 2.5):
        with pytest.raises(ValidationError):
            quantity(bad)
    assert quantity("0", allow_zero=True) == 0
