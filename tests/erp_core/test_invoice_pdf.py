"""The invoice PDF, read back with poppler's pdftotext, pdffonts and pdftoppm."""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from PIL import Image

from erp_core import credit_notes, invoice_payments, invoice_settings, invoices, product_tax, upi
from erp_core.invoice_pdf import render_invoice
from erp_core.credit_notes import ReturnLineIn
from erp_core.invoices import InvoiceLineIn

D = Decimal


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "invoice.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_fonts(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def db(sqlite_db):
    """The PDF does not depend on the database: SQLite only."""
    return sqlite_db


@pytest.fixture
def sqlite_shop(new_shop):
    return new_shop


def test_inter_state_b2b_invoice_pdf(sqlite_shop, make_product, make_customer, tmp_path):
    ctx = sqlite_shop(name="शर्मा किराना स्टोर", gstin="27AAPFU0939F1ZV", state="Maharashtra",
                      address="12, MG Road, Pune 411001")
    invoice_settings.configure_invoicing(ctx, upi_vpa="sharma.kirana@okicici", prices_include_tax=False)
    rice = make_product("बासमती चावल", ctx=ctx, stock=50, price="52.00", hsn_code="1006", gst_rate="5")
    cola = make_product("Cola 2L", ctx=ctx, stock=50, price="95.00", hsn_code="2202", gst_rate="28", unit="pcs")
    product_tax.set_product_tax(ctx, cola.id, cess_rate="12")
    buyer = make_customer("मीना अग्रवाल ट्रेडर्स", ctx=ctx, gstin="29AABCR1718E1ZL", address="Jayanagar, Bengaluru")
    invoice = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=rice.id, quantity=D(5)),
                                            InvoiceLineIn(product_id=cola.id, quantity=D(2))],
                                      party_id=buyer.id, at=datetime(2025, 8, 14, 6, tzinfo=timezone.utc))
    invoice = invoice_payments.record_invoice_payment(ctx, invoice.id, "100", "cash")
    text = pdf_text(render_invoice(invoice), tmp_path)
    for expected in ("TAX INVOICE", "INV/25-26/0001", "14-08-2025", "GSTIN: 27AAPFU0939F1ZV",
                     "GSTIN: 29AABCR1718E1ZL", "Place of supply:", "Reverse charge:", "Karnataka (29)",
                     "State: Maharashtra (27)",
                     "शर्मा किराना स्टोर", "मीना अग्रवाल ट्रेडर्स", "बासमती चावल", "1006", "2202",
                     "IGST", "Cess", "@ 28% + cess 12%",
                     # 260.00 + 13.00 = 273.00; 190.00 + 53.20 + 22.80 = 266.00; 539.00
                     "273.00", "266.00", "₹ 539.00", "Rupees Five Hundred Thirty Nine Only",
                     "Amount due", "439.00", "Scan to pay ₹ 439.00", "UPI: sharma.kirana@okicici"):
        assert expected in text, expected
    assert "CGST" not in text
    summary = [line.split()[:4] for line in text.splitlines() if line.strip().startswith(("5%", "28%"))]
    assert summary == [["5%", "260.00", "13.00", "0.00"], ["28%", "190.00", "53.20", "22.80"]]
    fonts = pdf_fonts(render_invoice(invoice), tmp_path)
    assert "NotoSansDevanagari" in fonts and "NotoSans-Bold" in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:])  # every font embedded


def test_intra_state_invoice_has_cgst_and_sgst_and_a_paid_invoice_no_qr(sqlite_shop, make_product, tmp_path):
    ctx = sqlite_shop(name="Patel Stores", gstin="24AANFA2641L1ZF", state="Gujarat")
    invoice_settings.configure_invoicing(ctx, upi_vpa="patel@ybl")
    soap = make_product("Soap", ctx=ctx, stock=9, price="100.00", hsn_code="3401", gst_rate="18", unit="pcs")
    invoice = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=soap.id, quantity=D(1))],
                                      payment_mode="upi")
    text = pdf_text(render_invoice(invoice), tmp_path)
    assert "Cash customer (unregistered)" in text and "Gujarat (24)" in text
    assert "CGST" in text and "SGST" in text and "IGST" not in text
    assert "7.63" in text and "84.74" in text and "₹ 100.00" in text   # MRP 100 at 18%, tax included
    assert "Rupees One Hundred Only" in text
    assert "Scan to pay" not in text


