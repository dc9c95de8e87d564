"""Domain errors read naturally in every language the bot speaks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp_core.errors import AmbiguousProduct, InsufficientStock, PermissionDenied
from erp_core.messages import CATALOG, LANGUAGES, render


def test_every_message_exists_in_every_language():
    assert all(set(texts) == set(LANGUAGES) for texts in CATALOG.values())


@pytest.mark.parametrize("language, expected", [
    ("en", "Not enough stock of Maggi: 2.5 available, 10 needed."),
    ("hinglish", "Maggi ka stock kam hai: 2.5 bacha hai, 10 chahiye."),
    ("hi", "Maggi का स्टॉक कम है: 2.5 बचा है, 10 चाहिए।"),
    ("ne", "Maggi को मौज्दात पुगेन: 2.5 बाँकी छ, 10 चाहिन्छ।"),
    ("ne_roman", "Maggi ko stock pugena: 2.5 baki cha, 10 chahincha."),
])
def test_insufficient_stock_in_every_language(language, expected):
    error = InsufficientStock(product="Maggi", available=Decimal("2.500"), requested=Decimal("10.000"))
    assert render(error, language) == expected


def test_candidates_are_listed_and_unknown_languages_fall_back_to_english():
    error = AmbiguousProduct(query="maggi", candidates=["Maggi 70g", "Maggi 280g"])
    assert render(error, "hinglish") == "Kaunsa wala: Maggi 70g, Maggi 280g?"
    assert render(PermissionDenied(permission="profit.view"), "fr") == "Sorry, you are not allowed to do that."


@pytest.mark.parametrize("value, expected", [
    ("0", "₹0"), ("999", "₹999"), ("1000", "₹1,000"), ("120500", "₹1,20,500"),
    ("1234567.5", "₹12,34,567.50"), ("150000000", "₹15,00,00,000"), ("-4500.25", "-₹4,500.25"),
])
def test_money_is_grouped_the_indian_way(value, expected):
    from erp_core.messages import format_money

    assert format_money(Decimal(value)) == expected
