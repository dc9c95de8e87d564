"""GSTIN: the public test vectors, and a distinct error for each kind of mistake."""

from __future__ import annotations

import pytest

from erp_core.errors import InvalidChecksum, InvalidComponent, InvalidFormat
from erp_core.ids import gstin
from erp_core.ids.states import STATES
from erp_core.messages import render


@pytest.mark.parametrize("number", ["27AAPFU0939F1ZV", "29AABCR1718E1ZL", "24AANFA2641L1ZF"])
def test_valid_vectors(number):
    assert gstin.validate(number) == number
    assert gstin.is_valid(number.lower())


@pytest.mark.parametrize("number, error", [
    ("27AAPFU0939F1ZO", InvalidChecksum),
    ("24AANFA2641L1ZK", InvalidChecksum),
    ("00AABCE2207R1Z5", InvalidComponent),
    ("27AAPFU0939F1Z", InvalidFormat),
    ("27AAPF00939F1ZV", InvalidFormat),
    ("27AAPFU0939F1XV", InvalidFormat),
    ("2AAAPFU0939F1ZV", InvalidFormat),
])
def test_invalid_vectors(number, error):
    with pytest.raises(error) as raised:
        gstin.validate(number)
    assert type(raised.value) is error
    assert not gstin.is_valid(number)


def test_every_single_character_typo_is_caught():
    number = "29AABCR1718E1ZL"
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    typos = [number[:i] + c + number[i + 1:] for i in range(15) for c in alphabet if c != number[i]]
    assert len(typos) == 15 * 35
    assert not any(gstin.is_valid(typo) for typo in typos)


def test_current_state_table():
    assert STATES["38"] == "Ladakh"
    assert STATES["97"] == "Other Territory"
    assert STATES["26"] == "Dadra and Nagar Haveli and Daman and Diu"
    assert STATES["37"] == "Andhra Pradesh"
    assert "25" not in STATES and "28" not in STATES
    body = "AAPFU0939F1Z"
    assert gstin.is_valid("38" + body + gstin.calc_check_character("38" + body))
    with pytest.raises(InvalidComponent):
        gstin.validate("25" + body + gstin.calc_check_character("25" + body))


def test_errors_read_naturally():
    with pytest.raises(InvalidChecksum) as raised:
        gstin.validate("27AAPFU0939F1ZO")
    assert render(raised.value, "en") == (
        "27AAPFU0939F1ZO is not a valid GSTIN: the check character does not match; please check it for a typo."
    )
    assert "GSTIN" in render(raised.value, "hi")


@pytest.mark.parametrize("number, kind", [
    ("07DELA12345B1DE", "tds"),          # a tax deductor on its TAN
    ("29BLRT01234E1DN", "tds"),
    ("27AAPFU0939F1C6", "tcs"),          # an e-commerce operator collecting tax
    ("07DELH12005A1Z4", "government"),   # a government department without a PAN
    ("0717UNO00157UNO", "uin"),          # a UN body or an embassy
    ("0717USA00012NR7", "nrtp"),         # a non-resident taxable person
    ("27AAPFU0939F1ZV", "regular"),
])
def test_other_registrations_are_gstins_with_the_same_check_character(number, kind):
    assert gstin.registration(number) == kind
    assert gstin.state_code(number) == number[:2]
    wrong = number[:14] + ("0" if number[14] != "0" else "1")
    with pytest.raises(InvalidChecksum):
        gstin.validate(wrong)
