"""Outbound webhooks: endpoints integrators register, the events the books produce, a durable queue.

Events are derived from the audit log, which every business operation appends
to in its own transaction: whatever front end booked it (the API, WhatsApp,
the CLI), an order or payment becomes an event exactly once. `pump_events`
turns new audit entries into `webhook_deliveries` rows and moves the tenant's
cursor in one transaction; a sender (`api/webhook_sender.py`) works through
due deliveries and reports each attempt back. Both survive a restart because
the state lives in the database.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erp_core.canonical import canonical_json
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.db import Database
from erp_core.errors import NotFound, ValidationError
from erp_core.models import AuditEntry, EventCursor, Product, StockSummary, WebhookDelivery, WebhookEndpoint
from erp_core.permissions import Permission

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
MAX_ATTEMPTS = 10


def _order_created(result: dict, request: dict) -> Iterator[tuple[str, dict]]:
    yield "order.created", {"order": result}


def _order_status_changed(result: dict, request: dict) -> Iterator[tuple[str, dict]]:
    yield "order.status_changed", {"order": result, "status": result["status"]}


def _payment_recorded(result: dict, request: dict) -> Iterator[tuple[str, dict]]:
    yield "payment.received", {"payment_id": result["payment_id"], "party_id": result["party_id"],
                               "amount": result["amount"], "mode": request["mode"], "balance": result["balance"]}


def _sale_posted(result: dict, request: dict) -> Iterator[tuple[str, dict]]:
    if result.get("party_id") is not None and Decimal(result["paid"]) > 0:
        yield "payment.received", {"sale_id": result["sale_id"], "party_id": result["party_id"],
                                   "amount": result["paid"], "mode": result["payment_mode"],
                                   "balance": result["party_balance"]}


def _invoice_summary(invoice: dict) -> dict:
    return {k: invoice[k] for k in ("id", "number", "kind", "invoice_date", "party_id", "sale_id", "total", "paid",
                                    "due", "status")}


def _invoice_issued(result: dict, request: dict) -> Iterator[tuple[str, dict]]:
    """A new invoice; one paid on the spot (cash, UPI at the counter) is also paid and, as money in, received."""
    yield "invoice.created", {"invoice": result}
    if result["status"] == "PAID":
        yield "invoice.paid", {"invoice": _invoice_summary(result)}
    if request.get("payment_mode") not in (None, "credit") and Decimal(result["paid"]) > 0:
        yield "payment.received", {"invoice_id": result["id"], "party_id": result["party_id"],
                                   "amount": result["paid"], "mode": request["payment_mode"]}


def _invoice_from_sale(result: dict, request: dict) -> Iterator[tuple[str, dict]]:
    """The invoice for a posted bill: the bill's own payment was already announced by `sale.post`."""
    yield "invoice.created", {"invoice": result}
    if result["status"] == "PAID":
        yield "invoice.paid", {"invoice": _invoice_summary(result)}


def _invoice_payment(result: dict, request: dict) -> Iterator[tuple[str, dict]]:
    data = {"invoice_id": result["id"], "party_id": result["party_id"], "amount": request["amount"],
            "mode": request.get("mode"), "gateway_payment_id": request.get("gateway_payment_id")}
    yield "payment.received", {k: v for k, v in data.items() if v is not None}
    if result["status"] == "PAID":
        yield "invoice.paid", {"invoice": _invoice_summary(result)}


EventSource = Callable[[dict, dict], Iterator[tuple[str, dict]]]
EVENT_SOURCES: dict[str, EventSource] = {
    "order.create": _order_created,
    "order.transition": _order_status_changed,
    "payment.record": _payment_recorded,
    "sale.post": _sale_posted,
    "invoice.create": _invoice_issued,
    "invoice.for_sale": _invoice_from_sale,
    "invoice.payment": _invoice_payment,
}
"""Audit action → the events it produces."""
STOCK_ACTIONS = frozenset({"sale.post", "stock.receive", "stock.adjust", "stock.return", "order.transition",
                           "product.update", "invoice.create", "invoice.credit_note"})
"""Actions after which the products they touched are checked for `stock.low`."""
EVENTS = ("order.created", "order.status_changed", "invoice.created", "invoice.paid", "payment.received", "stock.low")


