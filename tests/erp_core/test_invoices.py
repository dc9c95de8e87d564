"""Issuing invoices: B2B/B2C, Bill of Supply, Nepal VAT, lump sums, and invoices for bills.

Numbering is in test_invoice_series.py, credit notes in test_credit_notes.py,
payments in test_invoice_payments.py."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from erp_core import invoice_settings, invoices, ledger, parties, sales, shop_settings
from erp_core.enums import EntryKind, InvoiceKind, InvoiceStatus
from erp_core.errors import InvalidChecksum, ValidationError
from erp_core.gst import Supply
from erp_core.inventory import movements, stock_of
from erp_core.invoices import InvoiceLineIn
from erp_core.models import Party
from erp_core.sales import LineIn
from tests.erp_core.conftest import MAHARASHTRA_GSTIN, khata

D = Decimal
KARNATAKA_GSTIN = "29AABCR1718E1ZL"


def test_b2c_intra_state_invoice_from_lines(gst_shop, make_product, make_customer):
    soap = make_product("Lux Soap", ctx=gst_shop, stock=20, price="38.50", hsn_code="3401", gst_rate="18",
                        unit="pcs")
    rice = make_product("Basmati Rice", ctx=gst_shop, stock=50, price="52.00", hsn_code="1006", gst_rate="5")
    invoice_settings.configure_invoicing(gst_shop, prices_include_tax=False)
    buyer = make_customer("Meena", ctx=gst_shop, state="Maharashtra")
    invoice = invoices.create_invoice(gst_shop, [InvoiceLineIn(product_id=rice.id, quantity=D(5)),
                                                 InvoiceLineIn(product_id=soap.id, quantity=D(3))],
                                      party_id=buyer.id, at=datetime(2025, 8, 14, 6, tzinfo=timezone.utc))
    assert (invoice.kind, invoice.supply, invoice.is_b2b) == (InvoiceKind.TAX_INVOICE, Supply.INTRA_STATE, False)
    assert (invoice.number, invoice.financial_year) == ("INV/25-26/0001", "2025-26")
    assert (invoice.seller_tax_id, invoice.seller_state, invoice.place_of_supply) == (MAHARASHTRA_GSTIN, "27", "27")
    # 260.00 + 115.50; CGST = SGST = 6.50 + 10.40; 375.50 + 33.80 = 409.30 -> 409, round-off -0.30
    assert (invoice.taxable_value, invoice.cgst, invoice.sgst, invoice.igst) == (
        D("375.50"), D("16.90"), D("16.90"), D("0.00"))
    assert (invoice.round_off, invoice.total, invoice.due, invoice.status) == (
        D("-0.30"), D("409.00"), D("409.00"), InvoiceStatus.UNPAID)
    assert stock_of(gst_shop, rice.id).on_hand == D(45)
    assert movements(gst_shop, soap.id)[0].ref_type == "invoice"
    assert khata(gst_shop, buyer.id) == [(EntryKind.SALE, D("409.00"), D("0.00"))]


def test_b2b_inter_state_invoice_is_igst_at_the_buyers_state(gst_shop, make_product, make_customer):
    ghee = make_product("Ghee 1L", ctx=gst_shop, stock=10, price="549.00", hsn_code="04059020", gst_rate="12",
                        unit="pcs")
    buyer = make_customer("Rao Traders", ctx=gst_shop, gstin=KARNATAKA_GSTIN, state="Maharashtra")
    invoice = invoices.create_invoice(gst_shop, [InvoiceLineIn(product_id=ghee.id, quantity=D(2))],
                                      party_id=buyer.id)
    assert (invoice.is_b2b, invoice.supply, invoice.place_of_supply, invoice.buyer_gstin) == (
        True, Supply.INTER_STATE, "29", KARNATAKA_GSTIN)
    # inclusive (the shop's default): 1098.00 / 1.12: IGST 117.642857 -> 117.64, taxable 980.36
    assert (invoice.taxable_value, invoice.igst, invoice.cgst, invoice.total) == (
        D("980.36"), D("117.64"), D("0.00"), D("1098.00"))


def test_a_mistyped_gstin_is_refused_when_the_party_is_entered(gst_shop, make_customer):
    with pytest.raises(InvalidChecksum, match="the check character should be V"):
        make_customer("Typo Traders", ctx=gst_shop, gstin="27AAPFU0939F1ZO")
    assert parties.find_parties(gst_shop, "Typo Traders") == []


def test_a_party_stored_with_a_mistyped_gstin_gets_no_invoice(gst_shop, make_product, make_customer):
    """A GSTIN stored before entry checked the check character is still refused at invoicing."""
    item = make_product("Atta", ctx=gst_shop, stock=5, gst_rate="5")
    buyer = make_customer("Typo Traders", ctx=gst_shop, gstin="27AAPFU0939F1ZV")
    with gst_shop.db.session(gst_shop.tenant_id) as session:
        session.get(Party, buyer.id).gstin = "27AAPFU0939F1ZO"
        session.commit()
    with pytest.raises(InvalidChecksum):
        invoices.create_invoice(gst_shop, [InvoiceLineIn(product_id=item.id, quantity=D(1))], party_id=buyer.id)
    assert stock_of(gst_shop, item.id).on_hand == D(5)


@pytest.mark.parametrize("settings", [
    {"gstin": MAHARASHTRA_GSTIN, "state": "27"},  # composition scheme (set below)
    {"state": "Maharashtra"},                      # unregistered
])
def test_composition_and_unregistered_sellers_issue_a_bill_of_supply(new_shop, make_product, settings):
    ctx = new_shop(**settings)
    if "gstin" in settings:
        invoice_settings.configure_invoicing(ctx, gst_composition=True)
    item = make_product("Namkeen", ctx=ctx, stock=5, price="45.25", gst_rate="12")
    bill = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=item.id, quantity=D(2))],
                                   payment_mode="cash")
    assert (bill.kind, bill.supply, bill.number) == (InvoiceKind.BILL_OF_SUPPLY, Supply.NO_TAX, bill.number)
    assert bill.number.startswith("BOS/")
    assert (bill.cgst, bill.igst, bill.taxable_value, bill.total, bill.status) == (
        D("0.00"), D("0.00"), D("90.50"), D("91.00"), InvoiceStatus.PAID)


def test_invoice_for_a_cash_bill_with_discount(gst_shop, make_product):
    soap = make_product("Soap", ctx=gst_shop, stock=10, price="40.00", hsn_code="3401", gst_rate="18", unit="pcs")
    rice = make_product("Rice", ctx=gst_shop, stock=10, price="60.00", hsn_code="1006", gst_rate="5")
    bill = sales.post_sale(gst_shop, [LineIn(product_id=soap.id, quantity=D(2)),
                                      LineIn(product_id=rice.id, quantity=D(1))], discount="10.00")
    invoice = invoices.invoice_for_sale(gst_shop, bill.sale_id)
    # discount 10 split 80:60 -> 5.71 / 4.29; soap 74.29 incl. 18%: CGST = SGST = 5.6658 -> 5.67, taxable 62.95;
    # rice 55.71 incl. 5%: CGST = SGST = 1.3264 -> 1.33, taxable 53.05; 130.00 in all
    assert [(x.discount, x.taxable_value, x.cgst) for x in invoice.lines] == [
        (D("5.71"), D("62.95"), D("5.67")), (D("4.29"), D("53.05"), D("1.33"))]
    assert (invoice.total, invoice.round_off, invoice.status, invoice.sale_id) == (
        D("130.00"), D("0.00"), InvoiceStatus.PAID, bill.sale_id)
    assert stock_of(gst_shop, soap.id).on_hand == D(8)   # the bill took the stock, the invoice did not
    with pytest.raises(ValidationError):
        invoices.invoice_for_sale(gst_shop, bill.sale_id)


def test_invoice_for_a_credit_bill_puts_the_round_off_in_the_khata(gst_shop, make_product, make_customer):
    item = make_product("Tea", ctx=gst_shop, stock=10, price="99.60", gst_rate="5")
    buyer = make_customer("Gupta", ctx=gst_shop)
    bill = sales.post_sale(gst_shop, [LineIn(product_id=item.id, quantity=D(1))], party_id=buyer.id,
                           payment_mode="credit")
    invoice = invoices.invoice_for_sale(gst_shop, bill.sale_id)
    assert (invoice.total, invoice.round_off, invoice.due) == (D("100.00"), D("0.40"), D("100.00"))
    assert ledger.balance(gst_shop, buyer.id).balance == invoice.due


def test_nepal_vat_invoice_numbered_in_the_bikram_sambat_year(new_shop, make_product, make_customer):
    ctx = new_shop(name="Shrestha Pasal", country="NP", pan="301234567", address="Kathmandu")
    item = make_product("Wai Wai", ctx=ctx, stock=100, price="20.00", gst_rate="13", unit="packet")
    invoice_settings.configure_invoicing(ctx, prices_include_tax=False)
    # 17 July 2025 = 2082-04-01 BS (Shrawan 1): the first day of FY 2082-83
    invoice = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=item.id, quantity=D(23))],
                                      at=datetime(2025, 7, 17, 6, tzinfo=timezone.utc), payment_mode="cash")
    before = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=item.id, quantity=D(1))],
                                     at=datetime(2025, 7, 16, 6, tzinfo=timezone.utc), payment_mode="cash")
    assert (invoice.number, invoice.financial_year, before.number) == ("INV/82-83/0001", "2082-83",
                                                                        "INV/81-82/0001")
    assert (invoice.supply, invoice.seller_tax_id, invoice.place_of_supply) == (Supply.VAT, "301234567", None)
    # 460.00 x 13% = 59.80; 519.80 -> 520
    assert (invoice.taxable_value, invoice.vat, invoice.total) == (D("460.00"), D("59.80"), D("520.00"))
    with pytest.raises(ValidationError):
        bad = make_product("Cola", ctx=ctx, stock=5, gst_rate="18")
        invoices.create_invoice(ctx, [InvoiceLineIn(product_id=bad.id, quantity=D(1))])


def test_a_lump_sum_bill_of_supply_without_items(new_shop, make_customer):
    ctx = new_shop(gstin=MAHARASHTRA_GSTIN, state="27")
    invoice_settings.configure_invoicing(ctx, gst_composition=True)
    buyer = make_customer("Meena", ctx=ctx)
    bill = invoices.invoice_for_amount(ctx, "500.40", party_id=buyer.id, description="Kirana saaman")
    assert (bill.kind, bill.supply, bill.number.startswith("BOS/")) == (InvoiceKind.BILL_OF_SUPPLY, Supply.NO_TAX, True)
    [line] = bill.lines
    assert (line.product_id, line.description, line.quantity, line.total) == (None, "Kirana saaman", D(1), D("500.40"))
    assert (bill.round_off, bill.total, bill.due) == (D("-0.40"), D("500.00"), D("500.00"))
    assert khata(ctx, buyer.id) == [(EntryKind.SALE, D("500.00"), D("0.00"))]
    paid = invoices.invoice_for_amount(ctx, 120, payment_mode="upi")
    assert (paid.party_id, paid.status, paid.paid) == (None, InvoiceStatus.PAID, D("120.00"))


def test_a_gst_registered_seller_must_name_the_items(gst_shop, make_customer):
    buyer = make_customer("Meena", ctx=gst_shop)
    with pytest.raises(ValidationError):
        invoices.invoice_for_amount(gst_shop, 500, party_id=buyer.id)
    assert khata(gst_shop, buyer.id) == []
    with pytest.raises(ValidationError):
        invoices.invoice_for_amount(gst_shop, "-5")


@pytest.mark.parametrize("number", ["0717UNO00157UNO", "07DELA12345B1DE", "07DELH12005A1Z4", "0717USA00012NR7"])
def test_embassies_deductors_departments_and_non_residents_are_billed_as_business_buyers(gst_shop, make_product,
                                                                                       make_customer, number):
    item = make_product("Atta", ctx=gst_shop, stock=5, gst_rate="5")
    buyer = make_customer("Delhi Buyer", ctx=gst_shop, gstin=number)
    invoice = invoices.create_invoice(gst_shop, [InvoiceLineIn(product_id=item.id, quantity=D(1))], party_id=buyer.id)
    assert invoice.is_b2b and invoice.buyer_gstin == number
    assert (invoice.place_of_supply, invoice.supply) == ("07", Supply.INTER_STATE)


def test_a_shop_sells_under_its_regular_gstin(new_shop):
    with pytest.raises(ValidationError, match="TDS registration"):
        shop_settings.update_settings(new_shop(state="Delhi"), gstin="07DELA12345B1DE")
