"""Razorpay: payment links for invoices, and the webhook that books what was paid.

Each shop connects its own Razorpay account (key id, key secret, webhook
secret). Links are made through the `razorpay` package with the amount in
paise and `reference_id` set to the invoice number; `RAZORPAY_BASE_URL`
points the client elsewhere (tests use a local server that speaks
Razorpay's API).

The webhook (`payment_link.paid`, `payment.captured`) is checked against
`X-Razorpay-Signature`, the hex HMAC-SHA256 of the raw body keyed with the
webhook secret, and the payment is booked through
`invoice_payments.record_invoice_payment`, once per Razorpay payment id however often
Razorpay repeats the event.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import razorpay
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core import invoice_payments, invoice_views
from erp_core.context import Context
from erp_core.db import Database
from erp_core.enums import InvoiceKind, PaymentMode
from erp_core.errors import GatewayError, InvalidSignature, NotFound, ValidationError
from erp_core.invoice_views import InvoiceView
from erp_core.models import Invoice, PaymentLink, RazorpayAccount
from erp_core.razorpay_events import Payment as RazorpayPayment
from erp_core.razorpay_events import PaymentLink as RazorpayLink
from erp_core.razorpay_events import parse_event
from erp_core.permissions import Actor, Permission

DEFAULT_BASE_URL = "https://api.razorpay.com"
EVENTS = ("payment_link.paid", "payment.captured")
_METHODS = {"upi": PaymentMode.UPI, "card": PaymentMode.CARD, "netbanking": PaymentMode.BANK,
            "emi": PaymentMode.CARD, "wallet": PaymentMode.UPI, "bank_transfer": PaymentMode.BANK}


class PaymentLinkView(BaseModel):
    model_config = ConfigDict(frozen=True)
    invoice_id: int
    link_id: str
    short_url: str
    amount: Decimal
    upi_only: bool


class RazorpayConnected(BaseModel):
    model_config = ConfigDict(frozen=True)
    key_id: str


class WebhookOutcome(BaseModel):
    """What a webhook delivery did: booked a payment (or replayed one), or had nothing to book."""

    model_config = ConfigDict(frozen=True)
    event: str
    booked: bool
    payment_id: str | None = None
    invoice: InvoiceView | None = None
    reason: str = ""


def base_url() -> str:
    """Razorpay's API address: `RAZORPAY_BASE_URL`, or Razorpay itself."""
    return os.environ.get("RAZORPAY_BASE_URL") or DEFAULT_BASE_URL


def connect_razorpay(
    ctx: Context, key_id: str, key_secret: str, webhook_secret: str, *, idempotency_key: str | None = None
) -> RazorpayConnected:
    """Store (or replace) the shop's Razorpay keys and webhook secret."""
    ctx.actor.require(Permission.MANAGE_USERS)
    if not key_id.startswith("rzp_") or not key_secret or not webhook_secret:
        raise ValidationError(field="key_id", reason="Razorpay key ids start with rzp_, and both secrets are needed")

    def work(session: Session) -> RazorpayConnected:
        account = session.scalar(select(RazorpayAccount)) or RazorpayAccount()
        account.key_id, account.key_secret, account.webhook_secret = key_id, key_secret, webhook_secret
        session.add(account)
        return RazorpayConnected(key_id=key_id)

    # the secrets stay out of the audit log and the idempotency record
    return ctx.run("razorpay.connect", {"key_id": key_id}, work, RazorpayConnected, idempotency_key)


def _account(session: Session) -> RazorpayAccount:
    account = session.scalar(select(RazorpayAccount))
    if account is None:
        raise NotFound(what="Razorpay account", ref="")
    return account


