"""Every resource over HTTP against the real server: products, stock, parties, orders, sales, payments, khata,
reports; strict input, idempotent POSTs and cursor pages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.api.conftest import assert_problem

ATTA = {"sku": "ATTA-5", "name": "Aashirvaad Atta 5kg", "unit": "pcs", "selling_price": "265", "cost_price": "240",
        "hsn_code": "1101", "gst_rate": "5", "reorder_point": "3", "aliases": ["atta", "आटा"]}


def test_products_crud_and_search(shop_api):
    http = shop_api.http
    made = http.post("/products", json=ATTA)
    assert made.status_code == 201, made.text
    product = made.json()
    assert (product["name"], product["selling_price"], product["gst_rate"]) == ("Aashirvaad Atta 5kg", "265.00",
                                                                                  "5.00")
    assert http.get(f"/products/{product['id']}").json() == product
    changed = http.patch(f"/products/{product['id']}", json={"selling_price": "270.50"}).json()
    assert changed["selling_price"] == "270.50" and changed["name"] == product["name"]
    assert http.get("/products/search", params={"q": "aata"}).json()["matches"][0]["product"]["id"] == product["id"]
    assert http.get("/products/search", params={"q": "आटा"}).json()["matches"][0]["product"]["id"] == product["id"]
    assert http.delete(f"/products/{product['id']}").json()["active"] is False
    assert http.get("/products").json()["items"] == []
    assert [p["id"] for p in http.get("/products", params={"include_inactive": "true"}).json()["items"]] == \
        [product["id"]]
    assert_problem(http.post("/products", json=ATTA), 422, http.post("/products", json=ATTA).json()["code"])


def test_stock_receipts_adjustments_returns_low_and_valuation(shop_api):
    http = shop_api.http
    product = http.post("/products", json=ATTA).json()
    pid = product["id"]
    assert http.post("/stock/receipts", json={"product_id": pid, "quantity": "10", "unit_cost": "240"}).json()[
        "stock"]["on_hand"] == "10.000"
    assert http.post("/stock/adjustments", json={"product_id": pid, "delta": "-8", "reason": "count"}).json()[
        "stock"]["on_hand"] == "2.000"
    assert_problem(http.post("/stock/adjustments", json={"product_id": pid, "delta": "-5", "reason": "x"}),
                   409, "insufficient_stock")
    assert [s["product_id"] for s in http.get("/stock/low").json()["items"]] == [pid]
    assert http.post("/stock/returns", json={"product_id": pid, "quantity": "1"}).status_code == 201
    assert http.get(f"/stock/{pid}").json()["available"] == "3.000"
    assert http.get("/stock/valuation").json()["total"] == "720.00"
    moves = http.get(f"/stock/{pid}/movements", params={"limit": 2}).json()
    older = http.get(f"/stock/{pid}/movements", params={"limit": 2, "cursor": moves["next_cursor"]}).json()
    assert len(moves["items"]) == 2 and len(older["items"]) == 1 and older["next_cursor"] is None
    ids = [m["id"] for m in moves["items"] + older["items"]]
    assert ids == sorted(ids, reverse=True)
    assert [s["on_hand"] for s in http.get("/stock").json()["items"]] == ["3.000"]
    [line] = http.get("/stock/reorder").json()["items"]          # 3 left, the reorder point is 3
    assert (line["product_id"], line["priority"]) == (pid, "soon") and float(line["suggested"]) >= 1
    assert [item["product_id"] for item in http.get("/stock/reorder", params={"all": "true"}).json()["items"]] == [pid]
    week = http.get(f"/stock/{pid}/forecast", params={"days": 7}).json()
    assert (week["days"], week["available"]) == (7, "3.000") and week["expected"] == "0.000"
    assert_problem(http.get(f"/stock/{pid}/forecast", params={"days": 400}), 422, "validation_error")
    assert_problem(http.get("/stock/999999/forecast"), 404, "not_found")


def test_customers_suppliers_orders_sales_payments_khata_and_reports(shop_api):
    http = shop_api.http
    pid = http.post("/products", json=ATTA).json()["id"]
    http.post("/stock/receipts", json={"product_id": pid, "quantity": "20", "unit_cost": "240"})
    customer = http.post("/customers", json={"name": "Gupta ji", "phone": "+919812345678",
                                             "credit_limit": "5000", "opening_balance": "100"}).json()
    assert customer["balance"] == "100.00" and customer["kind"] == "customer"
    assert http.post("/suppliers", json={"name": "Agarwal Traders", "gstin": "27AAPFU0939F1ZV"}).status_code == 201
    assert http.get("/customers/search", params={"q": "gupta"}).json()["matches"][0]["id"] == customer["id"]
    assert http.get("/suppliers/search", params={"q": "gupta"}).json()["matches"] == []

    order = http.post("/orders", json={"party_id": customer["id"], "lines": [{"product_id": pid, "quantity": 2}]})
    assert order.status_code == 201 and order.json()["status"] == "DRAFT"
    oid = order.json()["id"]
    for verb, status in (("confirm", "CONFIRMED"), ("accept", "ACCEPTED"), ("pack", "PACKED")):
        assert http.post(f"/orders/{oid}/{verb}", json={}).json()["status"] == status
    assert_problem(http.post(f"/orders/{oid}/confirm", json={}), 409, "invalid_transition")
    assert [e["to_status"] for e in http.get(f"/orders/{oid}/events").json()["events"]][-1] == "PACKED"
    assert [o["id"] for o in http.get("/orders", params={"status": "PACKED"}).json()["items"]] == [oid]

    sale = http.post("/sales", json={"party_id": customer["id"], "lines": [{"product_id": pid, "quantity": "3"}],
                                     "payment_mode": "cash", "paid": "500"})
    assert sale.status_code == 201, sale.text
    assert (sale.json()["total"], sale.json()["due"]) == ("795.00", "295.00")
    assert http.get(f"/sales/{sale.json()['sale_id']}").json()["total"] == "795.00"
    paid = http.post("/payments", json={"party_id": customer["id"], "amount": "95", "mode": "upi"}).json()
    assert paid["balance"] == "830.00"  # opening 100 + packed order 530 + bill due 295 - 95
    assert http.get(f"/payments/{paid['payment_id']}").json()["amount"] == "95.00"
    assert http.get(f"/khata/{customer['id']}").json()["balance"] == "830.00"
    assert [d["party_id"] for d in http.get("/khata/dues").json()["items"]] == [customer["id"]]
    assert http.get("/khata/ageing").json()["items"][0]["total"] == "830.00"
    scored = http.get(f"/khata/{customer['id']}/credit-score").json()
    assert (scored["score"], scored["band"], scored["new_customer"]) == (50, "medium", True)
    lines = http.get(f"/khata/{customer['id']}/statement").json()["lines"]
    assert lines[-1]["balance"] == "830.00"
    today = str(datetime.now(ZoneInfo("Asia/Kolkata")).date())
    daily = http.get("/reports/daily", params={"day": today}).json()
    assert (daily["bills"], daily["sales_total"]) == (1, "795.00")
    by_day = http.get("/reports/sales", params={"from": today, "to": today}).json()
    assert [(d["bills"], d["total"]) for d in by_day["items"]] == [(1, "795.00")]


def test_bad_input_is_422_problem_json_with_the_error_key(shop_api):
    http = shop_api.http
    pid = http.post("/products", json=ATTA).json()["id"]
    customer = http.post("/customers", json={"name": "Gupta ji"}).json()["id"]
    schema_errors = [
        ("/sales", {"lines": [{"product_id": pid, "quantity": "-2"}]}),              # negative quantity
        ("/sales", {"lines": [{"product_id": pid, "quantity": "0"}]}),
        ("/sales", {"lines": [{"product_id": pid, "quantity": 1}], "discount": "-1"}),
        ("/sales", {"lines": [{"product_id": pid, "quantity": 1}], "cashier": "Ramu"}),  # unknown field
        ("/sales", {"lines": [{"product_id": pid, "quantity": 0.1}]}),                # floats are refused
        ("/payments", {"party_id": customer, "amount": "99999999999"}),              # absurd amount
        ("/payments", {"party_id": customer, "amount": "10.001"}),
        ("/stock/receipts", {"product_id": pid, "quantity": "1e9", "unit_cost": "1"}),
        ("/customers", {"name": "X", "gstin": "27-AAPFU-0939"}),                       # malformed GSTIN
        ("/products", {**ATTA, "sku": "B", "hsn_code": "12"}),
        ("/orders", {"party_id": customer, "lines": []}),
    ]
    for path, body in schema_errors:
        problem = assert_problem(http.post(path, json=body), 422, "validation_error")
        assert problem["errors"] and all(e["loc"].startswith("body") for e in problem["errors"]), (path, problem)
    bad_checksum = http.post("/customers", json={"name": "X", "gstin": "27AAPFU0939F1ZW"})
    assert_problem(bad_checksum, 422, "invalid_checksum")
    assert_problem(http.post("/sales", content=b"{not json", headers={"content-type": "application/json"}),
                   400, "validation_error")
    assert_problem(http.get("/sales", params={"cursor": "forged"}), 422, "validation_error")
    assert_problem(http.get("/sales", params={"limit": "1000"}), 422, "validation_error")
    assert_problem(http.post("/sales", json={"lines": [{"product_id": pid, "quantity": "1000"}]}),
                   409, "insufficient_stock")
    assert http.get("/sales").json()["items"] == []  # nothing half-written


def test_idempotency_key_replays_the_stored_response(shop_api):
    http = shop_api.http
    pid = http.post("/products", json=ATTA).json()["id"]
    http.post("/stock/receipts", json={"product_id": pid, "quantity": "10", "unit_cost": "240"})
    body = {"lines": [{"product_id": pid, "quantity": "2"}]}
    first = http.post("/sales", json=body, headers={"Idempotency-Key": "till-1-bill-77"})
    again = http.post("/sales", json=body, headers={"Idempotency-Key": "till-1-bill-77"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert http.get(f"/stock/{pid}").json()["on_hand"] == "8.000"
    other = http.post("/sales", json={"lines": [{"product_id": pid, "quantity": "3"}]},
                      headers={"Idempotency-Key": "till-1-bill-77"})
    assert_problem(other, 422, "idempotency_conflict")
    assert http.get(f"/stock/{pid}").json()["on_hand"] == "8.000"
    assert_problem(http.post("/sales", json=body, headers={"Idempotency-Key": "x" * 121}), 422, "validation_error")
    new = http.post("/sales", json=body, headers={"Idempotency-Key": "till-1-bill-78"})
    assert new.json()["sale_id"] != first.json()["sale_id"]


def test_cursor_pages_cover_everything_once(shop_api):
    http = shop_api.http
    made = [http.post("/customers", json={"name": f"Customer {i}"}).json()["id"] for i in range(7)]
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = http.get("/customers", params=params).json()
        seen += [c["id"] for c in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made and pages == 3


def test_the_openapi_document_and_the_docs_page_cover_every_resource(shop_api):
    document = shop_api.http.get("/openapi.json").json()
    resources = {path.split("/")[3] for path in document["paths"]}
    assert {"products", "stock", "customers", "suppliers", "orders", "sales", "invoices", "payments", "khata",
            "expenses", "reports", "webhooks", "sync"} <= resources
    pdf = document["paths"]["/api/v1/invoices/{invoice_id}/pdf"]["get"]["responses"]
    assert set(pdf["200"]["content"]) == {"application/pdf"} and "404" in pdf
    page = shop_api.http.get("/docs")
    assert page.headers["content-type"].startswith("text/html")
    for text in ("/api/v1/invoices/{invoice_id}/upi/qr", "image/png", "text/csv", "id='problem-insufficient_stock'"):
        assert text in page.text, text
