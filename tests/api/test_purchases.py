"""The buying side over HTTP: supplier bills, debit notes, supplier payments, payables, GSTR-3B."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from erp_core import parties
from tests.api.conftest import assert_problem

D = Decimal


@pytest.fixture
def buying_shop(api_shop, make_product):
    shop = api_shop(name="Sharma Traders", gstin="27AAPFU0939F1ZV")
    shop.rice = make_product("Basmati Rice", ctx=shop.ctx, price="52.00", hsn_code="10063020", gst_rate="5")
    shop.balaji = parties.add_party(shop.ctx, kind="supplier", name="Balaji Traders", gstin="27AABCS9876M1ZG")
    return shop


def _bill(shop, **extra):
    body = {"supplier_id": shop.balaji.id, "bill_number": "BT/1043",
            "lines": [{"product_id": shop.rice.id, "quantity": "50", "unit_price": "44.00", "batch_no": "R-25",
                       "expiry_date": "2026-08-01"}], **extra}
    return shop.http.post("/purchases", json=body, headers={"Idempotency-Key": "bill-BT-1043"})


def test_a_bill_a_debit_note_a_payment_and_what_is_owed(buying_shop):
    shop = buying_shop
    response = _bill(shop, bill_total="2310")
    assert response.status_code == 201, response.text
    bill = response.json()
    # 50 kg at 44.00 = 2,200.00 + CGST 55.00 + SGST 55.00 = 2,310.00
    assert (bill["taxable_value"], bill["cgst"], bill["total"], bill["owed"]) == ("2200.00", "55.00", "2310.00",
                                                                                 "2310.00")
    assert _bill(shop, bill_total="2310").json() == bill  # the same Idempotency-Key: booked once
    assert shop.http.get(f"/stock/{shop.rice.id}").json()["on_hand"] == "50.000"
    assert shop.http.get(f"/purchases/{bill['id']}").json()["lines"][0]["batch_no"] == "R-25"
    note = shop.http.post(f"/purchases/{bill['id']}/debit-notes",
                          json={"lines": [{"product_id": shop.rice.id, "quantity": "10"}], "reason": "wet"})
    assert note.status_code == 201, note.text
    assert (note.json()["total"], note.json()["owed"]) == ("462.00", "1848.00")
    paid = shop.http.post("/supplier-payments", json={"supplier_id": shop.balaji.id, "amount": "1000",
                                                      "mode": "upi", "reference": "UTR 5521"})
    assert paid.status_code == 201 and paid.json()["owed"] == "848.00"
    [row] = shop.http.get("/payables").json()["suppliers"]
    assert (row["name"], row["owed"], row["days_0_30"]) == ("Balaji Traders", "848.00", "848.00")


def test_bad_bills_are_problems_and_book_nothing(buying_shop):
    shop = buying_shop
    assert_problem(_bill(shop, bill_total="9999"), 422, "validation_error")
    assert_problem(shop.http.post(f"/purchases/{999999}/debit-notes",
                                  json={"lines": [{"product_id": shop.rice.id, "quantity": "1"}]}), 404, "not_found")
    assert_problem(shop.http.post("/supplier-payments", json={"supplier_id": shop.balaji.id, "amount": "-5"}), 422,
                   "validation_error")
    assert shop.http.get(f"/stock/{shop.rice.id}").json()["on_hand"] == "0.000"


def test_gstr3b_json_csv_and_summary(buying_shop):
    shop = buying_shop
    assert _bill(shop).status_code == 201
    today = datetime.now(ZoneInfo("Asia/Kolkata"))
    month = {"year": today.year, "month": today.month}
    report = shop.http.get("/reports/gstr3b", params=month)
    assert report.status_code == 200, report.text
    data = json.loads(report.content, parse_float=D)
    assert data["ret_period"] == f"{today.month:02d}{today.year}"
    assert data["itc_elg"]["itc_net"] == {"iamt": 0, "camt": D("55.00"), "samt": D("55.00"), "csamt": 0}
    rows = list(csv.DictReader(io.StringIO(shop.http.get("/reports/gstr3b.csv", params=month).text)))
    assert any(r["Table"] == "4(C)" and r["Central Tax"] == "55.00" for r in rows)
    summary = shop.http.get("/reports/gst-summary", params=month).json()
    assert (summary["input_credit"], summary["cash_payable"], summary["credit_left"]) == ("110.00", "0.00", "110.00")
    assert_problem(shop.http.get("/reports/gstr3b", params={**month, "month": 13}), 422, "validation_error")


def test_batches_expiry_and_barcodes(buying_shop):
    shop = buying_shop
    today = datetime.now(ZoneInfo("Asia/Kolkata")).date()
    for batch, days in (("OLD", -2), ("NEW", 20)):
        receipt = shop.http.post("/stock/receipts", json={
            "product_id": shop.rice.id, "quantity": "5", "unit_cost": "40", "batch_no": batch,
            "expiry_date": (today + timedelta(days=days)).isoformat()})
        assert receipt.status_code == 201, receipt.text
    response = shop.http.get("/stock/expiring", params={"within_days": 30})
    assert response.status_code == 200, response.text
    expiring = response.json()["batches"]
    assert [(b["batch_no"], b["days_left"]) for b in expiring] == [("OLD", -2), ("NEW", 20)]
    sale = {"lines": [{"product_id": shop.rice.id, "quantity": "1", "batch_no": "OLD"}]}
    assert_problem(shop.http.post("/sales", json=sale), 409, "expired_stock")
    assert shop.http.post("/sales", json={**sale, "allow_expired": True}).status_code == 201
    assert shop.http.patch(f"/products/{shop.rice.id}", json={"barcode": "8901058851298"}).status_code == 200
    assert shop.http.get("/products/barcode/8901058851298").json()["id"] == shop.rice.id
    assert_problem(shop.http.get("/products/barcode/8901058851299"), 404, "unknown_product")
    assert_problem(shop.http.patch(f"/products/{shop.rice.id}", json={"barcode": "8901058851299"}), 422,
                   "invalid_checksum")
