"""The fast mask choice gives, module for module, the QR code segno makes on its own."""

from __future__ import annotations

import pytest
import segno

from erp_core import qr, upi


@pytest.mark.parametrize("link", [
    "upi://pay?pa=a@b",
    upi.pay_link("patel@ybl", "Patel Stores", "100", "INV/25-26/0001"),
    upi.pay_link("sharma.kirana@okicici", "Sharma Kirana & Sons", "1250.50", "INV/25-26/0042"),
    upi.pay_link("sharma.store@okicici", "शर्मा जनरल स्टोर", "98765.43", "INV/25-26/9999"),
    upi.pay_link("shrestha.pasal@nic", "श्रेष्ठ पसल तथा थोक विक्रेता, असन टोल, काठमाडौं", "1.00", "BILL/2082-83/1"),
    "x" * 700,
])
def test_same_symbol_as_segno(link):
    fast, reference = qr.make(link), segno.make(link, error="m", micro=False)
    assert (fast.version, fast.error, fast.mask) == (reference.version, reference.error, reference.mask)
    assert [bytes(row) for row in fast.matrix] == [bytes(row) for row in reference.matrix]


def test_same_mask_as_segno_over_many_links():
    """Many links, several masks chosen: the scoring really compares candidates, as segno does."""
    links = [upi.pay_link("shop@upi", "Shop", str(n), f"INV/{n}") for n in range(1, 80)]
    fast = [qr.make(link).mask for link in links]
    assert fast == [segno.make(link, error="m", micro=False).mask for link in links]
    assert len(set(fast)) >= 5
