"""Amounts in words, Indian numbering."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest

from erp_core import words


@pytest.mark.parametrize("amount, expected", [
    ("120500", "Rupees One Lakh Twenty Thousand Five Hundred Only"),
    ("100000", "Rupees One Lakh Only"),
    ("10000000", "Rupees One Crore Only"),
    ("99999999", "Rupees Nine Crore Ninety Nine Lakh Ninety Nine Thousand Nine Hundred Ninety Nine Only"),
    ("1011.01", "Rupees One Thousand Eleven and One Paise Only"),
    ("19", "Rupees Nineteen Only"),
    ("0", "Rupees Zero Only"),
])
def test_indian_numbering(amount, expected):
    assert words.rupees_in_words(Decimal(amount)) == expected


def test_doctests():
    assert doctest.testmod(words).failed == 0
