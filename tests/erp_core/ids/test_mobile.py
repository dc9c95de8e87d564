"""Mobile numbers of India and Nepal: every way people write them becomes one wa_id."""

from __future__ import annotations

import pytest

from erp_core.errors import InvalidComponent, InvalidFormat, ValidationError
from erp_core.ids import mobile


@pytest.mark.parametrize("typed, country, wa_id", [
    ("9876543210", "IN", "919876543210"),
    ("+91 98765 43210", "NP", "919876543210"),
    ("+91-98765-43210", "IN", "919876543210"),
    ("0091 9876543210", "NP", "919876543210"),
    ("919876543210", "IN", "919876543210"),
    ("09876543210", "IN", "919876543210"),
    ("६२०१२३४५६७", "IN", "916201234567"),
    ("9841234567", "NP", "9779841234567"),
    ("984-1234567", "NP", "9779841234567"),
    ("+977 984-1234567", "IN", "9779841234567"),
    ("977 9712345678", "IN", "9779712345678"),
    ("00977-9841234567", "IN", "9779841234567"),
    ("९८४१२३४५६७", "NP", "9779841234567"),
])
def test_every_spelling_gives_the_wa_id(typed, country, wa_id):
    assert mobile.validate(typed, country) == wa_id
    assert mobile.validate(wa_id, "IN") == mobile.validate(wa_id, "NP") == wa_id  # a wa_id stays itself
    assert mobile.validate(mobile.format(typed, country), country) == wa_id  # the display form reads back


@pytest.mark.parametrize("typed, country, error", [
    ("98765432", "IN", InvalidFormat),           # too short
    ("987654321012", "IN", InvalidFormat),       # too long, not a country code
    ("", "IN", InvalidFormat),
    ("+91 98765 4321", "IN", InvalidFormat),     # nine digits after the code
    ("2226123456", "IN", InvalidComponent),      # a landline
    ("014412345", "NP", InvalidFormat),          # a Kathmandu landline
    ("0144123456", "NP", InvalidComponent),      # a landline with its trunk 0
    ("9612345678", "NP", InvalidComponent),      # Indian mobile shape, not a Nepali one
    ("+9779612345678", "IN", InvalidComponent),
    ("+1 415 555 2671", "IN", InvalidComponent),  # another country
    ("98765-4321x", "IN", InvalidFormat),
])
def test_wrong_numbers_say_what_is_wrong(typed, country, error):
    with pytest.raises(error) as raised:
        mobile.validate(typed, country)
    assert isinstance(raised.value, ValidationError)
    assert raised.value.params["kind"] == "mobile number"
    assert not mobile.is_valid(typed, country)


def test_the_shops_country_decides_only_numbers_without_a_code():
    assert mobile.validate("9841234567", "IN") == "919841234567"
    assert mobile.validate("9841234567", "NP") == "9779841234567"
    assert mobile.validate("7012345678", "IN") == "917012345678"
    assert not mobile.is_valid("7012345678", "NP")


def test_an_unknown_country_is_a_programming_error():
    with pytest.raises(ValueError):
        mobile.validate("9876543210", "US")


@pytest.mark.parametrize("text, expected", [
    ("Pooja Singh 98765 43210", ("Pooja Singh", "9876543210")),
    ("Pooja Singh +91 98765-43210", ("Pooja Singh", "+919876543210")),
    ("9876543210 Pooja", ("Pooja", "9876543210")),
    ("Thapa dai ९८४१२३४५६७", ("Thapa dai", "9841234567")),
    ("रमेश - ९८४१२३४५६७", ("रमेश", "9841234567")),
    ("Sharma ji", ("Sharma ji", None)),
    ("Sharma ji 12345", ("Sharma ji 12345", None)),
    ("Dolo 650 ke 10 patte", ("Dolo 650 ke 10 patte", None)),
])
def test_find_takes_the_number_out_of_a_name(text, expected):
    assert mobile.find(text) == expected
