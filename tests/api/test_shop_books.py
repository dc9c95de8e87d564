"""Returns, write-offs, counts, price changes, credit limits, shop settings and statements over HTTP: the same
operations as the chat, with idempotency keys and problem+json."""

from __future__ import annotations

import subprocess
from decimal import Decimal

from sqlalchemy import func, select

from erp_core import ledger, sales
from erp_core.check import check_tenant
from erp_core.inventory import stock_of
from erp_core.models import PriceChange, SaleReturn, StockMovement
from erp_core.sales import LineIn
from tests.api.conftest import assert_problem

D = Decimal


def count_rows(ctx, model) -> int:
    with ctx.db.session(ctx.tenant_id) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_return_against_a_bill_over_http_is_booked_once(shop_api, make_product, make_customer, db):
    http, ctx = shop_api.http, shop_api.ctx
    oil = make_product("Sarson Tel", ctx=ctx, stock=10, cost="40", price="50", unit="l")
    sharma = make_customer("Sharma ji", ctx=ctx)
    bill = sales.post_sale(ctx, [LineIn(product_id=oil.id, quantity=D(4))], party_id=sharma.id,
                           payment_mode="credit")
    body = {"sale_id": bill.sale_id, "refund_mode": "khata", "lines": [{"product_id": oil.id, "quantity": "1"}],
            "reason": "leaking"}
    first = http.post("/returns", json=body, headers={"Idempotency-Key": "ret-1"})
    assert first.status_code == 201, first.text
    assert (first.json()["total"], first.json()["party_balance"], first.json()["lines"][0]["unit_cost"]) == (
        "50.00", "150.00", "40.0000")
    again = http.post("/returns", json=body, headers={"Idempotency-Key": "ret-1"})
    assert again.json() == first.json() and count_rows(ctx, SaleReturn) == 1
    too_many = {**body, "lines": [{"product_id": oil.id, "quantity": "4"}]}
    assert "only 3" in assert_problem(http.post("/returns", json=too_many), 422, "validation_error")["detail"]
    assert_problem(http.post("/returns", json={**body, "sale_id": 999_999}), 404, "not_found")
    assert http.post("/returns", json={**body, "refund_mode": "credit"}).status_code == 422
    assert count_rows(ctx, SaleReturn) == 1 and stock_of(ctx, oil.id).on_hand == D(7)
    assert ledger.balance(ctx, sharma.id).balance == D("150.00") and check_tenant(db, ctx.tenant_id).ok


def test_write_offs_and_counts_over_http(shop_api, make_product):
    http, ctx = shop_api.http, shop_api.ctx
    milk = make_product("Doodh", ctx=ctx, stock=10, cost="25", unit="packet")
    gone = http.post("/stock/write-offs", json={"product_id": milk.id, "quantity": "3", "reason": "expired"})
    assert gone.status_code == 201 and (gone.json()["value"], gone.json()["reason"]) == ("-75.00", "expired")
    counted = http.post("/stock/counts", json={"product_id": milk.id, "counted": "5"},
                        headers={"Idempotency-Key": "count-1"})
    assert counted.status_code == 201 and counted.json()["delta"] == "-2.000"
    replay = http.post("/stock/counts", json={"product_id": milk.id, "counted": "5"},
                       headers={"Idempotency-Key": "count-1"})
    assert replay.headers.get("Idempotent-Replayed") == "true" and replay.json() == counted.json()
    movements = count_rows(ctx, StockMovement)
    for body in ({"product_id": milk.id, "quantity": "1", "reason": "count"},
                 {"product_id": milk.id, "quantity": "1", "reason": "gift"},
                 {"product_id": milk.id, "quantity": 1.5, "reason": "lost"}):
        assert_problem(http.post("/stock/write-offs", json=body), 422, "validation_error")
    assert_problem(http.post("/stock/write-offs", json={"product_id": milk.id, "quantity": "9", "reason": "lost"}),
                   409, "insufficient_stock")
    assert_problem(http.post("/stock/counts", json={"product_id": 999_999, "counted": "1"}), 404, "unknown_product")
    reasons = http.get(f"/stock/{milk.id}/movements").json()["items"]
    assert [m["reason"] for m in reasons[:2]] == ["count", "expired"]
    assert count_rows(ctx, StockMovement) == movements and stock_of(ctx, milk.id).on_hand == D(5)


