"""Asking a customer to pay what they owe: the amount, a UPI link to the shop, and a Razorpay link when connected.

A request is for the customer's khata balance, or for a stated amount. The
UPI link needs the shop's UPI id (`invoice_settings.configure_invoicing`); the
Razorpay link is made for the customer's latest invoice with money due, when
the shop has connected Razorpay (Razorpay links are per invoice here, so the
webhook books the payment against it).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from erp_core import invoice_settings, ledger, razorpay_payments, upi
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.enums import InvoiceKind
from erp_core.errors import ValidationError
from erp_core.models import Invoice, Party, RazorpayAccount
from erp_core.permissions import Permission
from erp_core.values import money


class PaymentRequest(BaseModel):
    model_config = ConfigDict(frozen=True)
    party_id: int | None
    """None for a request for a stated amount from nobody in particular."""
    name: str
    phone: str | None
    """The number on file, which is also the customer's WhatsApp number."""
    balance: Decimal
    amount: Decimal
    shop_name: str
    upi_link: str | None
    """None when the shop has no UPI id set."""
    razorpay_url: str | None = None
    razorpay_amount: Decimal | None = None
    """What the Razorpay link asks for: the due on the customer's latest open invoice."""


def payment_request(ctx: Context, party_id: int | None, amount: Decimal | int | str | None = None,
                    *, razorpay_api_url: str | None = None) -> PaymentRequest:
    """What to ask `party_id` for: `amount`, or their whole due (`ValidationError` when nothing is due).

    Without a party, `amount` is required and the request is just the shop's UPI link for it.
    """
    ctx.actor.require(Permission.RECORD_PAYMENT)
    if party_id is None and amount is None:
        raise ValidationError(field="amount", reason="say how much, or for which customer")
    view = ledger.balance(ctx, party_id) if party_id is not None else None
    name, owed = (view.name, view.balance) if view else ("", Decimal("0.00"))
    value = money(amount, "amount", positive=True) if amount is not None else owed
    if value <= 0:
        raise ValidationError(field="amount", reason=f"{name} owes nothing")
    with ctx.read() as session:
        tenant = ctx.tenant(session)
        shop_name, payee = tenant.name, tenant.upi_vpa
        phone = session.scalar(select(Party.phone).where(Party.id == party_id)) if party_id else None
        connected = party_id is not None and session.scalar(select(RazorpayAccount.id)) is not None
        open_invoices = session.scalars(
            select(Invoice.id).where(Invoice.party_id == party_id, Invoice.kind != InvoiceKind.CREDIT_NOTE,
                                     Invoice.total > Invoice.paid + Invoice.credited)
            .order_by(Invoice.id.desc()).limit(1)).all() if connected else []
    reference = f"DUE-{party_id or 0}-{utcnow().strftime('%Y%m%d%H%M')}"
    link = upi.pay_link(payee, shop_name, value, reference, note=f"{shop_name} khata") if payee else None
    gateway = None
    if open_invoices and amount is None:
        gateway = razorpay_payments.create_payment_link(ctx, open_invoices[0], api_url=razorpay_api_url)
    return PaymentRequest(party_id=party_id, name=name, phone=phone, balance=owed, amount=value,
                          shop_name=shop_name, upi_link=link, razorpay_url=gateway.short_url if gateway else None,
                          razorpay_amount=gateway.amount if gateway else None)

