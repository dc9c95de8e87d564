"""Processing the inbox in one process: one sender's messages in order, different senders in parallel.

The embedded default (SQLite); with Redis every replica shares the inbox instead (`connectors.shared_inbox`).
Both offer `accept`, `start`, `stop` and `drain`, and call the handler with a message and whether it may have been
handled before.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from connectors.events import Message
from connectors.store import SQLiteStore

logger = logging.getLogger(__name__)


class Dispatcher:
    """A queue and a worker per conversation (business number + customer), alive while it has work.

    A message leaves the inbox's pending set only after `handle` returns (or raises:
    a message that crashes the handler is logged, not retried forever).
    """

    def __init__(self, store: SQLiteStore, handle: Callable[[Message, bool], Awaitable[None]],
                 max_parallel: int = 8) -> None:
        """`max_parallel` conversations are handled at once. Rasa runs its NLU and policies on the
        event loop that also answers webhooks, so more than a few in flight add no throughput: they
        only queue CPU work in front of Meta's 200s and stretch every reply's latency."""
        self.store, self.handle = store, handle
        self._queues: dict[tuple[str, str], asyncio.Queue[tuple[Message, bool]]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(max_parallel)
        self._idle = asyncio.Event()
        self._idle.set()

    async def accept(self, message: Message) -> bool:
        """Store a new message and queue it; False if this message id was seen before."""
        if not await self.store.accept(message):
            return False
        self._submit(message, maybe_seen=False)
        return True

    def _submit(self, message: Message, maybe_seen: bool) -> None:
        conversation = (message.phone_number_id, message.wa_id)
        queue = self._queues.get(conversation)
        if queue is None:
            queue = self._queues[conversation] = asyncio.Queue()
            worker = asyncio.get_running_loop().create_task(self._work(conversation, queue))
            self._workers.add(worker)
            worker.add_done_callback(self._workers.discard)
            self._idle.clear()
        queue.put_nowait((message, maybe_seen))

    async def start(self) -> None:
        """Queue what a previous process acknowledged but did not finish (it may have reached Rasa before it died)."""
        pending = await self.store.pending()
        for message in pending:
            self._submit(message, maybe_seen=True)
        if pending:
            logger.info("WhatsApp channel recovered %d pending messages", len(pending))

    async def stop(self) -> None:
        """Nothing to hand over: what is not done stays pending in the store for the next start."""

    async def drain(self) -> None:
        """Wait until every queued message has been handled."""
        await self._idle.wait()

    async def _work(self, conversation: tuple[str, str], queue: asyncio.Queue[tuple[Message, bool]]) -> None:
        while not queue.empty():
            message, maybe_seen = queue.get_nowait()
            async with self._slots:
                try:
                    await self.handle(message, maybe_seen)
                except Exception:
                    logger.exception("handling WhatsApp message %s failed", message.id)
            await self.store.done(message.id)
        del self._queues[conversation]
        if not self._queues:
            self._idle.set()
