"""Bad input at every write of the REST API, beyond schemathesis (which sends well-formed JSON of the wrong shape):
raw bodies that are malformed, wrongly encoded, deeply nested, huge or of the wrong content type, hostile
Idempotency-Key headers and query strings. Whatever arrives, the answer is a 4xx (or a success, for a body that
happens to be valid), never a 5xx; a refused write leaves every table of the shop as it was; and the server keeps
serving. Derandomised with fixed example counts, so a run is reproducible and takes well under a minute.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from api.app import RESOURCES
from api.routing import MAX_BODY, Operation
from erp_core.db import Database
from erp_core.models import Base
from tests.api.conftest import Tenant, assert_problem
from tests.hostile_input import CONTENT_TYPES, hostile_bodies, http_request, nested, raw_request

FUZZ = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
WRITES = [op for resource in RESOURCES for op in resource.operations if op.method != "GET"]


def row_counts(db: Database, tenant_id: int) -> dict[str, int]:
    """Rows per table: the shop's own in tenant tables, all of them in the others (tenants, keys, ...)."""
    counts = {}
    with db.session(tenant_id, readonly=True) as session:
        for table in Base.metadata.sorted_tables:
            query = select(func.count()).select_from(table)
            if "tenant_id" in table.c:
                query = query.where(table.c.tenant_id == tenant_id)
            counts[table.name] = session.scalar(query)
    return counts


@pytest.fixture
def fuzzed_shop(api_shop, make_product, make_customer) -> tuple[Tenant, dict[str, int], dict[str, Any]]:
    """A shop with stock, a customer and a draft order; the ids path parameters take; a good body per write."""
    shop = api_shop()
    product = make_product("Rice", ctx=shop.ctx, stock=50)
    customer = make_customer("Gupta ji", ctx=shop.ctx)
    line = {"product_id": product.id, "quantity": "1"}
    order = shop.http.post("/orders", json={"party_id": customer.id, "lines": [line]}).json()
    sale = shop.http.post("/sales", json={"lines": [line]}).json()
    ids = {"product_id": product.id, "order_id": order["id"], "invoice_id": 1, "entry_id": 1, "expense_id": 1,
           "webhook_id": 1, "party_id": customer.id}
    templates = {
        "/products": {"sku": "FUZZ-1", "name": "Fuzz Atta", "unit": "pcs", "selling_price": "265",
                           "cost_price": "240", "gst_rate": "5", "aliases": ["atta"]},
        "/products/<product_id:int>": {"selling_price": "270.50", "aliases": ["chawal"]},
        "/stock/receipts": {"product_id": product.id, "quantity": "10", "unit_cost": "240"},
        "/stock/adjustments": {"product_id": product.id, "delta": "-1", "reason": "count"},
        "/stock/returns": {"product_id": product.id, "quantity": "1"},
        "/customers": {"name": "Fuzz ji", "phone": "+919812345678", "credit_limit": "5000",
                            "opening_balance": "100"},
        "/suppliers": {"name": "Agarwal Traders", "gstin": "27AAPFU0939F1ZV"},
        "/orders": {"party_id": customer.id, "lines": [line]},
        "/sales": {"party_id": customer.id, "lines": [line], "payment_mode": "cash", "paid": "50"},
        "/invoices": {"party_id": customer.id, "lines": [line]},
        "/invoices/from-sale": {"sale_id": sale["sale_id"]},
        "/payments": {"party_id": customer.id, "amount": "5", "mode": "upi", "reference": "UTR1"},
        "/invoices/<invoice_id:int>/payments": {"amount": "9", "mode": "upi"},
        "/invoices/<invoice_id:int>/credit-notes": {"returns": [line], "reason": "damaged"},
        "/expenses": {"amount": "35", "category": "rent", "note": "shop rent"},
        "/returns": {"sale_id": sale["sale_id"], "refund_mode": "cash", "lines": [line], "reason": "torn bag"},
        "/stock/write-offs": {"product_id": product.id, "quantity": "1", "reason": "damaged"},
        "/stock/counts": {"product_id": product.id, "counted": "40", "note": "evening count"},
        "/products/<product_id:int>/prices": {"selling_price": "55", "mrp": "60"},
        "/khata/<party_id:int>/credit-limit": {"credit_limit": "5000"},
        "/settings": {"upi_vpa": "shop@ybl", "gstin": "27AAPFU0939F1ZV", "daily_summary_time": "21:00"},
        "/sync/push": {"items": [{"type": "sale", "local_id": str(uuid.uuid4()), "offline_created_at":
                            "2026-11-20T09:30:00+05:30", "lines": [line]}]},
    }
    return shop, ids, templates


