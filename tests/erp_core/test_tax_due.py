"""The month's tax as the owner asks it in chat (`tax_due`): GSTR-3B figures for an Indian shop, the VAT payable
of a Bikram Sambat month for a Nepali one; and goods going back against the bill that brought them in,
priced from a tax-inclusive bill. Worked out by hand."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from erp_core import invoice_settings, invoices, parties, purchase_reports, purchases
from erp_core.context import Context
from erp_core.errors import PermissionDenied
from erp_core.invoices import InvoiceLineIn
from erp_core.purchases import PurchaseLineIn, ReturnedLineIn
from erp_core.tax_due import tax_due
from erp_core.tenants import actor_for, add_user

D = Decimal
GSTIN = "27AABCS9876M1ZG"  # a supplier in Maharashtra, like the shop


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 6, tzinfo=timezone.utc)


def test_an_indian_shop_gets_this_and_last_months_gst_after_its_input_credit(new_shop, make_product, db):
    ctx = new_shop(name="Sharma Traders", gstin="27AAPFU0939F1ZV")
    invoice_settings.configure_invoicing(ctx, prices_include_tax=False)
    oil = make_product("Sarson Tel", ctx=ctx, cost="100", price="150.00", gst_rate="5", unit="l")
    supplier = parties.add_party(ctx, kind="supplier", name="Bansal Oil Mill", gstin=GSTIN)
    # October: 20 l at 100.00 + CGST 50.00 + SGST 50.00 (credit 100.00), nothing sold
    purchases.record_purchase(ctx, supplier.id, [PurchaseLineIn(product_id=oil.id, quantity=D(20))],
                              bill_number="BO-1", at=at(2026, 10, 5))
    # November: 10 l sold at 150.00 = 1,500.00 + CGST 37.50 + SGST 37.50 (output 75.00), no purchase
    invoices.create_invoice(ctx, [InvoiceLineIn(product_id=oil.id, quantity=D(10))], payment_mode="cash",
                            at=at(2026, 11, 10))
    october = tax_due(ctx, previous_month=True, today=date(2026, 11, 20))
    assert (october.tax, october.month, october.output_tax, october.input_credit) == ("GST", "Oct 2026", 0, D("100.00"))
    assert (october.payable, october.credit_left) == (0, D("100.00"))
    november = tax_due(ctx, today=date(2026, 11, 20))
    # the month's own credit only: 75.00 of output, none of this month's credit, all 75.00 in cash
    assert (november.month, november.output_tax, november.input_credit, november.payable) == (
        "Nov 2026", D("75.00"), 0, D("75.00"))
    assert tax_due(ctx, previous_month=True, today=date(2027, 1, 3)).month == "Dec 2026"
    add_user(ctx, wa_id="919800002901", role="staff")
    with pytest.raises(PermissionDenied):
        tax_due(Context(db, ctx.tenant_id, actor_for(db, ctx.tenant_id, "919800002901")), today=date(2026, 11, 20))


def test_a_nepali_shop_gets_the_vat_of_the_bikram_sambat_month(new_shop, make_product):
    ctx = new_shop(name="Shrestha Pasal", country="NP", pan="301234567", address="Asan, Kathmandu")
    invoice_settings.configure_invoicing(ctx, prices_include_tax=False)
    noodles = make_product("Wai Wai", ctx=ctx, price="20.00", cost="15.00", gst_rate="13", unit="packet")
    supplier = parties.add_party(ctx, kind="supplier", name="Himalayan Suppliers")
    # 2025-08-14 is Shrawan 29, 2082: 100 packets at 15.00 + VAT 195.00; 150 sold at 20.00 + VAT 390.00
    purchases.record_purchase(ctx, supplier.id, [PurchaseLineIn(product_id=noodles.id, quantity=D(100))],
                              bill_number="HS-9", at=at(2025, 8, 14))
    purchases.record_purchase(ctx, supplier.id, [PurchaseLineIn(product_id=noodles.id, quantity=D(100))],
                              bill_number="HS-10", at=at(2025, 8, 14))
    invoices.create_invoice(ctx, [InvoiceLineIn(product_id=noodles.id, quantity=D(150))], payment_mode="cash",
                            at=at(2025, 8, 15))
    due = tax_due(ctx, today=date(2025, 8, 16))
    assert (due.tax, due.month) == ("VAT", "Shrawan 2082")
    assert (due.output_tax, due.input_credit, due.payable, due.credit_left) == (D("390.00"), D("390.00"), 0, 0)
    # Bhadau (from 2025-08-17) has nothing yet; the month before it is Shrawan again
    assert tax_due(ctx, today=date(2025, 9, 1)).output_tax == 0
    assert tax_due(ctx, previous_month=True, today=date(2025, 9, 1)).month == "Shrawan 2082"


def test_goods_go_back_against_the_latest_bill_that_can_take_them_at_its_taxable_value(new_shop, make_product):
    ctx = new_shop(name="Sharma Traders", gstin="27AAPFU0939F1ZV")
    sugar = make_product("Cheeni", ctx=ctx, cost="40", price="45.00", gst_rate="5", unit="kg")
    supplier = parties.add_party(ctx, kind="supplier", name="Gupta Traders", gstin=GSTIN)
    first = purchases.record_purchase(ctx, supplier.id, [PurchaseLineIn(product_id=sugar.id, quantity=D(50))],
                                      bill_number="GT-1", at=at(2026, 11, 1))
    # ₹480 for 10 kg with 5 % GST in it: 480 × 100 / 105 = 457.142..., CGST = SGST = 11.43, taxable 457.14
    second = purchases.record_purchase(
        ctx, supplier.id, [PurchaseLineIn(product_id=sugar.id, quantity=D(10), unit_price=D(48))],
        bill_number="GT-2", prices_include_tax=True, at=at(2026, 11, 2))
    assert (second.taxable_value, second.cgst, second.total) == (D("457.14"), D("11.43"), D("480.00"))
    found = purchase_reports.returnable_bill(ctx, supplier.id, {sugar.id: D(4)})
    assert (found.bill_number, found.unit_prices) == ("GT-2", {sugar.id: D("48.00")})
    # 2 kg back: 2 × 45.714 = 91.43, CGST = SGST = 2.29 (2.28575), 96.01 rounds to 96.00: not 2 × 48 + 5 % tax
    note = purchases.purchase_return(ctx, second.id, [ReturnedLineIn(product_id=sugar.id, quantity=D(2))])
    assert (note.taxable_value, note.cgst, note.sgst, note.total) == (D("91.43"), D("2.29"), D("2.29"), D("96.00"))
    # 8 kg are left on GT-2: 9 kg must come from GT-1 (50 kg at 40.00 + 5 %: 42.00 a kg with tax)
    older = purchase_reports.returnable_bill(ctx, supplier.id, {sugar.id: D(9)})
    assert (older.bill_id, older.unit_prices) == (first.id, {sugar.id: D("42.00")})
    assert purchase_reports.returnable_bill(ctx, supplier.id, {sugar.id: D(51)}) is None
