"""Nepal's VAT sales book: Bikram Sambat months inside the Shrawan–Ashadh fiscal year."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from erp_core import credit_notes, invoice_settings, invoices
from erp_core.errors import ValidationError
from erp_core.credit_notes import ReturnLineIn
from erp_core.invoices import InvoiceLineIn
from erp_core.vat_sales_book import sales_book, sales_book_csv

D = Decimal


def at(year, month, day):
    return datetime(year, month, day, 6, tzinfo=timezone.utc)


def test_months_and_the_fiscal_year_in_bikram_sambat(new_shop, make_product, make_customer):
    ctx = new_shop(name="Shrestha Pasal", country="NP", pan="301234567", address="Asan, Kathmandu")
    invoice_settings.configure_invoicing(ctx, prices_include_tax=False)
    noodles = make_product("Wai Wai", ctx=ctx, stock=100, price="20.00", gst_rate="13", unit="packet")
    rice = make_product("Jeera Masino", ctx=ctx, stock=100, price="110.00", gst_rate="0", unit="kg")
    buyer = make_customer("Hari Bhandari", ctx=ctx)
    # 16 July 2025 is Ashadh 32, 2082-03-32: the last day of FY 2081-82
    invoices.create_invoice(ctx, [InvoiceLineIn(product_id=noodles.id, quantity=D(1))], at=at(2025, 7, 16),
                            payment_mode="cash")
    # Shrawan 1 (2082-04-01): 10 x 20.00 at 13% = 200.00 + 26.00; 2 kg rice exempt = 220.00
    shrawan = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=noodles.id, quantity=D(10)),
                                            InvoiceLineIn(product_id=rice.id, quantity=D(2))],
                                      party_id=buyer.id, at=at(2025, 7, 17))
    # Bhadra 4 (2082-05-04): 5 packets = 100.00 + 13.00, then 2 of them returned (40.00 + 5.20)
    bhadra = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=noodles.id, quantity=D(5))],
                                     party_id=buyer.id, at=at(2025, 8, 20))
    note = credit_notes.credit_note(ctx, bhadra.id, [ReturnLineIn(product_id=noodles.id, quantity=D(2))],
                                reason="damaged", at=at(2025, 8, 20))

    month = sales_book(ctx, "2082-83", 4)
    assert [(r.date_bs, r.number, r.buyer_name) for r in month.rows] == [
        ("2082.04.01", shrawan.number, "Hari Bhandari")]
    row = month.rows[0]
    assert (row.total_sales, row.exempt_sales, row.taxable_sales, row.vat) == (
        D("420.00"), D("220.00"), D("200.00"), D("26.00"))
    assert (row.quantity, row.unit, row.goods) == (None, "", "Wai Wai, Jeera Masino")

    bhadra_book = sales_book(ctx, "2082-83", 5)
    assert [(r.number, r.total_sales, r.vat, r.quantity) for r in bhadra_book.rows] == [
        (bhadra.number, D("100.00"), D("13.00"), D(5)), (note.number, D("-40.00"), D("-5.20"), D(-2))]

    year = sales_book(ctx, "2082-83")
    assert (year.total_sales, year.exempt_sales, year.taxable_sales, year.vat) == (
        D("480.00"), D("220.00"), D("260.00"), D("33.80"))
    assert [r.number for r in sales_book(ctx, "2081-82").rows] == ["INV/81-82/0001"]
    assert sales_book(ctx, "2082-83", 3).rows == []   # Ashadh 2083 has not come yet

    table = list(csv.reader(io.StringIO(sales_book_csv(year))))
    assert table[1][:4] == ["2082.04.01", shrawan.number, "Hari Bhandari", ""]
    assert table[-1][7:] == ["480.00", "220.00", "260.00", "33.80"]


def test_bad_periods_and_indian_shops_are_refused(new_shop):
    nepal = new_shop(name="Pasal", country="NP", pan="301234567")
    for year, month in (("2082", None), ("2082-84", None), ("2082-83", 13)):
        with pytest.raises(ValidationError):
            sales_book(nepal, year, month)
    with pytest.raises(ValidationError):
        sales_book(new_shop(name="Kirana", gstin="27AAPFU0939F1ZV"), "2082-83")