def _path(op: Operation, ids: dict[str, int]) -> str:
    path = op.path
    for name in op.path_params:
        path = path.replace(f"<{name}:int>", str(ids.get(name, 1)))
    return path


def test_every_write_operation_is_fuzzed():
    assert {op.name for op in WRITES} >= {"post_sale", "push", "create_invoice", "receive"}
    assert len(WRITES) >= 30


@FUZZ
@given(data=st.data())
def test_hostile_bodies_get_a_4xx_and_leave_the_books_alone(fuzzed_shop, db, data):
    shop, ids, templates = fuzzed_shop
    op = data.draw(st.sampled_from(WRITES), label="operation")
    body = data.draw(hostile_bodies(templates.get(op.path, {"reason": "typo"})), label="body")
    content_type = data.draw(st.sampled_from(CONTENT_TYPES), label="content type")
    before = row_counts(db, shop.ctx.tenant_id)
    response = shop.http.request(op.method, _path(op, ids), content=body, headers={"Content-Type": content_type})
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
        assert row_counts(db, shop.ctx.tenant_id) == before, f"{op.name} refused with {response.status_code} " \
                                                             "but wrote"


@pytest.mark.parametrize("depth", [500, 1_000, 10_000, 100_000])
@pytest.mark.parametrize("kind", ["list", "dict"])
def test_deeply_nested_json_is_a_400(shop_api, db, depth, kind):
    before = row_counts(db, shop_api.ctx.tenant_id)
    response = shop_api.http.post("/sales", content=nested(depth, kind))
    assert_problem(response, 400, "validation_error")
    assert "nested" in response.json()["detail"]
    assert row_counts(db, shop_api.ctx.tenant_id) == before


def test_oversized_bodies_are_a_413_at_the_api_and_at_sanic(shop_api):
    just_over = b'{"lines": [], "note": "' + b"x" * MAX_BODY + b'"}'
    assert_problem(shop_api.http.post("/sales", content=just_over), 413, "validation_error")
    far_over = b"[" + b"1," * 1_500_000 + b"1]"  # past Sanic's REQUEST_MAX_SIZE: refused before it is read
    assert shop_api.http.post("/sales", content=far_over).status_code == 413
    assert shop_api.http.get("/health").status_code == 200


@FUZZ
@given(key=st.one_of(st.binary(min_size=1, max_size=300), st.sampled_from(
    [b"x" * 121, b"x" * 9_000, b"\x00", b"key\x00", b"\xff\xfe", "कुंजी".encode(), b" ", b"\t", b"a\rb", b"a\nb"])))
def test_a_hostile_idempotency_key_is_refused_before_anything_is_booked(fuzzed_shop, db, key):
    shop, _, templates = fuzzed_shop
    url = urlsplit(shop.base_url)
    before = row_counts(db, shop.ctx.tenant_id)
    request = http_request("POST", f"{url.path}/expenses", url.netloc, {
        "Authorization": shop.http.headers["authorization"].encode(), "Content-Type": b"application/json",
        "Idempotency-Key": key}, b'{"amount": "35", "category": "rent"}')
    status = raw_request(url.hostname, url.port, request)
    value = key.strip(b" \t")  # HTTP drops the spaces and tabs around a header's value
    assert 400 <= status < 500 or (status == 201 and 1 <= len(value) <= 120 and all(0x21 <= c <= 0x7e for c in value)
                                   ), (key, status)
    if status != 201:
        assert row_counts(db, shop.ctx.tenant_id) == before
    assert shop.http.get("/health").status_code == 200


@FUZZ
@given(data=st.data())
def test_hostile_query_strings_are_a_4xx(fuzzed_shop, data):
    shop, ids, _ = fuzzed_shop
    op = data.draw(st.sampled_from([op for r in RESOURCES for op in r.operations if op.method == "GET"]))
    query = data.draw(st.one_of(
        st.binary(max_size=200).map(lambda b: "".join(f"%{c:02x}" for c in b)),
        st.sampled_from(["limit=1e999", "limit=99999999999999999999", "cursor=%00", "cursor=%ff%fe",
                         "q=" + "x" * 6_000, "limit=1&limit=2", "from=2026-02-30", "as_of=%ed%a0%80",
                         "period=" + "%c0%af" * 10, "cursor=" + "A" * 500, "status=%00PAID", "=&=&&=="]),
    ))
    url = urlsplit(shop.base_url)
    request = http_request("GET", f"{url.path}{_path(op, ids)}?{query}", url.netloc,
                           {"Authorization": shop.http.headers["authorization"].encode()})
    status = raw_request(url.hostname, url.port, request)
    assert 0 < status < 500, (op.name, query, status)
