"""Sending queued webhook deliveries: signed with HMAC-SHA256, retried with exponential backoff.

Each delivery is a POST of the event's JSON with these headers:

    X-Hisaab-Event: order.created
    X-Hisaab-Delivery: <event id, the same on every retry: receivers use it to drop repeats>
    X-Hisaab-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the endpoint's secret>

A 2xx answer delivers it. Anything else (or no answer) is tried again after
`backoff * 2**(attempts - 1)` seconds, up to `erp_core.webhooks.MAX_ATTEMPTS`.
The queue is in the database, so deliveries due while the server was down go
out when it is back.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from datetime import timedelta

import httpx

from erp_core import tenants, webhooks
from erp_core.columns import utcnow
from erp_core.db import Database
from erp_core.webhooks import DeliveryJob

log = logging.getLogger(__name__)
MAX_BACKOFF = 3600.0


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `X-Hisaab-Signature` header value for `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, tolerance: float = 300.0) -> bool:
    """Check a signature header as a receiver should: the right HMAC, and not too old."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (ValueError, KeyError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), header)


class WebhookSender:
    """Pumps audit entries into the queue and sends what is due, every `tick` seconds."""

    def __init__(self, db: Database, *, tick: float = 1.0, backoff: float = 10.0, timeout: float = 10.0) -> None:
        self.db, self.tick, self.backoff = db, tick, backoff
        self._client = httpx.AsyncClient(timeout=timeout)

    async def run(self) -> None:
        try:
            while True:
                try:
                    await self.work_once()
                except Exception:  # keep sending after a database hiccup; the queue is durable
                    log.exception("webhook round failed")
                await asyncio.sleep(self.tick)
        finally:
            await self._client.aclose()

    async def work_once(self) -> int:
        """One round over every tenant; returns how many deliveries were attempted."""
        jobs: list[DeliveryJob] = []
        for tenant in await asyncio.to_thread(tenants.list_tenants, self.db):
            await asyncio.to_thread(webhooks.pump_events, self.db, tenant.id)
            jobs += await asyncio.to_thread(webhooks.due_deliveries, self.db, tenant.id)
        await asyncio.gather(*(self.send(job) for job in jobs))
        return len(jobs)

    async def send(self, job: DeliveryJob) -> str:
        body = job.payload.encode()
        headers = {"Content-Type": "application/json", "User-Agent": "Hisaab-Webhooks/1",
                   "X-Hisaab-Event": job.event, "X-Hisaab-Delivery": job.event_id,
                   "X-Hisaab-Signature": signature(job.secret, int(time.time()), body)}
        status, error = None, ""
        try:
            response = await self._client.post(job.url, content=body, headers=headers)
            status = response.status_code
            error = "" if response.is_success else response.text[:200]
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        delivered = status is not None and 200 <= status < 300
        delay = min(self.backoff * 2**job.attempts, MAX_BACKOFF)
        return await asyncio.to_thread(
            webhooks.record_attempt, self.db, job.tenant_id, job.id, delivered=delivered, status=status,
            error=error, retry_at=utcnow() + timedelta(seconds=delay),
        )
