"""The tax engine against invoices worked out by hand."""

from __future__ import annotations

import doctest
from decimal import Decimal as D

import pytest

from erp_core import gst
from erp_core.errors import ValidationError
from erp_core.gst import Supply, TaxLine, place_of_supply, supply_for, tax_invoice, tax_line


def line(qty, price, rate, **kw):
    return TaxLine(description=kw.pop("description", "item"), quantity=D(qty), unit_price=D(price), rate=D(rate),
                   **{k: D(v) if isinstance(v, str) else v for k, v in kw.items()})


def test_mixed_rate_intra_state_invoice():
    # Rice 5 x 52.00 @5%, soap 3 x 38.50 @18%, biscuits 7 x 11.00 @12%, milk 2 x 27.00 @0%.
    # CGST = SGST: 260.00 x 2.5% = 6.50; 115.50 x 9% = 10.395 -> 10.40; 77.00 x 6% = 4.62; 0.
    invoice = tax_invoice([line(5, "52.00", 5), line(3, "38.50", 18), line(7, "11.00", 12), line(2, "27.00", 0)],
                          Supply.INTRA_STATE)
    assert [(t.taxable_value, t.cgst, t.sgst, t.igst) for t in invoice.lines] == [
        (D("260.00"), D("6.50"), D("6.50"), D("0.00")),
        (D("115.50"), D("10.40"), D("10.40"), D("0.00")),
        (D("77.00"), D("4.62"), D("4.62"), D("0.00")),
        (D("54.00"), D("0.00"), D("0.00"), D("0.00")),
    ]
    assert invoice.taxable_value == D("506.50")
    assert invoice.cgst == invoice.sgst == D("21.52")
    assert invoice.igst == D("0.00")
    # 506.50 + 43.04 = 549.54 -> 550, round-off +0.46
    assert invoice.round_off == D("0.46")
    assert invoice.total == D("550.00")
    summary = {s.rate: (s.taxable_value, s.cgst, s.sgst) for s in invoice.by_rate()}
    assert summary == {
        D("0"): (D("54.00"), D("0.00"), D("0.00")),
        D("5"): (D("260.00"), D("6.50"), D("6.50")),
        D("12"): (D("77.00"), D("4.62"), D("4.62")),
        D("18"): (D("115.50"), D("10.40"), D("10.40")),
    }


def test_same_invoice_inter_state_is_igst():
    invoice = tax_invoice([line(5, "52.00", 5), line(3, "38.50", 18), line(7, "11.00", 12)], Supply.INTER_STATE)
    # 13.00 + 20.79 (115.50 x 18% = 20.79) + 9.24
    assert [t.igst for t in invoice.lines] == [D("13.00"), D("20.79"), D("9.24")]
    assert invoice.cgst == invoice.sgst == D("0.00")
    assert invoice.igst == D("43.03")
    # 452.50 + 43.03 = 495.53 -> 496
    assert (invoice.round_off, invoice.total) == (D("0.47"), D("496.00"))


def test_inclusive_price_that_does_not_divide_evenly():
    # MRP 100 at 18%: base 84.7457..., CGST = SGST = 7.6271 -> 7.63, taxable = 100 - 15.26 = 84.74
    intra = tax_line(line(1, "100.00", 18, price_includes_tax=True), Supply.INTRA_STATE)
    assert (intra.taxable_value, intra.cgst, intra.sgst, intra.total) == (D("84.74"), D("7.63"), D("7.63"),
                                                                           D("100.00"))
    # IGST = 15.2542 -> 15.25, taxable 84.75
    inter = tax_line(line(1, "100.00", 18, price_includes_tax=True), Supply.INTER_STATE)
    assert (inter.taxable_value, inter.igst, inter.total) == (D("84.75"), D("15.25"), D("100.00"))


def test_inclusive_line_keeps_its_price_and_round_off_takes_the_paise():
    # 3 x 33.33 = 99.99 at 5%: base 95.2286, CGST = SGST = 2.3807 -> 2.38, taxable 95.23
    invoice = tax_invoice([line(3, "33.33", 5, price_includes_tax=True)], Supply.INTRA_STATE)
    [taxed] = invoice.lines
    assert (taxed.taxable_value, taxed.cgst, taxed.sgst) == (D("95.23"), D("2.38"), D("2.38"))
    assert taxed.total == D("99.99")
    assert (invoice.round_off, invoice.total) == (D("0.01"), D("100.00"))