def create_payment_link(
    ctx: Context, invoice_id: int, *, upi_only: bool = False, api_url: str | None = None
) -> PaymentLinkView:
    """A Razorpay payment link for what is due on an invoice (the same link again while the due is unchanged)."""
    ctx.actor.require(Permission.RECORD_PAYMENT)
    invoice = invoice_views.get_invoice(ctx, invoice_id)
    if invoice.kind is InvoiceKind.CREDIT_NOTE or invoice.due <= 0:
        raise ValidationError(field="invoice_id", reason=f"nothing is due on {invoice.number}")
    with ctx.read() as session:
        account = _account(session)
        key_id, key_secret = account.key_id, account.key_secret
        existing = session.scalars(select(PaymentLink).where(PaymentLink.invoice_id == invoice_id)
                                   .order_by(PaymentLink.id)).all()
    for link in existing:
        if link.amount == invoice.due and link.upi_only == upi_only:
            return _link_view(link)
    reference = invoice.number if not existing else f"{invoice.number}-{len(existing) + 1}"
    request: dict[str, Any] = {
        "amount": int(invoice.due * 100),
        "currency": "INR",
        "accept_partial": False,
        "reference_id": reference,
        "description": f"Invoice {invoice.number} from {invoice.seller_name}"[:2048],
        "notify": {"sms": False, "email": False},
        "reminder_enable": False,
        "notes": {"hisaab_tenant_id": str(ctx.tenant_id), "hisaab_invoice_id": str(invoice_id),
                  "invoice_number": invoice.number},
    }
    if invoice.buyer_name:
        request["customer"] = {"name": invoice.buyer_name}
    if upi_only:
        request["upi_link"] = True
    client = razorpay.Client(auth=(key_id, key_secret), base_url=api_url or base_url())
    try:
        created = client.payment_link.create(request)
    except (razorpay.errors.BadRequestError, razorpay.errors.ServerError, razorpay.errors.GatewayError) as exc:
        raise GatewayError(reason=str(exc)) from None

    def work(session: Session) -> PaymentLinkView:
        link = PaymentLink(invoice_id=invoice_id, link_id=created["id"], short_url=created["short_url"],
                           amount=(Decimal(created["amount"]) / 100).quantize(Decimal("0.01")), upi_only=upi_only)
        session.add(link)
        session.flush()
        return _link_view(link)

    return ctx.run("razorpay.link", {"invoice_id": invoice_id, "link_id": created["id"]}, work, PaymentLinkView)


def _link_view(link: PaymentLink) -> PaymentLinkView:
    return PaymentLinkView(invoice_id=link.invoice_id, link_id=link.link_id, short_url=link.short_url,
                           amount=link.amount, upi_only=link.upi_only)


def signature(body: bytes, secret: str) -> str:
    """`X-Razorpay-Signature` for a webhook body: hex HMAC-SHA256 keyed with the webhook secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def handle_webhook(db: Database, tenant_id: int, body: bytes, received_signature: str | None) -> WebhookOutcome:
    """Verify a Razorpay webhook delivery for a shop and book the payment it reports.

    Raises `InvalidSignature` for a missing or wrong signature (nothing is
    read from the body before it is verified) and `NotFound` for a shop
    without a Razorpay account.
    """
    ctx = Context(db, tenant_id, Actor.system())
    with ctx.read() as session:
        secret = _account(session).webhook_secret
    if not received_signature or not hmac.compare_digest(signature(body, secret), received_signature.strip()):
        raise InvalidSignature()
    event = parse_event(body)
    if event.event not in EVENTS:
        return WebhookOutcome(event=event.event, booked=False, reason="event not handled")
    payment, link = event.payment_payload()
    if not payment.id or payment.status != "captured" or payment.currency != "INR" or payment.amount <= 0:
        return WebhookOutcome(event=event.event, booked=False, payment_id=payment.id or None,
                              reason="no captured INR payment")
    invoice_id = _invoice_for(ctx, payment, link)
    if invoice_id is None:
        return WebhookOutcome(event=event.event, booked=False, payment_id=payment.id, reason="no invoice of ours")
    at = datetime.fromtimestamp(payment.created_at, timezone.utc) if payment.created_at else None
    invoice = invoice_payments.record_invoice_payment(
        ctx, invoice_id, Decimal(payment.amount) / 100, _METHODS.get(payment.method, PaymentMode.BANK),
        reference=f"razorpay {payment.id}", gateway_payment_id=payment.id, at=at,
    )
    return WebhookOutcome(event=event.event, booked=True, payment_id=payment.id, invoice=invoice)


def _invoice_for(ctx: Context, payment: RazorpayPayment, link: RazorpayLink) -> int | None:
    """The invoice a payment is for: by its payment link, else by the notes we put on the link."""
    notes = payment.notes or link.notes or {}
    with ctx.read() as session:
        if link.id:
            found = session.scalar(select(PaymentLink.invoice_id).where(PaymentLink.link_id == link.id))
            if found is not None:
                return found
        if isinstance(notes, dict) and str(notes.get("hisaab_tenant_id")) == str(ctx.tenant_id):
            invoice_id = str(notes.get("hisaab_invoice_id") or "")
            if invoice_id.isascii() and invoice_id.isdigit() and len(invoice_id) <= 9:
                return session.scalar(select(Invoice.id).where(Invoice.id == int(invoice_id)))
        if link.reference_id:
            return session.scalar(select(Invoice.id).where(Invoice.number == link.reference_id)
                                  .order_by(Invoice.id.desc()).limit(1))
    return None