class WebhookView(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    url: str
    events: list[str]
    active: bool
    created_at: datetime


class NewWebhook(BaseModel):
    """An endpoint just registered: `secret` signs its deliveries and is shown this once (and to a retry)."""

    model_config = ConfigDict(frozen=True)
    webhook: WebhookView
    secret: str


class DeliveryView(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    endpoint_id: int
    event: str
    event_id: str
    status: str
    attempts: int
    last_status: int | None
    last_error: str
    next_attempt_at: datetime
    delivered_at: datetime | None


class DeliveryJob(BaseModel):
    """What the sender needs for one attempt."""

    model_config = ConfigDict(frozen=True)
    id: int
    tenant_id: int
    url: str
    secret: str
    event: str
    event_id: str
    payload: str
    attempts: int


def _view(row: WebhookEndpoint) -> WebhookView:
    return WebhookView(id=row.id, url=row.url, events=row.events.split(","), active=row.active,
                       created_at=row.created_at)


def _check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(field="url", reason="a webhook URL starts with https:// (or http://) and names a host")
    return url.strip()


def register_webhook(ctx: Context, url: str, events: list[str], *, idempotency_key: str | None = None) -> NewWebhook:
    """Register a URL for some of `EVENTS`; it receives events booked from now on.

    A retry with the same `idempotency_key` gets the same endpoint and secret back
    (read from the endpoint, stored only encrypted).
    """
    ctx.actor.require(Permission.MANAGE_USERS)
    url = _check_url(url)
    unknown = sorted(set(events) - set(EVENTS))
    if unknown or not events:
        raise ValidationError(field="events", reason=f"events are {', '.join(EVENTS)}")
    wanted = sorted(set(events))
    secret = secrets.token_hex(32)

    def work(session: Session) -> WebhookView:
        row = WebhookEndpoint(url=url, secret=secret, events=",".join(wanted), active=True, created_at=utcnow())
        session.add(row)
        if session.scalar(select(EventCursor.id)) is None:
            head = session.scalar(select(func.max(AuditEntry.seq))) or 0
            session.add(EventCursor(audit_seq=head + 1, low_stock="[]"))  # the next entry to turn into events
        session.flush()
        return _view(row)

    # The audit log and the idempotency record keep the registration, never the signing secret.
    view = ctx.run("webhook.register", {"url": url, "events": wanted}, work, WebhookView, idempotency_key)
    with ctx.read() as session:
        return NewWebhook(webhook=view, secret=session.get(WebhookEndpoint, view.id).secret)


def list_webhooks(ctx: Context) -> list[WebhookView]:
    ctx.actor.require(Permission.MANAGE_USERS)
    with ctx.read() as session:
        return [_view(row) for row in session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id))]


def remove_webhook(ctx: Context, webhook_id: int) -> WebhookView:
    """Stop sending to an endpoint; deliveries still queued for it are dropped."""
    ctx.actor.require(Permission.MANAGE_USERS)

    def work(session: Session) -> WebhookView:
        row = session.get(WebhookEndpoint, webhook_id)
        if row is None:
            raise NotFound(what="webhook", ref=webhook_id)
        row.active = False
        for delivery in session.scalars(select(WebhookDelivery).where(
                WebhookDelivery.endpoint_id == webhook_id, WebhookDelivery.status == PENDING)):
            delivery.status = FAILED
            delivery.last_error = "webhook removed"
        session.flush()
        return _view(row)

    return ctx.run("webhook.remove", {"webhook_id": webhook_id}, work, WebhookView)


def list_deliveries(ctx: Context, webhook_id: int, *, before_id: int | None = None, limit: int = 50) -> list[DeliveryView]:
    """An endpoint's deliveries, newest first (keyset pagination)."""
    ctx.actor.require(Permission.MANAGE_USERS)
    query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == webhook_id)
    if before_id is not None:
        query = query.where(WebhookDelivery.id < before_id)
    with ctx.read() as session:
        if session.get(WebhookEndpoint, webhook_id) is None:
            raise NotFound(what="webhook", ref=webhook_id)
        rows = session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit)).all()
    return [DeliveryView(id=d.id, endpoint_id=d.endpoint_id, event=d.event, event_id=d.event_id, status=d.status,
                         attempts=d.attempts, last_status=d.last_status, last_error=d.last_error,
                         next_attempt_at=d.next_attempt_at, delivered_at=d.delivered_at) for d in rows]


def _product_ids(value: Any) -> Iterator[int]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "product_id" and isinstance(item, int):
                yield item
            else:
                yield from _product_ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from _product_ids(item)


