"""API keys: 401 without a valid one, 403 for the wrong scope, 404 for another tenant's records, 429 over the limit."""

from __future__ import annotations

import httpx

from erp_core import ledger, orders, sales
from erp_core.api_keys import create_api_key, list_api_keys, revoke_api_key
from erp_core.sales import LineIn
from tests.api.conftest import assert_problem


def test_requests_without_a_valid_key_get_401(shop_api):
    with shop_api.client(None) as anonymous:
        response = anonymous.get("/products")
        assert_problem(response, 401, "unauthorized")
        assert response.headers["www-authenticate"].startswith("Bearer")
    fake = f"hsk_{shop_api.ctx.tenant_id}_{'x' * 43}"
    for key in ("nonsense", fake, "hsk_999999_" + "y" * 43):
        with shop_api.client(key) as client:
            assert_problem(client.get("/products"), 401, "unauthorized")
    assert shop_api.http.get("/products").status_code == 200


def test_a_revoked_key_stops_working(shop_api):
    new = create_api_key(shop_api.ctx, "till 2", ["read"])
    with shop_api.client(new.key) as client:
        assert client.get("/stock").status_code == 200
        revoke_api_key(shop_api.ctx, new.info.id)
        assert_problem(client.get("/stock"), 401, "unauthorized")
    listed = {k.id: k for k in list_api_keys(shop_api.ctx)}
    assert listed[new.info.id].revoked_at is not None
    assert new.key not in repr(listed)  # only the hash is kept


def test_a_read_key_cannot_write(shop_api):
    reader = create_api_key(shop_api.ctx, "accounting export", ["read"]).key
    with shop_api.client(reader) as client:
        assert client.get("/products").status_code == 200
        body = {"sku": "A1", "name": "Atta", "unit": "kg", "selling_price": "40"}
        assert_problem(client.post("/products", json=body), 403, "permission_denied")
        assert_problem(client.patch("/products/1", json={"name": "x"}), 403, "permission_denied")
        assert_problem(client.post("/sync/push", json={"items": []}), 403, "permission_denied")
    assert shop_api.http.post("/products", json=body).status_code == 201


def test_another_tenants_records_are_404(api_shop, make_product, make_customer):
    mine, theirs = api_shop(), api_shop()
    product = make_product("Kesar", stock=5, ctx=theirs.ctx)
    customer = make_customer("Gupta ji", ctx=theirs.ctx)
    sale = sales.post_sale(theirs.ctx, [LineIn(product_id=product.id, quantity=1)], party_id=customer.id)
    payment = ledger.record_payment(theirs.ctx, customer.id, "10")
    order = orders.create_order(theirs.ctx, customer.id, [LineIn(product_id=product.id, quantity=1)])
    for path in (f"/products/{product.id}", f"/stock/{product.id}", f"/stock/{product.id}/movements",
                 f"/customers/{customer.id}", f"/khata/{customer.id}", f"/khata/{customer.id}/statement",
                 f"/sales/{sale.sale_id}", f"/payments/{payment.payment_id}", f"/orders/{order.id}",
                 f"/orders/{order.id}/events"):
        assert theirs.http.get(path).status_code == 200, path
        body = assert_problem(mine.http.get(path), 404, mine.http.get(path).json()["code"])
        assert "Kesar" not in str(body) and "Gupta" not in str(body)
    assert_problem(mine.http.post(f"/orders/{order.id}/confirm", json={}), 404, "not_found")
    assert_problem(mine.http.patch(f"/products/{product.id}", json={"selling_price": "1"}), 404, "unknown_product")
    assert_problem(mine.http.post("/sales", json={"lines": [{"product_id": product.id, "quantity": "1"}]}),
                   404, "unknown_product")
    assert_problem(mine.http.post("/payments", json={"party_id": customer.id, "amount": "5"}), 404, "unknown_party")
    assert mine.http.get("/products").json()["items"] == []
    assert theirs.http.get(f"/stock/{product.id}").json()["on_hand"] == "4.000"


def test_a_supplier_is_not_found_under_customers(shop_api):
    supplier = shop_api.http.post("/suppliers", json={"name": "Agarwal Traders"}).json()
    assert shop_api.http.get(f"/suppliers/{supplier['id']}").status_code == 200
    assert_problem(shop_api.http.get(f"/customers/{supplier['id']}"), 404, "unknown_party")


def test_rate_limit_per_key_answers_429_with_retry_after(api_shop):
    shop = api_shop(rate_limit=3)
    assert [shop.http.get("/stock").status_code for _ in range(3)] == [200, 200, 200]
    limited = shop.http.get("/stock")
    assert_problem(limited, 429, "rate_limited")
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    other = create_api_key(shop.ctx, "another till", ["read"], rate_limit=3).key
    with shop.client(other) as client:
        assert client.get("/stock").status_code == 200  # limits are per key


def test_unknown_routes_and_methods_are_problems_too(shop_api):
    assert_problem(shop_api.http.get("/nothing-here"), 404, "not_found")
    assert_problem(shop_api.http.put("/products"), 405, "method_not_allowed")
    assert httpx.get(shop_api.base_url + "/health").json() == {"status": "ok"}