def test_cess_on_top_of_gst():
    # 2 x 40.00 at 28% + 12% cess, inter-state: IGST 22.40, cess 9.60
    taxed = tax_line(line(2, "40.00", 28, cess_rate="12"), Supply.INTER_STATE)
    assert (taxed.taxable_value, taxed.igst, taxed.cess, taxed.total) == (D("80.00"), D("22.40"), D("9.60"),
                                                                           D("112.00"))
    # inclusive 95.00 at 28% + 12% cess, intra: base 67.857142..., CGST = SGST = 9.50, cess 8.142857 -> 8.14
    taxed = tax_line(line(1, "95.00", 28, cess_rate="12", price_includes_tax=True), Supply.INTRA_STATE)
    assert (taxed.taxable_value, taxed.cgst, taxed.sgst, taxed.cess) == (D("67.86"), D("9.50"), D("9.50"),
                                                                          D("8.14"))
    assert taxed.total == D("95.00")


@pytest.mark.parametrize("rate, cgst_each, igst", [
    ("0", "0.00", "0.00"),
    ("0.25", "0.42", "0.83"),   # 333 x 0.125% = 0.41625; 333 x 0.25% = 0.8325
    ("3", "5.00", "9.99"),      # 333 x 1.5% = 4.995; 333 x 3% = 9.99
    ("5", "8.33", "16.65"),     # 8.325 -> 8.33
    ("12", "19.98", "39.96"),
    ("18", "29.97", "59.94"),
    ("28", "46.62", "93.24"),
    ("40", "66.60", "133.20"),  # the September 2025 slab
])
def test_the_rate_table(rate, cgst_each, igst):
    intra = tax_line(line(1, "333.00", rate), Supply.INTRA_STATE)
    inter = tax_line(line(1, "333.00", rate), Supply.INTER_STATE)
    assert intra.cgst == intra.sgst == D(cgst_each)
    assert inter.igst == D(igst)


def test_rates_outside_the_table_are_refused():
    with pytest.raises(ValidationError):
        tax_line(line(1, "10.00", 15), Supply.INTRA_STATE)
    with pytest.raises(ValidationError):
        tax_line(line(1, "10.00", 18), Supply.VAT)
    with pytest.raises(ValidationError):
        tax_line(line(1, "10.00", 13, cess_rate="1"), Supply.VAT)


def test_round_off_goes_down_below_half_a_rupee_and_up_from_half():
    down = tax_invoice([line(1, "10.49", 0)], Supply.INTRA_STATE)
    half = tax_invoice([line(1, "10.50", 0)], Supply.INTRA_STATE)
    assert (down.round_off, down.total) == (D("-0.49"), D("10.00"))
    assert (half.round_off, half.total) == (D("0.50"), D("11.00"))


def test_discount_reduces_the_taxable_value():
    taxed = tax_line(line(2, "100.00", 18, discount="20.00"), Supply.INTRA_STATE)
    assert (taxed.taxable_value, taxed.cgst) == (D("180.00"), D("16.20"))


def test_nepal_vat_13_percent():
    invoice = tax_invoice([line(3, "115.00", 13), line(1, "50.00", 0)], Supply.VAT)
    # 345.00 x 13% = 44.85; total 439.85 -> 440
    assert invoice.vat == D("44.85")
    assert invoice.cgst == invoice.igst == D("0.00")
    assert (invoice.round_off, invoice.total) == (D("0.15"), D("440.00"))
    # inclusive 113.00 -> base 100, VAT 13.00
    assert tax_line(line(1, "113.00", 13, price_includes_tax=True), Supply.VAT).vat == D("13.00")


def test_bill_of_supply_charges_no_tax():
    invoice = tax_invoice([line(2, "45.25", 18, price_includes_tax=True)], Supply.NO_TAX)
    assert invoice.tax == D("0.00")
    assert (invoice.taxable_value, invoice.total, invoice.round_off) == (D("90.50"), D("91.00"), D("0.50"))


def test_place_of_supply_rules():
    assert place_of_supply("27", "29AABCR1718E1ZL", "Gujarat") == "29"  # GSTIN wins over the address
    assert place_of_supply("27", None, "Gujarat") == "24"
    assert place_of_supply("27", None, "24") == "24"
    assert place_of_supply("27", None, "") == "27"                       # walk-in: the shop's state
    assert place_of_supply("27", None, "Atlantis") == "27"
    assert supply_for("27", "27") is Supply.INTRA_STATE
    assert supply_for("27", "29") is Supply.INTER_STATE


def test_allocation_adds_up():
    shares = gst.allocate(D("7.00"), [D("33.33"), D("66.67"), D("10.00")])
    assert sum(shares) == D("7.00")
    assert doctest.testmod(gst).failed == 0
