"""The reports over HTTP: every sale counted once whichever way it was made, profit and best and slowest sellers."""

from __future__ import annotations

from datetime import timedelta

from tests.api.conftest import assert_problem
from tests.sales_every_way import DAILY, EARLIER_BILL, GST_SHOP, PROFIT, SOLD, sell_every_way


def money(value) -> str:
    return f"{value:.2f}"


def test_every_report_over_http_counts_each_sale_once(api_shop):
    shop = api_shop(**GST_SHOP)
    day = sell_every_way(shop.ctx).day
    http, today = shop.http, str(day)

    daily = http.get("/reports/daily", params={"day": today}).json()
    assert {name: daily[name] for name in DAILY} == {
        name: value if name in ("bills", "returns") else money(value) for name, value in DAILY.items()}

    by_day = http.get("/reports/sales", params={"from": str(day - timedelta(days=3)), "to": today}).json()
    assert [(d["start"], d["bills"], d["returns"], d["total"]) for d in by_day["items"]] == [
        (str(day - timedelta(days=3)), 1, 0, money(EARLIER_BILL["total"])),
        (str(day - timedelta(days=2)), 0, 0, "0.00"),
        (str(day - timedelta(days=1)), 0, 0, "0.00"),
        (today, 5, 1, money(DAILY["sales_total"])),
    ]

    profit = http.get("/reports/profit", params={"from": today, "to": today})
    assert profit.status_code == 200, profit.text
    assert {name: profit.json()[name] for name in PROFIT} == {name: money(v) for name, v in PROFIT.items()}

    top = http.get("/reports/top-products", params={"from": today, "to": today, "limit": 2})
    assert top.status_code == 200, top.text
    assert [(p["name"], p["quantity"], p["value"]) for p in top.json()["best_by_value"]] == [
        (name, f"{SOLD[name][0]:.3f}", money(SOLD[name][1])) for name in ("Chawal", "Tel")]
    assert [p["name"] for p in top.json()["slowest_by_quantity"]] == ["Sabun", "Tel"]


def test_bad_report_ranges_are_422_problems(shop_api):
    http = shop_api.http
    assert_problem(http.get("/reports/profit", params={"from": "2024-06-02", "to": "2024-06-01"}), 422,
                   "validation_error")
    assert_problem(http.get("/reports/top-products", params={"from": "2024-06-01", "to": "2024-06-01", "limit": 0}),
                   422, "validation_error")
    document = http.get("/openapi.json").json()
    for path in ("/api/v1/reports/profit", "/api/v1/reports/top-products"):
        assert {"200", "403", "422"} <= set(document["paths"][path]["get"]["responses"]), path
