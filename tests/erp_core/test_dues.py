"""Payment requests for a customer's due: the UPI link for the right amount, a Razorpay link when connected."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp_core import invoices, ledger, upi
from erp_core.dues import payment_request
from erp_core.errors import PermissionDenied, ValidationError
from erp_core.invoice_settings import configure_invoicing
from erp_core.invoices import InvoiceLineIn
from erp_core.permissions import Actor
from erp_core.context import Context
from erp_core.enums import Role
from erp_core.razorpay_payments import connect_razorpay
from tests.fake_razorpay import fake_razorpay

D = Decimal


def test_the_link_asks_for_the_whole_due_to_the_shops_upi_id(shop, make_customer):
    configure_invoicing(shop, upi_vpa="kirana@okaxis")
    verma = make_customer("Verma ji", opening_balance="1450.50", phone="919833333333")
    request = payment_request(shop, verma.id)
    link = upi.parse_link(request.upi_link)
    assert (request.amount, request.balance, request.phone) == (D("1450.50"), D("1450.50"), "919833333333")
    assert (link.payee, link.amount) == ("kirana@okaxis", D("1450.50"))
    assert request.razorpay_url is None


def test_a_stated_amount_and_no_party(shop):
    configure_invoicing(shop, upi_vpa="kirana@okaxis")
    request = payment_request(shop, None, "500")
    assert upi.parse_link(request.upi_link).amount == D("500.00") and request.party_id is None
    with pytest.raises(ValidationError):
        payment_request(shop, None)


def test_without_a_upi_id_there_is_no_link_and_nothing_due_is_refused(shop, make_customer):
    owes = make_customer("Gupta ji", opening_balance=200)
    assert payment_request(shop, owes.id).upi_link is None
    settled = make_customer("Iyer Madam")
    with pytest.raises(ValidationError):
        payment_request(shop, settled.id)


def test_customers_cannot_ask_for_payments(shop, make_customer):
    party = make_customer("Sharma ji", opening_balance=100)
    customer = Context(shop.db, shop.tenant_id, Actor(user_id=None, role=Role.CUSTOMER, party_id=party.id))
    with pytest.raises(PermissionDenied):
        payment_request(customer, party.id)


def test_a_razorpay_link_for_the_latest_open_invoice_when_connected(new_shop, make_product, make_customer):
    ctx = new_shop(name="Sharma Stores", gstin="27AAPFU0939F1ZV")
    with fake_razorpay() as razorpay:
        connect_razorpay(ctx, razorpay.key_id, razorpay.key_secret, razorpay.webhook_secret)
        ghee = make_product("Ghee", ctx=ctx, stock=10, price="549.00", gst_rate="12", unit="pcs")
        buyer = make_customer("Rao", ctx=ctx)
        invoice = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=ghee.id, quantity=D(2))], party_id=buyer.id)
        request = payment_request(ctx, buyer.id, razorpay_api_url=razorpay.url)
        [sent] = razorpay.requests
    assert request.razorpay_url.startswith("https://rzp.io/i/")
    assert (sent["reference_id"], request.razorpay_amount) == (invoice.number, invoice.due)
    assert request.amount == ledger.balance(ctx, buyer.id).balance
