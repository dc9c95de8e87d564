"""Nepal's VAT purchase book by Bikram Sambat month and the VAT payable, worked out by hand."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from erp_core import invoice_settings, invoices, parties, purchases
from erp_core.errors import ValidationError
from erp_core.invoices import InvoiceLineIn
from erp_core.purchases import PurchaseLineIn, ReturnedLineIn
from erp_core.vat_purchase_book import purchase_book, purchase_book_csv, vat_payable

D = Decimal


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 6, tzinfo=timezone.utc)


def test_the_purchase_book_and_the_vat_to_pay(new_shop, make_product):
    ctx = new_shop(name="Shrestha Pasal", country="NP", pan="301234567", address="Asan, Kathmandu")
    invoice_settings.configure_invoicing(ctx, prices_include_tax=False)
    noodles = make_product("Wai Wai", ctx=ctx, price="20.00", cost="15.00", gst_rate="13", unit="packet")
    rice = make_product("Jeera Masino", ctx=ctx, price="110.00", cost="95.00", gst_rate="0", unit="kg")
    supplier = parties.add_party(ctx, kind="supplier", name="Himalayan Suppliers")
    # Shrawan 29 (2082-04-29): 100 packets at 15.00 + 13 % = 1,500.00 + 195.00; 20 kg rice exempt 1,900.00
    bill = purchases.record_purchase(ctx, supplier.id, [
        PurchaseLineIn(product_id=noodles.id, quantity=D(100)), PurchaseLineIn(product_id=rice.id, quantity=D(20))],
        bill_number="HS-77", at=at(2025, 8, 14))
    assert (bill.vat, bill.total, bill.itc_eligible) == (D("195.00"), D("3595.00"), True)
    # 10 packets back the same day: 150.00 + 19.50
    purchases.purchase_return(ctx, bill.id, [ReturnedLineIn(product_id=noodles.id, quantity=D(10))],
                              at=at(2025, 8, 14))
    # a sale in Shrawan: 50 packets at 20.00 = 1,000.00 + VAT 130.00
    invoices.create_invoice(ctx, [InvoiceLineIn(product_id=noodles.id, quantity=D(50))], payment_mode="cash",
                            at=at(2025, 8, 14))

    book = purchase_book(ctx, "2082-83", 4)
    assert [(r.date_bs, r.number, r.supplier_name, r.total_purchases, r.exempt_purchases, r.taxable_purchases, r.vat)
            for r in book.rows] == [
        ("2082.04.29", "HS-77", "Himalayan Suppliers", D("3400.00"), D("1900.00"), D("1500.00"), D("195.00")),
        ("2082.04.29", "DN-1", "Himalayan Suppliers", D("-150.00"), 0, D("-150.00"), D("-19.50"))]
    assert (book.total_purchases, book.vat, book.creditable_vat) == (D("3250.00"), D("175.50"), D("175.50"))
    assert purchase_book(ctx, "2082-83", 5).rows == []
    due = vat_payable(ctx, "2082-83", 4)
    assert (due.output_vat, due.input_vat, due.payable) == (D("130.00"), D("175.50"), D("-45.50"))  # credit forward
    table = list(csv.reader(io.StringIO(purchase_book_csv(book))))
    assert table[1][:3] == ["2082.04.29", "HS-77", "Himalayan Suppliers"]
    assert table[-1][7:] == ["3250.00", "1900.00", "1350.00", "175.50"]
    with pytest.raises(ValidationError):
        purchase_book(ctx, "2082-84")
    with pytest.raises(ValidationError):
        purchase_book(new_shop(name="Kirana", gstin="27AAPFU0939F1ZV"), "2082-83")
