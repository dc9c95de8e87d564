"""The Razorpay webhook endpoint, served by the real API server in its own process."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest

from erp_core import invoice_views, invoices, ledger
from erp_core.enums import InvoiceStatus
from erp_core.invoices import InvoiceLineIn
from erp_core.razorpay_payments import connect_razorpay, create_payment_link
from tests.fake_razorpay import fake_razorpay, sign

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