def test_price_changes_and_their_history_over_http(shop_api, make_product):
    http, ctx = shop_api.http, shop_api.ctx
    maggi = make_product("Maggi", ctx=ctx, price="12", mrp="15", unit="packet")
    change = http.post(f"/products/{maggi.id}/prices", json={"selling_price": "14"})
    assert change.status_code == 201 and (change.json()["old_selling_price"], change.json()["new_selling_price"]) == (
        "12.00", "14.00")
    assert_problem(http.post(f"/products/{maggi.id}/prices", json={"selling_price": "16"}), 422, "validation_error")
    assert_problem(http.post("/products/999999/prices", json={"selling_price": "16"}), 404, "unknown_product")
    history = http.get(f"/products/{maggi.id}/prices").json()["items"]
    assert [c["new_selling_price"] for c in history] == ["14.00"] and count_rows(ctx, PriceChange) == 1
    assert http.get(f"/products/{maggi.id}").json()["selling_price"] == "14.00"


def test_credit_limit_and_settings_over_http(shop_api, api_shop, make_customer):
    http, ctx = shop_api.http, shop_api.ctx
    sharma = make_customer("Sharma ji", ctx=ctx, opening_balance="500")
    limit = http.post(f"/khata/{sharma.id}/credit-limit", json={"credit_limit": "1000"})
    assert limit.status_code == 200 and (limit.json()["credit_limit"], limit.json()["over_limit"]) == ("1000.00",
                                                                                                       False)
    assert http.post(f"/khata/{sharma.id}/credit-limit", json={"credit_limit": None}).json()["credit_limit"] is None
    assert http.post(f"/khata/{sharma.id}/credit-limit", json={}).status_code == 422
    assert_problem(http.post("/khata/999999/credit-limit", json={"credit_limit": "5"}), 404, "unknown_party")

    changed = http.post("/settings", json={"upi_vpa": "Ramesh@OKAXIS", "reply_language": "ne",
                                           "daily_summary_time": "21:30"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["upi_vpa"], changed.json()["reply_language"], changed.json()["daily_summary_time"]) == (
        "ramesh@okaxis", "ne", "21:30")
    cleared = http.post("/settings", json={"daily_summary_time": None}).json()
    assert cleared["daily_summary_time"] is None and cleared["upi_vpa"] == "ramesh@okaxis"
    assert_problem(http.post("/settings", json={"gstin": "27AAPFU0939F1ZX"}), 422, "invalid_checksum")
    assert_problem(http.post("/settings", json={"upi_vpa": "no at sign"}), 422, "invalid_format")
    assert http.post("/settings", json={"reply_language": "fr"}).status_code == 422
    assert http.get("/settings").json() == cleared

    reader = api_shop(scopes=("read",))
    assert_problem(reader.http.post("/settings", json={"upi_vpa": "x@ybl"}), 403, "permission_denied")
    assert_problem(reader.http.post("/stock/counts", json={"product_id": 1, "counted": "1"}), 403,
                   "permission_denied")


def test_a_statement_as_json_and_as_pdf(shop_api, make_customer, tmp_path):
    http, ctx = shop_api.http, shop_api.ctx
    http.post("/settings", json={"upi_vpa": "ramesh@okaxis"})
    sharma = make_customer("Sharma ji", ctx=ctx, opening_balance="700")
    ledger.record_payment(ctx, sharma.id, "200")
    whole = http.get(f"/khata/{sharma.id}/period-statement").json()
    assert (whole["opening_balance"], whole["closing_balance"], len(whole["entries"])) == ("0.00", "500.00", 2)
    assert whole["closing_balance"] == http.get(f"/khata/{sharma.id}").json()["balance"]
    later = http.get(f"/khata/{sharma.id}/period-statement", params={"from": "2099-01-01", "to": "2099-12-31"})
    assert (later.json()["opening_balance"], later.json()["entries"]) == ("500.00", [])
    assert_problem(http.get(f"/khata/{sharma.id}/period-statement", params={"from": "2025-03-01",
                                                                              "to": "2025-02-01"}),
                   422, "validation_error")
    assert_problem(http.get("/khata/999999/period-statement"), 404, "unknown_party")
    pdf = http.get(f"/khata/{sharma.id}/period-statement/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    (tmp_path / "s.pdf").write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Sharma ji" in text and "Scan to pay ₹ 500.00" in text
