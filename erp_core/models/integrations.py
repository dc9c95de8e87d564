"""What integrations need: API keys and replays, webhooks and their queue, offline sync.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from erp_core.columns import EncryptedText, UTCDateTime, utcnow
from erp_core.models.base import Base, TenantScoped


class ApiKey(TenantScoped, Base):
    """A key an integration calls the REST API with. Only the SHA-256 of the secret is kept."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(20))
    """The key's first characters, shown in listings so people can tell keys apart."""
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(40))
    """Comma-separated: `read`, or `read,write`."""
    rate_limit: Mapped[int] = mapped_column(Integer)
    """Requests per minute."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiRequest(TenantScoped, Base):
    """The stored response of a POST made with an `Idempotency-Key`, replayed for a retry."""

    __tablename__ = "api_requests"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookEndpoint(TenantScoped, Base):
    """An integrator's URL and the events it wants; deliveries are signed with `secret` (encrypted at rest)."""

    __tablename__ = "webhook_endpoints"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(EncryptedText, deferred=True)
    """Loaded (and decrypted) only where it is used."""
    events: Mapped[str] = mapped_column(String(400))
    """Comma-separated event names."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(TenantScoped, Base):
    """One event for one endpoint: the durable queue the sender works through, with retries."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "tenant_id", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id"))
    event: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[str] = mapped_column(String(36))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EventCursor(TenantScoped, Base):
    """How far a tenant's audit log has been turned into webhook events, and which products were low."""

    __tablename__ = "event_cursors"
    __table_args__ = (UniqueConstraint("tenant_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    audit_seq: Mapped[int] = mapped_column(Integer)
    low_stock: Mapped[str] = mapped_column(Text, default="[]")
    """JSON list of product ids already announced as `stock.low`."""


class SyncItem(TenantScoped, Base):
    """The outcome of one item an offline client pushed: applied, duplicate or conflict, and why."""

    __tablename__ = "sync_items"
    __table_args__ = (Index("ix_sync_items_local_id", "tenant_id", "local_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    local_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(12))
    ref_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[str] = mapped_column(Text, default="{}")
    offline_created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
