"""Money received against an invoice: by hand (cash, a UPI reference) or through a gateway (Razorpay).

Every payment is an `InvoicePayment` row, a khata payment for a buyer with a
khata, and a step in the invoice's settlement (`erp_core.invoice_settlement`).
A gateway payment is booked once per gateway payment id.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.enums import EntryKind, InvoiceKind, PaymentMode
from erp_core.errors import NotFound, ValidationError
from erp_core.invoice_settlement import settle
from erp_core.invoice_views import InvoiceView, view_of
from erp_core.ledger import post_entry, tell_of_payment
from erp_core.models import Invoice, InvoicePayment, Party, Payment, Tenant
from erp_core.permissions import Permission
from erp_core.values import money, payment_mode


def apply_payment(
    ctx: Context, session: Session, tenant: Tenant, invoice: Invoice, amount: Decimal, mode: PaymentMode,
    reference: str, gateway_payment_id: str | None, at: datetime,
) -> InvoicePayment:
    """Book `amount` against `invoice` inside the caller's transaction: the row, the khata credit, the settlement."""
    payment_id = None
    if invoice.party_id is not None:
        payment = Payment(party_id=invoice.party_id, amount=amount, mode=mode,
                          reference=(reference or f"invoice {invoice.number}")[:100], received_at=at,
                          created_by=ctx.actor.user_id)
        session.add(payment)
        session.flush()
        payment_id = payment.id
        _, balance = post_entry(session, tenant, party_id=invoice.party_id, kind=EntryKind.PAYMENT, credit=amount,
                                ref_type="payment", ref_id=payment.id,
                                note=f"{mode.value} invoice {invoice.number} {reference}".strip(),
                                actor_id=ctx.actor.user_id, at=at)
        tell_of_payment(ctx, session, session.get(Party, invoice.party_id), payment, balance)
    record = InvoicePayment(invoice_id=invoice.id, payment_id=payment_id, amount=amount, mode=mode,
                            reference=reference[:100], gateway_payment_id=gateway_payment_id, received_at=at)
    session.add(record)
    settle(invoice, paid=amount)
    session.flush()
    return record


def record_invoice_payment(
    ctx: Context,
    invoice_id: int,
    amount: Decimal | int | str,
    mode: PaymentMode | str = PaymentMode.CASH,
    *,
    reference: str = "",
    gateway_payment_id: str | None = None,
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> InvoiceView:
    """Book money received against an invoice: a khata credit, and the invoice becomes paid or partially paid.

    Cash or a UPI reference typed by the owner, and gateway payments (Razorpay),
    all come through here. A gateway payment is booked once per
    `gateway_payment_id` however often it is reported; one typed by hand may
    not be more than what is due.
    """
    ctx.actor.require(Permission.RECORD_PAYMENT)
    value = money(amount, positive=True)
    mode = payment_mode(mode, "mode", on_credit="a payment cannot be made on credit")
    request = {"invoice_id": invoice_id, "amount": value, "mode": mode, "reference": reference,
               "gateway_payment_id": gateway_payment_id, "at": at}
    if gateway_payment_id is not None and idempotency_key is None:
        # One booking per gateway payment: the gateway's events about it differ in their details
        # (time, method), never in what was paid for what.
        idempotency_key = f"gateway-payment:{gateway_payment_id}"
        request = {"invoice_id": invoice_id, "amount": value, "gateway_payment_id": gateway_payment_id}

    def work(session: Session) -> InvoiceView:
        tenant = ctx.tenant(session)
        invoice = session.scalar(select(Invoice).where(Invoice.id == invoice_id).with_for_update())
        if invoice is None or invoice.kind is InvoiceKind.CREDIT_NOTE:
            raise NotFound(what="invoice", ref=invoice_id)
        due = invoice.total - invoice.paid - invoice.credited
        if gateway_payment_id is None and value > due:
            raise ValidationError(field="amount", reason=f"only {due} is due on {invoice.number}")
        apply_payment(ctx, session, tenant, invoice, value, mode, reference, gateway_payment_id, at or utcnow())
        return view_of(session, tenant, invoice)

    return ctx.run("invoice.payment", request, work, InvoiceView, idempotency_key)
