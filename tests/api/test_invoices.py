"""Invoices over HTTP: issue, fetch, PDF, UPI link and QR, Razorpay link, payments, credit notes, GSTR-1."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
import pytest

from erp_core import invoice_settings, sales, upi
from erp_core.sales import LineIn
from erp_core.razorpay_payments import connect_razorpay
from tests.api.conftest import assert_problem, start_server
from tests.fake_razorpay import fake_razorpay

D = Decimal
GSTIN = "27AAPFU0939F1ZV"
BUYER_GSTIN = "29AABCR1718E1ZL"


@pytest.fixture
def gst_shop(api_shop, make_product, make_customer):
    """A Maharashtra shop with a UPI id, rice at 5% and soap at 18% (prices before tax), a Karnataka buyer."""
    shop = api_shop(name="Sharma Traders", gstin=GSTIN)
    invoice_settings.configure_invoicing(shop.ctx, prices_include_tax=False, upi_vpa="sharma.traders@okicici")
    shop.rice = make_product("Basmati Rice", ctx=shop.ctx, stock=100, price="52.00", hsn_code="10063020",
                             gst_rate="5")
    shop.soap = make_product("Soap", ctx=shop.ctx, stock=100, price="38.50", hsn_code="3401", gst_rate="18",
                             unit="pcs")
    shop.rao = make_customer("Rao Stores", ctx=shop.ctx, gstin=BUYER_GSTIN)
    return shop


def _invoice(shop, **extra) -> dict:
    body = {"party_id": shop.rao.id, "lines": [{"product_id": shop.rice.id, "quantity": "5"},
                                                {"product_id": shop.soap.id, "quantity": 3}], **extra}
    response = shop.http.post("/invoices", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_an_invoice_from_lines_is_taxed_numbered_and_debits_the_khata(gst_shop):
    invoice = _invoice(gst_shop)
    # 260.00 @5% + 115.50 @18%, inter-state (Maharashtra → Karnataka): IGST 13.00 + 20.79 = 409.29 → 409
    assert (invoice["taxable_value"], invoice["igst"], invoice["cgst"]) == ("375.50", "33.79", "0.00")
    assert (invoice["total"], invoice["round_off"], invoice["status"]) == ("409.00", "-0.29", "UNPAID")
    assert invoice["buyer_gstin"] == BUYER_GSTIN and invoice["place_of_supply"] == "29"
    assert gst_shop.http.get(f"/invoices/{invoice['id']}").json() == invoice
    assert gst_shop.http.get(f"/khata/{gst_shop.rao.id}").json()["balance"] == "409.00"
    assert gst_shop.http.get(f"/stock/{gst_shop.rice.id}").json()["on_hand"] == "95.000"
    second = _invoice(gst_shop)
    assert second["number"] != invoice["number"] and second["financial_year"] == invoice["financial_year"]


def test_the_invoice_for_a_posted_bill_once(gst_shop):
    bill = sales.post_sale(gst_shop.ctx, [LineIn(product_id=gst_shop.rice.id, quantity=2)], payment_mode="cash")
    response = gst_shop.http.post("/invoices/from-sale", json={"sale_id": bill.sale_id})
    assert response.status_code == 201, response.text
    invoice = response.json()
    assert invoice["sale_id"] == bill.sale_id and invoice["status"] == "PAID" and invoice["total"] == "104.00"
    again = gst_shop.http.post("/invoices/from-sale", json={"sale_id": bill.sale_id})
    assert_problem(again, 422, "validation_error")
    assert_problem(gst_shop.http.post("/invoices/from-sale", json={"sale_id": 99_999}), 404, "not_found")


def test_pdf_upi_link_and_qr(gst_shop, tmp_path):
    invoice = _invoice(gst_shop)
    pdf = gst_shop.http.get(f"/invoices/{invoice['id']}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    (tmp_path / "invoice.pdf").write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "invoice.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert invoice["number"] in text and BUYER_GSTIN in text
    link = gst_shop.http.get(f"/invoices/{invoice['id']}/upi").json()
    asked = upi.parse_link(link["link"])
    assert (asked.payee, asked.amount, asked.reference) == ("sharma.traders@okicici", D("409.00"), invoice["number"])
    qr = gst_shop.http.get(f"/invoices/{invoice['id']}/upi/qr")
    assert qr.headers["content-type"] == "image/png" and qr.content.startswith(b"\x89PNG")
    assert qr.content == upi.qr_png(link["link"])


def test_payments_make_an_invoice_paid_and_a_credit_note_returns_goods(gst_shop):
    invoice = _invoice(gst_shop)
    pay = f"/invoices/{invoice['id']}/payments"
    part = gst_shop.http.post(pay, json={"amount": "400", "mode": "upi", "reference": "UTR1"}).json()
    assert (part["paid"], part["due"], part["status"]) == ("400.00", "9.00", "PARTIALLY_PAID")
    assert_problem(gst_shop.http.post(pay, json={"amount": "10"}), 422, "validation_error")  # only 9 is due
    assert gst_shop.http.post(pay, json={"amount": "9"}).json()["status"] == "PAID"
    assert_problem(gst_shop.http.get(f"/invoices/{invoice['id']}/upi"), 422, "validation_error")

    note = gst_shop.http.post(f"/invoices/{invoice['id']}/credit-notes",
                              json={"returns": [{"product_id": gst_shop.soap.id, "quantity": "1"}],
                                    "reason": "damaged"})
    assert note.status_code == 201, note.text
    assert (note.json()["kind"], note.json()["original_number"]) == ("CREDIT_NOTE", invoice["number"])
    assert gst_shop.http.get(f"/stock/{gst_shop.soap.id}").json()["on_hand"] == "98.000"
    listed = gst_shop.http.get("/invoices", params={"limit": 1}).json()
    assert [i["id"] for i in listed["items"]] == [invoice["id"]]
    rest = gst_shop.http.get("/invoices", params={"limit": 1, "cursor": listed["next_cursor"]}).json()
    assert [i["kind"] for i in rest["items"]] == ["CREDIT_NOTE"] and rest["next_cursor"] is None
    assert [i["status"] for i in gst_shop.http.get("/invoices", params={"kind": "TAX_INVOICE"}).json()["items"]] \
        == ["PAID"]
    too_many = gst_shop.http.post(f"/invoices/{invoice['id']}/credit-notes",
                                  json={"returns": [{"product_id": gst_shop.soap.id, "quantity": "5"}],
                                        "reason": "x"})
    assert_problem(too_many, 422, "validation_error")
    assert_problem(gst_shop.http.post(f"/invoices/{invoice['id']}/credit-notes", json={"reason": ""}),
                   422, "validation_error")


def test_bad_invoice_input_is_422(gst_shop):
    lines = [{"product_id": gst_shop.rice.id, "quantity": "1"}]
    cases = [
        {"lines": [{"product_id": gst_shop.rice.id, "quantity": "-1"}]},
        {"lines": [{"product_id": gst_shop.rice.id, "quantity": 1.5}]},
        {"lines": lines, "discount": "99999999999999"},
        {"lines": lines, "colour": "red"},
        {"lines": []},
        {"lines": lines, "payment_mode": "barter"},
    ]
    for body in cases:
        assert_problem(gst_shop.http.post("/invoices", json=body), 422, "validation_error")
    assert_problem(gst_shop.http.post("/invoices", json={"lines": [{"product_id": 99_999, "quantity": 1}]}),
                   404, "unknown_product")
    assert_problem(gst_shop.http.get("/invoices/99999"), 404, "not_found")
    assert_problem(gst_shop.http.get("/invoices/99999/pdf"), 404, "not_found")


def test_razorpay_payment_link(db, api_shop, gst_shop):
    invoice = _invoice(gst_shop)
    assert_problem(gst_shop.http.post(f"/invoices/{invoice['id']}/payment-link", json={}), 404, "not_found")
    with fake_razorpay() as razorpay:
        connect_razorpay(gst_shop.ctx, razorpay.key_id, razorpay.key_secret, razorpay.webhook_secret)
        server, base = start_server(db.url.render_as_string(hide_password=False), RAZORPAY_BASE_URL=razorpay.url)
        try:
            with gst_shop.client(None) as client:
                client.headers.update(gst_shop.http.headers)
                client.base_url = base
                made = client.post(f"/invoices/{invoice['id']}/payment-link", json={"upi_only": True})
                assert made.status_code == 201, made.text
                again = client.post(f"/invoices/{invoice['id']}/payment-link", json={"upi_only": True})
        finally:
            server.stop()
    link = made.json()
    assert link["amount"] == "409.00" and link["upi_only"] is True and link["short_url"].startswith("http")
    assert again.json() == link  # the same link while the due is unchanged
    assert len(razorpay.links) == 1
    [sent] = razorpay.links.values()
    assert sent["amount"] == 40900 and sent["reference_id"] == invoice["number"]


def test_gstr1_json_and_csv(gst_shop):
    invoice = _invoice(gst_shop)
    today = datetime.now(ZoneInfo("Asia/Kolkata"))
    month = {"year": today.year, "month": today.month}
    report = gst_shop.http.get("/reports/gstr1", params=month)
    assert report.status_code == 200, report.text
    data = json.loads(report.content, parse_float=D)
    assert data["gstin"] == GSTIN and data["fp"] == f"{today.month:02d}{today.year}"
    [buyer] = data["b2b"]
    assert buyer["ctin"] == BUYER_GSTIN and buyer["inv"][0]["inum"] == invoice["number"]
    assert buyer["inv"][0]["val"] == 409
    hsn = gst_shop.http.get("/reports/gstr1.csv", params={**month, "section": "hsn_b2b"})
    assert hsn.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(hsn.text)))
    assert {(r["HSN"], r["Taxable Value"]) for r in rows} == {("10063020", "260.00"), ("3401", "115.50")}
    b2b = list(csv.DictReader(io.StringIO(gst_shop.http.get("/reports/gstr1.csv",
                                                             params={**month, "section": "b2b"}).text)))
    assert {r["Invoice Number"] for r in b2b} == {invoice["number"]}
    for params in ({**month, "month": 13}, {**month, "section": "b2x"}, {**month, "section": "hsn"},
                   {"year": today.year}):
        path = "/reports/gstr1.csv" if "section" in params else "/reports/gstr1"
        assert_problem(gst_shop.http.get(path, params=params), 422, "validation_error")


def test_another_shops_invoices_and_expenses_are_404(api_shop, gst_shop):
    invoice = _invoice(gst_shop)
    expense = gst_shop.http.post("/expenses", json={"amount": "40", "category": "food"}).json()
    other = api_shop()
    base = f"/invoices/{invoice['id']}"
    for path in (base, f"{base}/pdf", f"{base}/upi", f"{base}/upi/qr"):
        assert gst_shop.http.get(path).status_code == 200, path
        body = assert_problem(other.http.get(path), 404, "not_found")
        assert "Rao" not in str(body) and invoice["number"] not in str(body)
    assert_problem(other.http.post(f"{base}/payments", json={"amount": "1"}), 404, "not_found")
    assert_problem(other.http.post(f"{base}/credit-notes", json={"reason": "x"}), 404, "not_found")
    assert_problem(other.http.post(f"{base}/payment-link", json={}), 404, "not_found")
    assert_problem(other.http.post(f"/expenses/{expense['expense_id']}/reverse", json={"reason": "x"}),
                   404, "not_found")
    assert other.http.get("/expenses").json()["items"] == []
    assert other.http.get("/invoices").json()["items"] == []
    assert gst_shop.http.get(base).json()["status"] == "UNPAID"