def pump_events(db: Database, tenant_id: int, limit: int = 500) -> int:
    """Turn the tenant's new audit entries into queued deliveries; returns how many were queued."""
    with db.session(tenant_id, readonly=True) as session, session.begin():
        cursor = session.scalar(select(EventCursor.audit_seq))
        if cursor is None or (session.scalar(select(func.max(AuditEntry.seq))) or 0) < cursor:
            return 0
    with db.session(tenant_id) as session, session.begin():
        state = session.scalar(select(EventCursor).with_for_update())
        entries = session.scalars(select(AuditEntry).where(AuditEntry.seq >= state.audit_seq)
                                  .order_by(AuditEntry.seq).limit(limit)).all()
        if not entries:
            return 0
        endpoints = session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active)).all()
        events: list[tuple[str, dict, datetime]] = []
        touched: set[int] = set()
        for entry in entries:
            payload = json.loads(entry.payload)
            request, result = payload.get("request", {}), payload.get("result", {})
            source = EVENT_SOURCES.get(entry.action)
            if source is not None:
                events.extend((name, data, entry.at) for name, data in source(result, request))
            if entry.action in STOCK_ACTIONS:
                touched.update(_product_ids(payload))
        announced = set(json.loads(state.low_stock))
        for level in _levels(session, touched):
            low = level["available"] <= level["reorder_point"] and level["active"]
            if low and level["product_id"] not in announced:
                announced.add(level["product_id"])
                data = {k: v for k, v in level.items() if k != "active"}
                events.append(("stock.low", data, entries[-1].at))
            elif not low:
                announced.discard(level["product_id"])
        now, queued = utcnow(), 0
        for name, data, at in events:
            event_id = str(uuid.uuid4())
            body = canonical_json({"id": event_id, "type": name, "created_at": at, "data": data})
            for endpoint in endpoints:
                if name in endpoint.events.split(","):
                    session.add(WebhookDelivery(endpoint_id=endpoint.id, event=name, event_id=event_id, payload=body,
                                                status=PENDING, attempts=0, next_attempt_at=now, last_error="",
                                                created_at=now))
                    queued += 1
        state.audit_seq = entries[-1].seq + 1
        state.low_stock = json.dumps(sorted(announced))
        return queued


def _levels(session: Session, product_ids: set[int]) -> list[dict]:
    if not product_ids:
        return []
    rows = session.execute(
        select(Product.id, Product.sku, Product.name, Product.unit, Product.reorder_point, Product.active,
               StockSummary.on_hand, StockSummary.reserved)
        .join(StockSummary, StockSummary.product_id == Product.id).where(Product.id.in_(sorted(product_ids)))
    ).all()
    return [{"product_id": r.id, "sku": r.sku, "name": r.name, "unit": r.unit.value, "on_hand": r.on_hand,
             "reserved": r.reserved, "available": r.on_hand - r.reserved, "reorder_point": r.reorder_point,
             "active": r.active} for r in rows]


def due_deliveries(db: Database, tenant_id: int, limit: int = 50) -> list[DeliveryJob]:
    """Pending deliveries whose next attempt is due, oldest first."""
    with db.session(tenant_id, readonly=True) as session, session.begin():
        rows = session.execute(
            select(WebhookDelivery, WebhookEndpoint.url, WebhookEndpoint.secret)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookDelivery.status == PENDING, WebhookDelivery.next_attempt_at <= utcnow())
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit)
        ).all()
    return [DeliveryJob(id=d.id, tenant_id=tenant_id, url=url, secret=secret, event=d.event, event_id=d.event_id,
                        payload=d.payload, attempts=d.attempts) for d, url, secret in rows]


def record_attempt(
    db: Database, tenant_id: int, delivery_id: int, *, delivered: bool, status: int | None, error: str,
    retry_at: datetime | None,
) -> str:
    """Book one attempt: delivered, pending again until `retry_at`, or failed for good. Returns the status."""
    with db.session(tenant_id) as session, session.begin():
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.status != PENDING:
            return delivery.status if delivery else FAILED
        delivery.attempts += 1
        delivery.last_status = status
        delivery.last_error = error[:500]
        if delivered:
            delivery.status, delivery.delivered_at = DELIVERED, utcnow()
        elif retry_at is None or delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = FAILED
        else:
            delivery.next_attempt_at = retry_at
        return delivery.status