def test_bill_of_supply_and_credit_note_pdfs(sqlite_shop, make_product, make_customer, tmp_path):
    ctx = sqlite_shop(name="Chhota Kirana", state="Bihar")
    item = make_product("Namkeen", ctx=ctx, stock=9, price="45.25", gst_rate="12", unit="packet")
    buyer = make_customer("Ravi", ctx=ctx)
    bill = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=item.id, quantity=D(2))], party_id=buyer.id)
    text = pdf_text(render_invoice(bill), tmp_path)
    assert "BILL OF SUPPLY" in text and "not eligible to collect tax" in text
    assert "GSTIN" not in text and "CGST" not in text and "₹ 91.00" in text
    note = credit_notes.credit_note(ctx, bill.id, [ReturnLineIn(product_id=item.id, quantity=D(1))], reason="stale")
    text = pdf_text(render_invoice(note), tmp_path)
    assert "CREDIT NOTE" in text and "Against invoice:" in text and bill.number in text
    assert "Reason: stale" in text and "Credit to" in text


def test_nepal_vat_invoice_pdf(sqlite_shop, make_product, tmp_path):
    ctx = sqlite_shop(name="श्रेष्ठ पसल", country="NP", pan="301234567", address="Asan, Kathmandu")
    item = make_product("Wai Wai", ctx=ctx, stock=50, price="20.00", gst_rate="13", unit="packet")
    invoice_settings.configure_invoicing(ctx, prices_include_tax=False)
    invoice = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=item.id, quantity=D(10))],
                                      at=datetime(2025, 7, 17, 6, tzinfo=timezone.utc))
    text = pdf_text(render_invoice(invoice), tmp_path)
    for expected in ("TAX INVOICE", "PAN/VAT No: 301234567", "Date (BS):", "2082-04-01", "Fiscal year:", "2082-83",
                     "VAT 13%", "26.00", "Rs. 226.00", "Nepalese Rupees Two Hundred Twenty Six Only", "श्रेष्ठ पसल"):
        assert expected in text, expected
    assert "HSN" not in text and "GSTIN" not in text and "₹" not in text and "Reverse charge" not in text


def test_long_invoices_continue_on_a_second_page(sqlite_shop, make_product, tmp_path):
    ctx = sqlite_shop(name="Bada Store", gstin="27AAPFU0939F1ZV")
    items = [make_product(f"Item {i}", ctx=ctx, stock=5, price="10.00", gst_rate="5") for i in range(40)]
    invoice = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=p.id, quantity=D(1)) for p in items])
    text = pdf_text(render_invoice(invoice), tmp_path)
    assert text.count("\f") == 2 and "Item 39" in text and "₹ 400.00" in text


def test_the_printed_qr_code_is_the_upi_link_for_the_amount_due(sqlite_shop, make_product, tmp_path):
    """Rasterise the page (4 pixels a point) and read the QR code's modules back at their centres."""
    ctx = sqlite_shop(name="Gupta General Store", gstin="27AAPFU0939F1ZV", state="Maharashtra")
    invoice_settings.configure_invoicing(ctx, upi_vpa="gupta.store@okaxis")
    dal = make_product("Toor Dal", ctx=ctx, stock=9, price="140.00", hsn_code="0713", gst_rate="5", unit="kg")
    invoice = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=dal.id, quantity=D(3))])
    (tmp_path / "qr.pdf").write_bytes(render_invoice(invoice))
    subprocess.run(["pdftoppm", "-r", "288", "-gray", "-singlefile", str(tmp_path / "qr.pdf"), str(tmp_path / "page")],
                   check=True)
    page = Image.open(tmp_path / "page.pgm")
    left = round(32 * 4) + 2                      # the page margin: the QR code's left edge
    dark_rows = [y for y in range(page.height) if page.getpixel((left, y)) < 128]
    bottom = dark_rows[-1] + 1
    size = 92 * 4
    expected = upi.qr_code(upi.pay_link("gupta.store@okaxis", "Gupta General Store", invoice.due, invoice.number))
    count = len(expected.matrix)
    module = size / count
    read = [[int(page.getpixel((round(left - 2 + (c + 0.5) * module), round(bottom - size + (r + 0.5) * module))) < 128)
             for c in range(count)] for r in range(count)]
    assert read == [list(row) for row in expected.matrix]
