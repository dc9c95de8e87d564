"""Who is calling (API keys) and how often they may (a per-key rate limit)."""

from __future__ import annotations

import math
import threading
import time
from collections import deque

from sanic import Request

from erp_core.api_keys import ApiPrincipal, authenticate
from erp_core.db import Database

WINDOW = 60.0
"""Rate limits count requests over a sliding minute."""


def presented_key(request: Request) -> str | None:
    """The key from `Authorization: Bearer <key>` or `X-API-Key: <key>`."""
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.headers.get("x-api-key")


class KeyCache:
    """Valid keys for a few seconds, so a busy integration is not one extra query per request.

    A revoked key stops working within `ttl` seconds.
    """

    def __init__(self, db: Database, ttl: float = 5.0) -> None:
        self.db, self.ttl = db, ttl
        self._entries: dict[str, tuple[float, ApiPrincipal | None]] = {}
        self._lock = threading.Lock()

    def cached(self, key: str) -> ApiPrincipal | None:
        """The principal of a valid key checked less than `ttl` seconds ago, without touching the database."""
        with self._lock:
            cached = self._entries.get(key)
        return cached[1] if cached is not None and time.monotonic() - cached[0] < self.ttl else None

    def principal(self, key: str) -> ApiPrincipal | None:
        now = time.monotonic()
        with self._lock:
            cached = self._entries.get(key)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        principal = authenticate(self.db, key)
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[key] = (now, principal)
        return principal


class RateLimiter:
    """At most `limit` requests per key in any `WINDOW` seconds (in this process)."""

    def __init__(self) -> None:
        self._hits: dict[int, deque[float]] = {}

    def retry_after(self, key_id: int, limit: int) -> int | None:
        """None if the request may go ahead (and counts it); otherwise the seconds to wait."""
        now = time.monotonic()
        hits = self._hits.setdefault(key_id, deque())
        while hits and now - hits[0] >= WINDOW:
            hits.popleft()
        if len(hits) >= limit:
            return max(1, math.ceil(WINDOW - (now - hits[0])))
        hits.append(now)
        return None
