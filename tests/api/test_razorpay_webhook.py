"""The Razorpay webhook endpoint, served by the real API server in its own process."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from erp_core import invoice_views, invoices, ledger
from erp_core.enums import InvoiceStatus
from erp_core.invoices import InvoiceLineIn
from erp_core.razorpay_payments import connect_razorpay, create_payment_link
from tests.api.test_fuzz import row_counts
from tests.fake_razorpay import fake_razorpay, sign
from tests.hostile_input import hostile_bodies, nested

D = Decimal


@pytest.fixture
def api(db, api_servers):
    """The real API server over the test database; yields its base URL (`.../api/v1`)."""
    return api_servers(db)


def test_webhook_checks_the_signature_and_books_once(api, new_shop, make_product, make_customer):
    ctx = new_shop(name="Webhook Stores", gstin="27AAPFU0939F1ZV")
    item = make_product("Ghee", ctx=ctx, stock=10, price="549.00", gst_rate="12", unit="pcs")
    buyer = make_customer("Rao", ctx=ctx)
    invoice = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=item.id, quantity=D(2))], party_id=buyer.id)
    with fake_razorpay() as razorpay:
        connect_razorpay(ctx, razorpay.key_id, razorpay.key_secret, razorpay.webhook_secret)
        link = create_payment_link(ctx, invoice.id, api_url=razorpay.url)
        body, signature = razorpay.paid_event(link.link_id)
    hook = f"{api}/razorpay/webhook/{ctx.tenant_id}"
    headers = {"Content-Type": "application/json"}

    bad = httpx.post(hook, content=body, headers={**headers, "X-Razorpay-Signature": sign(body, "guess")})
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_signature"
    unsigned = httpx.post(hook, content=body, headers=headers)
    assert unsigned.status_code == 400
    reformatted = json.dumps(json.loads(body), indent=2).encode()   # same JSON, other bytes
    assert httpx.post(hook, content=reformatted, headers={**headers, "X-Razorpay-Signature": signature}
                      ).status_code == 400
    assert invoice_views.get_invoice(ctx, invoice.id).status is InvoiceStatus.UNPAID

    for _ in range(3):
        good = httpx.post(hook, content=body, headers={**headers, "X-Razorpay-Signature": signature})
        assert good.status_code == 200
        assert good.json() | {"payment_id": None} == {
            "event": "payment_link.paid", "booked": True, "payment_id": None, "invoice": invoice.number,
            "status": "PAID", "reason": ""}
    after = invoice_views.get_invoice(ctx, invoice.id)
    assert (after.paid, after.status) == (D("1098.00"), InvoiceStatus.PAID)
    assert ledger.balance(ctx, buyer.id).balance == D("0.00")

    elsewhere = httpx.post(f"{api}/razorpay/webhook/{new_shop(name='No Razorpay').tenant_id}", content=body,
                           headers={**headers, "X-Razorpay-Signature": signature})
    assert elsewhere.status_code == 404



@pytest.fixture
def razorpay_shop(new_shop, make_product, make_customer):
    """A shop connected to Razorpay with a payment link for an invoice; the link's paid event (JSON) and the
    webhook secret."""
    ctx = new_shop(name="Fuzzed Stores", gstin="27AAPFU0939F1ZV")
    item = make_product("Ghee", ctx=ctx, stock=10, price="549.00", gst_rate="12", unit="pcs")
    invoice = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=item.id, quantity=D(1))],
                                      party_id=make_customer("Rao", ctx=ctx).id)
    with fake_razorpay() as razorpay:
        connect_razorpay(ctx, razorpay.key_id, razorpay.key_secret, razorpay.webhook_secret)
        link = create_payment_link(ctx, invoice.id, api_url=razorpay.url)
        return ctx, json.loads(razorpay.paid_event(link.link_id)[0]), razorpay.webhook_secret


def _with_payment(template: dict, **fields: object) -> dict:
    entity = {**template["payload"]["payment"]["entity"], **fields}
    return {**template, "payload": {**template["payload"], "payment": {"entity": entity}}}


@pytest.mark.parametrize("broken", [
    "nested", "payload is a list", "entity is text", "amount is text", "amount is a float", "time past 9999",
    "id with NUL", "id with a lone surrogate", "link id is a number"])
def test_a_signed_body_of_the_wrong_shape_is_a_400_not_a_500(api, db, razorpay_shop, broken):
    """Each was a 500 (RecursionError, AttributeError, ValueError, OverflowError, or PostgreSQL refusing NUL)."""
    ctx, template, secret = razorpay_shop
    body = {
        "nested": None,
        "payload is a list": {**template, "payload": []},
        "entity is text": {**template, "payload": {"payment": {"entity": "pay_1"}}},
        "amount is text": _with_payment(template, amount="lots"),
        "amount is a float": _with_payment(template, amount=109800.5),
        "time past 9999": _with_payment(template, created_at=10**20),
        "id with NUL": _with_payment(template, id="pay_\x00"),
        "id with a lone surrogate": _with_payment(template, id="pay_\ud800"),
        "link id is a number": {**template, "payload": {**template["payload"], "payment_link": {"entity": {"id": 7}}}},
    }[broken]
    raw = nested(50_000) if body is None else json.dumps(body).encode()
    before = row_counts(db, ctx.tenant_id)
    response = httpx.post(f"{api}/razorpay/webhook/{ctx.tenant_id}", content=raw,
                          headers={"X-Razorpay-Signature": sign(raw, secret)})
    assert response.status_code == 400 and response.json()["error"] == "validation_error", response.text
    assert row_counts(db, ctx.tenant_id) == before


@settings(max_examples=120, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_a_signed_body_of_any_shape_is_a_400_or_a_200_and_books_nothing_unless_it_is_a_payment(
        api, db, razorpay_shop, data):
    """Razorpay retries what is not a 2xx, so a body it signed that we cannot read is a 400 (Razorpay shows
    the failure on the dashboard) rather than a 500; either way nothing is booked from it."""
    ctx, template, secret = razorpay_shop
    body = data.draw(hostile_bodies(template), label="body")
    before = row_counts(db, ctx.tenant_id)
    response = httpx.post(f"{api}/razorpay/webhook/{ctx.tenant_id}", content=body,
                          headers={"X-Razorpay-Signature": sign(body, secret)})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400 or not response.json()["booked"]:
        assert row_counts(db, ctx.tenant_id) == before
