"""UPI deep links round-trip, refuse bad input, and become QR codes."""

from __future__ import annotations

import doctest
import io
from decimal import Decimal

import pytest
from PIL import Image

from erp_core import upi
from erp_core.errors import InvalidComponent, InvalidFormat, ValidationError

D = Decimal


@pytest.mark.parametrize("payee, name, amount, reference", [
    ("sharma.kirana@okicici", "Sharma Kirana & Sons", D("1250.5"), "INV/25-26/0042"),
    ("9876543210@ybl", "मीना स्टोर", D("1"), "BOS-25-26-7"),
    ("Shop_1@PAYTM", "A+B Traders?", D("999999.99"), "CN/25-26/0001"),
])
def test_links_round_trip(payee, name, amount, reference):
    link = upi.pay_link(payee, name, amount, reference)
    assert link.startswith("upi://pay?pa=")
    assert " " not in link and "+" not in link.split("?", 1)[1].replace("%2B", "")
    back = upi.parse_link(link)
    assert (back.payee, back.name, back.amount, back.reference, back.currency) == (
        payee.lower(), name, amount.quantize(D("0.01")), reference, "INR")
    assert back.note == f"Invoice {reference}"


def test_link_parameters_are_exactly_as_npci_lists_them():
    link = upi.pay_link("shop@upi", "Gupta General Store", "10", "INV/1", note="Bill 1")
    assert link == "upi://pay?pa=shop@upi&pn=Gupta%20General%20Store&am=10.00&cu=INR&tn=Bill%201&tr=INV%2F1"


def test_bad_payees_and_amounts_are_refused():
    with pytest.raises(InvalidFormat):
        upi.pay_link("not a vpa", "Shop", "10", "INV/1")
    with pytest.raises(InvalidComponent):
        upi.pay_link("x@ybl", "Shop", "10", "INV/1")
    for amount in ("0", "-5", "10.001", 10.5):
        with pytest.raises(ValidationError):
            upi.pay_link("shop@ybl", "Shop", amount, "INV/1")
    with pytest.raises(ValidationError):
        upi.parse_link("https://pay?pa=shop@ybl&am=1")


def test_qr_png_holds_exactly_the_link():
    link = upi.pay_link("sharma.kirana@okicici", "Sharma Kirana", D("662"), "INV/25-26/0001")
    png = upi.qr_png(link, scale=4)
    image = Image.open(io.BytesIO(png)).convert("L")
    expected = [list(row) for row in upi.qr_code(link).matrix]
    size = len(expected)
    assert image.size == ((size + 8) * 4, (size + 8) * 4)
    read = [[image.getpixel(((col + 4) * 4 + 2, (row + 4) * 4 + 2)) < 128 for col in range(size)]
            for row in range(size)]
    assert read == [[bool(cell) for cell in row] for row in expected]
    other = [list(row) for row in upi.qr_code(link.replace("662.00", "663.00")).matrix]
    assert read != [[bool(cell) for cell in row] for row in other]


def test_doctests():
    assert doctest.testmod(upi).failed == 0
