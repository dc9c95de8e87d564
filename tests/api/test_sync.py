"""Offline sync over HTTP: applied, duplicate and conflict outcomes, and pulling what changed."""

from __future__ import annotations

import uuid

from erp_core import sync
from tests.api.conftest import assert_problem

WHEN = "2026-11-20T09:30:00+05:30"


def _sale(product_id: int, quantity: str, **extra) -> dict:
    return {"type": "sale", "local_id": str(uuid.uuid4()), "offline_created_at": WHEN,
            "lines": [{"product_id": product_id, "quantity": quantity, **extra.pop("line", {})}], **extra}


def test_push_applies_each_item_on_its_own_and_a_retry_doubles_nothing(api_shop, make_product, make_customer):
    shop = api_shop(credit_policy="block")
    rice = make_product("Rice", ctx=shop.ctx, stock=10, price="50")
    oil = make_product("Oil", ctx=shop.ctx, stock=1, price="180")
    buyer = make_customer("Gupta ji", ctx=shop.ctx, credit_limit="100")
    batch = [
        _sale(rice.id, "2"),                                                        # applied
        _sale(oil.id, "3"),                                                         # conflict: only 1 oil
        _sale(oil.id, "2", allow_negative=True),                                    # applied: goods already left
        _sale(rice.id, "1", line={"unit_price": "45"}),                             # price differs: logged
        _sale(rice.id, "3", party_id=buyer.id, payment_mode="credit"),              # 150 > 100 limit: flagged
        {"type": "payment", "local_id": str(uuid.uuid4()), "offline_created_at": WHEN, "party_id": 99_999,
         "amount": "10"},                                                           # conflict: unknown party
        {"type": "stock_movement", "local_id": str(uuid.uuid4()), "offline_created_at": WHEN, "kind": "receive",
         "product_id": rice.id, "quantity": "10", "unit_cost": "40"},               # applied
    ]
    response = shop.http.post("/sync/push", json={"items": batch})
    assert response.status_code == 200, response.text
    out = response.json()["items"]
    assert [o["status"] for o in out] == ["applied", "conflict", "applied", "applied", "applied", "conflict",
                                          "applied"]
    assert [o["local_id"] for o in out] == [item["local_id"] for item in batch]
    assert out[1]["reason"] == "insufficient_stock" and out[1]["details"]["available"] == "1.000"
    assert out[3]["details"]["price_differences"] == [{"product_id": rice.id, "offline_price": "45.00",
                                                       "current_price": "50.00"}]
    assert out[4]["details"]["party_flagged_for_review"] == buyer.id
    assert "credit_limit_exceeded" in out[4]["warnings"]
    assert out[5]["reason"] == "unknown_party"
    assert shop.http.get(f"/customers/{buyer.id}").json()["flagged_for_review"] is True
    assert shop.http.get(f"/stock/{rice.id}").json()["on_hand"] == "14.000"   # 10 - 2 - 1 - 3 + 10
    assert shop.http.get(f"/stock/{oil.id}").json()["on_hand"] == "-1.000"
    logged = {item["local_id"]: item for item in sync.flagged_items(shop.ctx)}
    assert batch[3]["local_id"] in logged and batch[1]["local_id"] in logged

    retried = shop.http.post("/sync/push", json={"items": batch}).json()["items"]
    assert [o["status"] for o in retried] == ["duplicate", "conflict", "duplicate", "duplicate", "duplicate",
                                              "conflict", "duplicate"]
    assert [o["id"] for o in retried if o["status"] == "duplicate"] == \
        [o["id"] for o in out if o["status"] == "applied"]
    assert shop.http.get(f"/stock/{rice.id}").json()["on_hand"] == "14.000"
    assert len(shop.http.get("/sales").json()["items"]) == 4

    reused = {**batch[0], "lines": [{"product_id": rice.id, "quantity": "9"}]}
    [clash] = shop.http.post("/sync/push", json={"items": [reused]}).json()["items"]
    assert (clash["status"], clash["reason"]) == ("conflict", "idempotency_conflict")


def test_bad_batches_are_422(shop_api):
    http = shop_api.http
    for body in ({"items": []}, {"items": [{"type": "sale", "local_id": "not-a-uuid", "offline_created_at": WHEN,
                                            "lines": [{"product_id": 1, "quantity": "1"}]}]},
                 {"items": [{**_sale(1, "1"), "offline_created_at": "2026-11-20T09:30:00"}]},  # no time zone
                 {"items": [{**_sale(1, "1"), "type": "refund"}]}, {"items": [_sale(1, "1")], "device": "x"}):
        assert_problem(http.post("/sync/push", json=body), 422, "validation_error")


def test_pull_gives_a_snapshot_then_only_what_changed(shop_api, make_product):
    http = shop_api.http
    rice = make_product("Rice", ctx=shop_api.ctx, stock=5)
    make_product("Dal", ctx=shop_api.ctx, stock=2)
    full = http.get("/sync/pull").json()
    assert full["full"] is True and {p["name"] for p in full["products"]} == {"Rice", "Dal"}
    assert {s["on_hand"] for s in full["stock"]} == {"5.000", "2.000"}
    quiet = http.get("/sync/pull", params={"cursor": full["cursor"]}).json()
    assert (quiet["products"], quiet["stock"], quiet["cursor"]) == ([], [], full["cursor"])
    customer = http.post("/customers", json={"name": "Gupta ji"}).json()["id"]
    http.post("/sales", json={"party_id": customer, "payment_mode": "credit",
                              "lines": [{"product_id": rice.id, "quantity": "2"}]})
    changed = http.get("/sync/pull", params={"cursor": full["cursor"]}).json()
    assert changed["full"] is False and [p["name"] for p in changed["products"]] == ["Rice"]
    assert [s["on_hand"] for s in changed["stock"]] == ["3.000"]
    assert [(d["party_id"], d["balance"]) for d in changed["dues"]] == [(customer, "100.00")]
    assert changed["cursor"] > full["cursor"]
    assert_problem(http.get("/sync/pull", params={"cursor": "-1"}), 422, "validation_error")
