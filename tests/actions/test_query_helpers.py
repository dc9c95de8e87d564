"""Pure helpers of the actions: numbers and phone numbers from text, phrases, help rows."""

from __future__ import annotations

import pytest

from actions import phrases
from actions.choices import payload
from actions.items import first_number
from actions.language import LANGUAGES
from erp_core import messages
from erp_core.enums import ReplyLanguage
from erp_core.ids import mobile
from erp_core.undo import UNDOABLE


@pytest.mark.parametrize("text, number", [
    ("₹1,20,500", "120500"), ("250 rs", "250"), ("३५.५०", "35.50"), ("0", "0"), ("kuch nahi", None),
])
def test_a_number_answer_is_read_as_typed(text, number):
    assert first_number(text) == number


@pytest.mark.parametrize("text, expected", [
    ("Pooja Singh 9876543210", ("Pooja Singh", "919876543210")),
    ("+91 98765-43210 Imran", ("Imran", "919876543210")),
    ("Mohan Lal", ("Mohan Lal", None)),
    ("Order 12345", ("Order 12345", None)),
])
def test_a_name_typed_with_an_indian_mobile(text, expected):
    name, number = mobile.find(text)
    assert (name, mobile.validate(number, "IN") if number else None) == expected


def test_product_payloads_carry_the_exact_name():
    assert payload("check_stock", product='Maggi "Masala" 70g') == '/check_stock{"product": "Maggi \\"Masala\\" 70g"}'


def test_every_phrase_period_and_status_is_in_every_language():
    tables = [*phrases.PHRASES.values(), *phrases.PERIOD_NAMES.values(), *messages.ORDER_STATUS_NAMES.values()]
    for table in tables:
        assert set(table) == set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_help_rows_fit_a_whatsapp_list_and_customers_get_only_their_three(language):
    rows = phrases.help_rows(language)
    assert len(rows) == 10 and all(len(title) <= 24 and len(example) <= 72 for _, title, example in rows)
    assert [payload for payload, _, _ in phrases.help_rows(language, customer=True)] == list(phrases.CUSTOMER_HELP)


@pytest.mark.parametrize("operation", UNDOABLE)
def test_every_entry_undo_can_reverse_has_a_name_in_each_language(operation):
    names = phrases.UNDONE_NAMES[operation]
    assert set(names) == set(LANGUAGES) and all(names.values())


def test_every_reply_language_has_a_name_to_show_in_the_settings():
    assert {f"language_{language.value}" for language in ReplyLanguage} <= set(phrases.PHRASES)
