"""Expenses over HTTP: record, list page by page, reverse, summarise by named period or dates."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.api.conftest import assert_problem


def test_record_list_reverse_and_summarise(shop_api):
    http = shop_api.http
    booked = [http.post("/expenses", json=body).json() for body in (
        {"amount": "250", "category": "Fuel", "mode": "upi", "note": "scooter"},
        {"amount": "1200.50", "category": "electricity"},
        {"amount": 80, "category": "food"},
    )]
    assert [b["category"] for b in booked] == ["fuel", "electricity", "food"]
    undo = http.post(f"/expenses/{booked[2]['expense_id']}/reverse", json={"reason": "typed twice"})
    assert undo.status_code == 201 and undo.json()["amount"] == "-80.00"
    assert_problem(http.post(f"/expenses/{booked[2]['expense_id']}/reverse", json={"reason": "again"}),
                   422, "validation_error")

    first = http.get("/expenses", params={"limit": 3}).json()
    rest = http.get("/expenses", params={"limit": 3, "cursor": first["next_cursor"]}).json()
    assert [e["amount"] for e in first["items"] + rest["items"]] == ["250.00", "1200.50", "80.00", "-80.00"]
    assert rest["next_cursor"] is None and rest["items"][0]["reverses_id"] == booked[2]["expense_id"]
    assert [e["category"] for e in http.get("/expenses", params={"category": "fuel"}).json()["items"]] == ["fuel"]

    month = http.get("/expenses/summary", params={"period": "this_month"}).json()
    assert month["total"] == "1450.50"
    assert [(c["category"], c["amount"]) for c in month["by_category"]] == [("electricity", "1200.50"),
                                                                             ("fuel", "250.00")]
    today = datetime.now(ZoneInfo("Asia/Kolkata")).date()
    same = http.get("/expenses/summary", params={"from": str(today), "to": str(today)}).json()
    assert same["total"] == "1450.50" and same["first_day"] == same["last_day"] == str(today)
    earlier = {"from": str(today - timedelta(days=40)), "to": str(today - timedelta(days=35))}
    assert http.get("/expenses/summary", params=earlier).json()["total"] == "0.00"


def test_categories_and_bad_expenses(shop_api):
    http = shop_api.http
    assert "rent" in http.get("/expenses/categories").json()["names"]
    assert "packaging" in http.post("/expenses/categories", json={"name": "Packaging"}).json()["names"]
    assert http.post("/expenses", json={"amount": "35", "category": "packaging"}).status_code == 201
    for body in ({"amount": "-5"}, {"amount": "0.001"}, {"amount": "1e12"}, {"amount": 12.5},
                 {"amount": "10", "mode": "credit"}, {"amount": "10", "tip": "1"}):
        response = http.post("/expenses", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["code"] == "validation_error"
    assert_problem(http.post("/expenses", json={"amount": "10", "category": "yachts"}), 422, "validation_error")
    for params in ({}, {"period": "someday"}, {"period": "today", "from": "2025-01-01", "to": "2025-01-02"},
                   {"from": "2025-02-01", "to": "2025-01-01"}):
        assert_problem(http.get("/expenses/summary", params=params), 422, "validation_error")
    assert_problem(http.post("/expenses/99999/reverse", json={"reason": "x"}), 404, "not_found")
