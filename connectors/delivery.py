"""Sending replies: through the durable outbox, within the rate limit, with retries, never silently dropped.

`Sender.send` stores a reply in the outbox and delivers it. Retryable failures
(5xx, 429, 130429, 131056, network errors) are retried with exponential backoff
and jitter; 131047 (the customer's 24-hour window has closed) switches to the
configured re-engagement template; anything else, or running out of attempts,
marks the reply `failed` in the outbox and the delivery log, with the error.
Replies still pending after a restart are delivered by `Sender.recover`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp

from connectors.events import Status, WhatsAppError
from connectors.graph import GraphClient, GraphError, addressee
from connectors.outbound import Outgoing, summary, template_message
from connectors.ratelimit import RateLimiter
from connectors.store import Store

logger = logging.getLogger(__name__)

TEMPLATE_PARAMETER_LIMIT = 1000
FINISH_WITHIN = 60.0
"""Seconds a sent reply's record waits for the store (Redis restarting) before it is given up, logged."""


def backoff(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff with "equal jitter": between half and all of min(cap, base * 2**attempt)."""
    delay = min(cap, base * 2 ** attempt)
    return delay / 2 + random.uniform(0, delay / 2)


class Sender:
    def __init__(self, client: GraphClient, store: Store, limiter: RateLimiter, *,
                 reengagement_template: str = "", template_language: str = "en", max_attempts: int = 6,
                 base_delay: float = 0.5, max_delay: float = 30.0,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.client, self.store, self.limiter = client, store, limiter
        self.template, self.template_language = reengagement_template, template_language
        self.max_attempts, self.base_delay, self.max_delay = max_attempts, base_delay, max_delay
        self._sleep = sleep

    async def send(self, key: str, phone_number_id: str, to: str, outgoing: Outgoing, replay: bool = False
                   ) -> str | None:
        """Queue and deliver one message; WhatsApp's id of it (a wamid), or None if it was queued under this key
        before or failed. On a `replay` (a message handled again because its first handler died), a reply that
        handler queued and never sent is delivered now, in its place among the replies, not later by a sweep."""
        entry = self.entry(phone_number_id, to, outgoing)
        if not await self.store.outbox_put(key, entry):
            if replay and (left := await self.store.outbox_take(key)) is not None:
                logger.info("reply %s was left unsent by a handler that stopped; sending it now", key)
                return await self.deliver(key, left)
            logger.info("reply %s was queued before; not sending it again", key)
            return None
        return await self.deliver(key, entry)

    @staticmethod
    def entry(phone_number_id: str, to: str, outgoing: Outgoing) -> dict[str, Any]:
        """What the outbox keeps of a message to deliver."""
        return {"phone_number_id": phone_number_id, "to": to, "queued_at": time.time(), **outgoing.to_dict()}

    async def recover(self) -> int:
        """Deliver what a previous process left in the outbox; return how many."""
        pending = await self.store.outbox_pending()
        for key, entry in pending:
            await self.deliver(key, entry)
        return len(pending)

    async def deliver(self, key: str, entry: dict[str, Any]) -> str | None:
        """Deliver an outbox entry with retries; its wamid, or None once it failed for good."""
        phone_number_id, to = entry["phone_number_id"], entry["to"]
        message, upload = dict(entry["message"]), entry.get("upload") or ""
        error: GraphError | None = None
        for attempt in range(self.max_attempts):
            try:
                if upload:
                    kind = message["type"]
                    media_id = await self.client.upload_media(phone_number_id, Path(upload))
                    message = {**message, kind: {**message[kind], "id": media_id}}
                    upload = ""
                await self.limiter.acquire(phone_number_id)
                wamid = await self.client.send_message(phone_number_id, {**addressee(to), **message})
                await self._finish(key, "sent")
                return wamid
            except GraphError as failure:
                error = failure
                if failure.window_closed and self.template and message.get("type") != "template":
                    logger.info("24-hour window closed for %s: sending template %s", to, self.template)
                    message = self._reengagement(message).message
                    continue
                if not failure.retryable:
                    break
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as failure:
                error = GraphError(503, message=f"{type(failure).__name__}: {failure}")
            if attempt + 1 < self.max_attempts:
                await self._sleep(backoff(attempt, self.base_delay, self.max_delay))
        assert error is not None
        logger.error("giving up on reply %s to %s after %d attempt(s): %s; message: %.200s",
                     key, to, attempt + 1, error, summary(message))
        await self._finish(key, "failed")
        await self.store.log_delivery(Status(key, "failed", to, phone_number_id, int(time.time()),
                                             (WhatsAppError(error.code or error.status, error.message, error.details),)))
        return None

    async def _finish(self, key: str, state: str) -> None:
        """Record how a reply ended, again while the store is away (a Redis restart): a reply that went out but is
        still pending would be sent again by whoever handles its message next."""
        deadline, pause = time.monotonic() + FINISH_WITHIN, 0.5
        while True:
            try:
                await self.store.outbox_finish(key, state)
                return
            except Exception as error:
                if time.monotonic() + pause > deadline:
                    logger.error("reply %s was %s but could not be recorded: %s", key, state, error)
                    return
                logger.warning("recording reply %s as %s must wait (%s)", key, state, error)
                await self._sleep(pause)
                pause = min(pause * 2, 5.0)

    def _reengagement(self, message: dict[str, Any]) -> Outgoing:
        """The configured template, with the undelivered message's words as its one body parameter."""
        words = " ".join(summary(message).split())[:TEMPLATE_PARAMETER_LIMIT] or "-"
        return template_message(self.template, self.template_language,
                                [{"type": "body", "parameters": [{"type": "text", "text": words}]}])
