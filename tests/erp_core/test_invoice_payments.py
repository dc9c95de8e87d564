"""Invoice payments: by hand and through a gateway, one path, once per gateway payment."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from erp_core import invoice_payments, invoices, ledger, notices, tenants
from erp_core.enums import InvoiceStatus, NoticeKind, PaymentMode, Role
from erp_core.errors import ValidationError
from erp_core.invoices import InvoiceLineIn
from erp_core.models import InvoicePayment

D = Decimal


def test_manual_and_gateway_payments_take_one_path(gst_shop, make_product, make_customer):
    item = make_product("Oil", ctx=gst_shop, stock=10, price="150.00", gst_rate="5")
    buyer = make_customer("Khan", ctx=gst_shop)
    invoice = invoices.create_invoice(gst_shop, [InvoiceLineIn(product_id=item.id, quantity=D(2))],
                                      party_id=buyer.id)
    part = invoice_payments.record_invoice_payment(gst_shop, invoice.id, "100", "cash")
    assert (part.paid, part.due, part.status) == (D("100.00"), D("200.00"), InvoiceStatus.PARTIALLY_PAID)
    with pytest.raises(ValidationError):
        invoice_payments.record_invoice_payment(gst_shop, invoice.id, "250", "upi", reference="UPI 4312")
    for _ in range(3):  # the gateway reports the same payment again and again
        paid = invoice_payments.record_invoice_payment(gst_shop, invoice.id, "200", PaymentMode.UPI,
                                               gateway_payment_id="pay_29QQoUBi66xm2f")
    assert (paid.paid, paid.status) == (D("300.00"), InvoiceStatus.PAID)
    assert ledger.balance(gst_shop, buyer.id).balance == D("0.00")
    with gst_shop.db.session(gst_shop.tenant_id) as session:
        assert len(session.scalars(select(InvoicePayment).where(InvoicePayment.invoice_id == invoice.id)).all()) == 2
    with pytest.raises(ValidationError):
        invoice_payments.record_invoice_payment(gst_shop, invoice.id, "1", "credit")


def test_a_gateway_payment_queues_the_customers_receipt_and_the_owners_note_once(gst_shop, make_product,
                                                                                make_customer):
    tenants.add_user(gst_shop, wa_id="919800007001", role=Role.OWNER, name="owner")
    item = make_product("Ghee", ctx=gst_shop, stock=10, price="500.00", gst_rate="12")
    buyer = make_customer("Naik", ctx=gst_shop, phone="919811177001")
    invoice = invoices.create_invoice(gst_shop, [InvoiceLineIn(product_id=item.id, quantity=D(1))], party_id=buyer.id)
    for _ in range(2):  # reported twice
        invoice_payments.record_invoice_payment(gst_shop, invoice.id, "500", PaymentMode.UPI,
                                                gateway_payment_id="pay_X1")
    queued = [(n.kind, n.recipient, n.params["amount"], n.params["balance"])
              for n in notices.log(gst_shop, datetime(2000, 1, 1, tzinfo=UTC))
              if n.kind in (NoticeKind.PAYMENT_RECEIPT, NoticeKind.PAYMENT_RECEIVED)]
    assert sorted(queued) == [(NoticeKind.PAYMENT_RECEIPT, "919811177001", "500.00", "0.00"),
                              (NoticeKind.PAYMENT_RECEIVED, "919800007001", "500.00", "0.00")]
