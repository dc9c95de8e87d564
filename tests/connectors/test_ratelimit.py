"""The per-business-number token bucket."""

from __future__ import annotations

import asyncio
import time

import pytest

from connectors.ratelimit import RateLimiter

pytestmark = pytest.mark.anyio


async def test_sends_stay_within_the_rate_per_number_after_the_first_seconds_burst():
    limiter, rate = RateLimiter(50), 50
    stamps: list[float] = []

    async def one() -> None:
        await limiter.acquire("100")
        stamps.append(time.monotonic())

    await asyncio.gather(*(one() for _ in range(150)))
    start = stamps[0]
    # A bucket of `rate` tokens refilled at `rate` per second: by time t at most rate * (1 + t) sends.
    for n, stamp in enumerate(sorted(stamps), start=1):
        assert n <= rate * (1 + (stamp - start)) + 1
    assert len(stamps) == 150


async def test_numbers_do_not_share_a_bucket():
    limiter = RateLimiter(5)
    for _ in range(5):
        await limiter.acquire("100")
    started = time.monotonic()
    for _ in range(5):
        await limiter.acquire("200")  # a full bucket of its own: no waiting for the first number's tokens
    waited_for_other = time.monotonic() - started
    before = time.monotonic()
    await limiter.acquire("100")  # the first number's bucket is empty: this one waits for a token
    assert time.monotonic() - before > waited_for_other


def test_the_rate_must_be_positive():
    with pytest.raises(ValueError):
        RateLimiter(0)
