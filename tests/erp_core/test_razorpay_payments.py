"""Razorpay payment links against a local server that speaks Razorpay's API, and webhook booking."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from erp_core import invoice_views, invoices, ledger
from erp_core.enums import InvoiceStatus, PaymentMode
from erp_core.errors import GatewayError, InvalidSignature, NotFound, ValidationError
from erp_core.invoices import InvoiceLineIn
from erp_core.models import AuditEntry, InvoicePayment, Payment
from erp_core.razorpay_payments import connect_razorpay, create_payment_link, handle_webhook
from tests.fake_razorpay import fake_razorpay, sign

D = Decimal


@pytest.fixture
def razorpay():
    with fake_razorpay() as fake:
        yield fake


@pytest.fixture
def billed(new_shop, make_product, make_customer, razorpay):
    """A shop on Razorpay with an unpaid invoice of ₹1,098 to a customer."""
    ctx = new_shop(name="Sharma Stores", gstin="27AAPFU0939F1ZV")
    connect_razorpay(ctx, razorpay.key_id, razorpay.key_secret, razorpay.webhook_secret)
    ghee = make_product("Ghee", ctx=ctx, stock=10, price="549.00", gst_rate="12", unit="pcs")
    buyer = make_customer("Rao", ctx=ctx)
    invoice = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=ghee.id, quantity=D(2))], party_id=buyer.id)
    return ctx, invoice, buyer


def count(ctx, model, **where):
    with ctx.db.session(ctx.tenant_id) as session:
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return session.scalar(query)


def test_payment_link_in_paise_with_the_invoice_number(billed, razorpay):
    ctx, invoice, _ = billed
    link = create_payment_link(ctx, invoice.id, upi_only=True, api_url=razorpay.url)
    [sent] = razorpay.requests
    assert (sent["amount"], sent["currency"], sent["reference_id"], sent["upi_link"]) == (
        109800, "INR", invoice.number, True)
    assert sent["notes"]["hisaab_invoice_id"] == str(invoice.id)
    assert (link.amount, link.upi_only) == (D("1098.00"), True)
    assert link.link_id.startswith("plink_") and link.short_url.startswith("https://rzp.io/i/")
    again = create_payment_link(ctx, invoice.id, upi_only=True, api_url=razorpay.url)
    assert again == link and len(razorpay.requests) == 1


def test_the_base_url_comes_from_the_environment(billed, razorpay, monkeypatch):
    ctx, invoice, _ = billed
    monkeypatch.setenv("RAZORPAY_BASE_URL", razorpay.url)
    assert create_payment_link(ctx, invoice.id).link_id in razorpay.links


def test_wrong_keys_are_a_gateway_error(new_shop, make_product, razorpay):
    ctx = new_shop(name="Wrong Keys", gstin="27AAPFU0939F1ZV")
    connect_razorpay(ctx, razorpay.key_id, "not-the-secret", razorpay.webhook_secret)
    item = make_product("Tea", ctx=ctx, stock=1, gst_rate="5")
    invoice = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=item.id, quantity=D(1))])
    with pytest.raises(GatewayError):
        create_payment_link(ctx, invoice.id, api_url=razorpay.url)
    assert razorpay.links == {}


def test_a_paid_link_is_booked_once_however_often_razorpay_repeats(billed, razorpay):
    ctx, invoice, buyer = billed
    link = create_payment_link(ctx, invoice.id, api_url=razorpay.url)
    body, signature = razorpay.paid_event(link.link_id)
    outcomes = [handle_webhook(ctx.db, ctx.tenant_id, body, signature) for _ in range(3)]
    assert all(o.booked and o.invoice.status is InvoiceStatus.PAID for o in outcomes)
    payment_id = json.loads(body)["payload"]["payment"]["entity"]["id"]
    # payment.captured for the same payment arrives too: still one payment
    captured, captured_signature = razorpay.paid_event(link.link_id, payment_id=payment_id, event="payment.captured")
    assert handle_webhook(ctx.db, ctx.tenant_id, captured, captured_signature).invoice.paid == D("1098.00")
    assert count(ctx, InvoicePayment, gateway_payment_id=payment_id) == 1
    assert count(ctx, Payment, party_id=buyer.id) == 1
    assert ledger.balance(ctx, buyer.id).balance == D("0.00")
    assert invoice_views.get_invoice(ctx, invoice.id).paid == D("1098.00")
    with ctx.db.session(ctx.tenant_id) as session:
        record = session.scalar(select(InvoicePayment).where(InvoicePayment.gateway_payment_id == payment_id))
        assert (record.mode, record.amount) == (PaymentMode.UPI, D("1098.00"))


def test_partial_payments_then_the_rest(billed, razorpay):
    ctx, invoice, _ = billed
    link = create_payment_link(ctx, invoice.id, api_url=razorpay.url)
    body, signature = razorpay.paid_event(link.link_id, amount=50000, method="card")
    assert handle_webhook(ctx.db, ctx.tenant_id, body, signature).invoice.status is InvoiceStatus.PARTIALLY_PAID
    second = create_payment_link(ctx, invoice.id, api_url=razorpay.url)
    assert second.amount == D("598.00") and razorpay.requests[-1]["reference_id"] == invoice.number + "-2"
    body, signature = razorpay.paid_event(second.link_id, method="netbanking")
    assert handle_webhook(ctx.db, ctx.tenant_id, body, signature).invoice.status is InvoiceStatus.PAID
    with pytest.raises(ValidationError):
        create_payment_link(ctx, invoice.id, api_url=razorpay.url)


def test_bad_signatures_book_nothing(billed, razorpay):
    ctx, invoice, _ = billed
    link = create_payment_link(ctx, invoice.id, api_url=razorpay.url)
    body, signature = razorpay.paid_event(link.link_id)
    audit_before = count(ctx, AuditEntry)
    tampered = body.replace(b'"amount": 109800', b'"amount": 209800', 1)
    for bad_body, bad_signature in ((body, None), (body, ""), (body, sign(body, "wrong secret")),
                                    (tampered, signature), (body, signature.upper() + "0")):
        with pytest.raises(InvalidSignature):
            handle_webhook(ctx.db, ctx.tenant_id, bad_body, bad_signature)
    assert count(ctx, InvoicePayment) == 0 and count(ctx, AuditEntry) == audit_before
    assert invoice_views.get_invoice(ctx, invoice.id).status is InvoiceStatus.UNPAID


def test_events_we_do_not_book(billed, razorpay, new_shop):
    ctx, invoice, _ = billed
    body = json.dumps({"entity": "event", "event": "payment.failed", "payload": {}}).encode()
    outcome = handle_webhook(ctx.db, ctx.tenant_id, body, sign(body, razorpay.webhook_secret))
    assert (outcome.booked, outcome.reason) == (False, "event not handled")
    body = b"not json"
    with pytest.raises(ValidationError):
        handle_webhook(ctx.db, ctx.tenant_id, body, sign(body, razorpay.webhook_secret))
    without_razorpay = new_shop(name="No Razorpay")
    with pytest.raises(NotFound):
        handle_webhook(ctx.db, without_razorpay.tenant_id, body, sign(body, razorpay.webhook_secret))
