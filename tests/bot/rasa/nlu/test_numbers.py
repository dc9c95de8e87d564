"""Numbers as shop owners type them, in digits of both scripts and in Hindi, Nepali and English words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.rasa.nlu.normalise import words
from bot.rasa.nlu.numbers import parse_number, plain


def number(text: str) -> tuple[str, int] | None:
    """The number at the start of `text` as the contract writes it, and how many words it took."""
    keys = [w.key for w in words(text)]
    match = parse_number(keys, 0)
    return None if match is None else (plain(match.value), match.end)


@pytest.mark.parametrize("text, value", [
    # digits, grouping, decimals, Devanagari digits
    ("5000", "5000"), ("5,000", "5000"), ("1,50,000", "150000"), ("1.5", "1.5"), ("२.५", "2.5"),
    ("५०००", "5000"), ("१,५०,०००", "150000"), ("5k", "5000"), ("2.5k", "2500"), ("५k", "5000"),
    # Hindi in Roman letters, with the spellings people use
    ("paanch hazaar", "5000"), ("panch hazar", "5000"), ("paach hajar", "5000"), ("pAAnch HAZAAR", "5000"),
    ("das hazaar", "10000"), ("dus hazar", "10000"), ("bees", "20"), ("pachaas", "50"), ("pachas", "50"),
    ("ek sau", "100"), ("do sau pachaas", "250"), ("teen sau", "300"), ("sau", "100"),
    ("dedh lakh", "150000"), ("derh lakh", "150000"), ("dedh", "1.5"), ("dhai", "2.5"), ("dhaai sau", "250"),
    ("adhai hazaar", "2500"), ("sawa", "1.25"), ("sawa do sau", "225"), ("sawa lakh", "125000"),
    ("paune", "0.75"), ("paune teen hazaar", "2750"), ("paune do", "1.75"), ("saade teen hazaar", "3500"),
    ("saadhe chaar", "4.5"), ("aadha", "0.5"), ("ek crore", "10000000"), ("do karod", "20000000"),
    ("do lakh bees hazaar paanch sau pachaas", "220550"), ("5 lakh", "500000"), ("2 hazaar", "2000"),
    ("1.5 lakh", "150000"), ("ek hazaar aur paanch sau", "1500"),
    # Hindi in Devanagari
    ("पाँच हजार", "5000"), ("पांच हज़ार", "5000"), ("डेढ़ लाख", "150000"), ("ढाई सौ", "250"), ("सवा सौ", "125"),
    ("पौने दो सौ", "175"), ("साढ़े तीन हजार", "3500"), ("एक करोड़", "10000000"), ("बीस", "20"), ("पचास", "50"),
    ("आधा", "0.5"), ("दस हज़ार", "10000"),
    # Nepali in Devanagari and Roman letters
    ("पाँच सय", "500"), ("दुई हजार", "2000"), ("तीन सय पचास", "350"), ("एघार", "11"), ("बाह्र", "12"),
    ("dui hajar", "2000"), ("tin saya", "300"), ("das hajar", "10000"), ("एक लाख", "100000"),
    # English
    ("two thousand five hundred", "2500"), ("twenty five", "25"), ("twenty-five", "25"), ("one lakh", "100000"),
    ("two and a half", "2.5"), ("hundred", "100"), ("three crore", "30000000"),
])
def test_number_words_and_digits_give_one_value(text, value):
    found = number(text)
    assert found is not None, text
    assert found == (value, len(words(text))), text


@pytest.mark.parametrize("text, value, used", [
    ("5 10", "5", 1),                  # two numbers, not fifty-ten
    ("paanch hazaar das", "5010", 3),
    ("hazaar lakh", "1000", 1),        # groups must fall in size
    ("5000 rupaye", "5000", 1),
    ("das kilo", "10", 1),
])
def test_a_number_stops_where_it_ends(text, value, used):
    assert number(text) == (value, used)


@pytest.mark.parametrize("text", ["chawal", "kitna", "saade", "", "and", "kilo"])
def test_words_that_are_not_numbers(text):
    assert number(text) is None


def test_plain_has_no_exponent_or_trailing_zeros():
    assert [plain(Decimal(v)) for v in ("1.50", "1E+5", "150000.0", "0.250")] == ["1.5", "100000", "150000", "0.25"]
