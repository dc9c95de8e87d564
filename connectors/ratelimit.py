"""A token bucket per business number: at most `rate` sends per second, with bursts up to one second's worth."""

from __future__ import annotations

import asyncio
import time


class RateLimiter:
    def __init__(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError("max_send_rate must be positive")
        self.rate = rate
        self._buckets: dict[str, tuple[float, float]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def acquire(self, phone_number_id: str) -> None:
        """Wait until this business number may send one more message."""
        lock = self._locks.setdefault(phone_number_id, asyncio.Lock())
        async with lock:  # waiters queue in order instead of racing for the next token
            now = time.monotonic()
            tokens, last = self._buckets.get(phone_number_id, (self.rate, now))
            tokens = min(self.rate, tokens + (now - last) * self.rate)
            if tokens < 1:
                await asyncio.sleep((1 - tokens) / self.rate)
                now, tokens = time.monotonic(), 1.0
            self._buckets[phone_number_id] = (tokens - 1, now)
