"""Pure helpers of the query actions: prices and phone numbers from text, pending commands, phrases, help rows."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest

import actions.new_records
from actions import phrases
from actions.language import LANGUAGES
from actions.new_records import parse_price, split_phone
from actions.pending import pending_value, read_pending
from actions.stock import product_payload


def test_doctests():
    assert doctest.testmod(actions.new_records).failed == 0


@pytest.mark.parametrize("text, price", [
    ("₹1,20,500", Decimal("120500")), ("250 rs", Decimal("250")), ("३५.५०", Decimal("35.50")),
    ("0", None), ("kuch nahi", None),
])
def test_parse_price(text, price):
    assert parse_price(text) == price


@pytest.mark.parametrize("text, expected", [
    ("Pooja Singh 9876543210", ("Pooja Singh", "919876543210")),
    ("+91 98765-43210 Imran", ("Imran", "919876543210")),
    ("Mohan Lal", ("Mohan Lal", None)),
    ("Order 12345", ("Order 12345", None)),
])
def test_split_phone(text, expected):
    assert split_phone(text) == expected


def test_a_pending_command_round_trips_and_garbage_is_nothing():
    value = pending_value("add_customer", name="रमेश", phone=None)
    assert read_pending(value) == ("add_customer", {"name": "रमेश", "phone": None})
    assert read_pending(None) is None and read_pending("not json") is None and read_pending("[1]") is None


def test_product_payloads_carry_the_exact_name():
    assert product_payload("check_stock", 'Maggi "Masala" 70g') == '/check_stock{"product": "Maggi \\"Masala\\" 70g"}'


def test_every_phrase_period_and_status_is_in_every_language():
    tables = [*phrases.PHRASES.values(), *phrases.PERIOD_NAMES.values(), *phrases.ORDER_STATUS_NAMES.values()]
    for table in tables:
        assert set(table) == set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_help_rows_fit_a_whatsapp_list_and_customers_get_only_their_three(language):
    rows = phrases.help_rows(language)
    assert len(rows) == 10 and all(len(title) <= 24 and len(example) <= 72 for _, title, example in rows)
    assert [payload for payload, _, _ in phrases.help_rows(language, customer=True)] == list(phrases.CUSTOMER_HELP)
