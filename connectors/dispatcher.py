"""Processing the inbox: one sender's messages in order, different senders in parallel."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from connectors.events import Message
from connectors.store import Store

logger = logging.getLogger(__name__)


class Dispatcher:
    """A queue and a worker per conversation (business number + customer), alive while it has work.

    A message leaves the inbox's pending set only after `handle` returns (or raises:
    a message that crashes the handler is logged, not retried forever).
    """

    def __init__(self, store: Store, handle: Callable[[Message], Awaitable[None]], max_parallel: int = 64) -> None:
        self.store, self.handle = store, handle
        self._queues: dict[tuple[str, str], asyncio.Queue[Message]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(max_parallel)
        self._idle = asyncio.Event()
        self._idle.set()

    def submit(self, message: Message) -> None:
        conversation = (message.phone_number_id, message.wa_id)
        queue = self._queues.get(conversation)
        if queue is None:
            queue = self._queues[conversation] = asyncio.Queue()
            worker = asyncio.get_running_loop().create_task(self._work(conversation, queue))
            self._workers.add(worker)
            worker.add_done_callback(self._workers.discard)
            self._idle.clear()
        queue.put_nowait(message)

    async def recover(self) -> int:
        """Queue what a previous process acknowledged but did not finish; return how many."""
        pending = await self.store.pending()
        for message in pending:
            self.submit(message)
        return len(pending)

    async def drain(self) -> None:
        """Wait until every queued message has been handled."""
        await self._idle.wait()

    async def _work(self, conversation: tuple[str, str], queue: asyncio.Queue[Message]) -> None:
        while not queue.empty():
            message = queue.get_nowait()
            async with self._slots:
                try:
                    await self.handle(message)
                except Exception:
                    logger.exception("handling WhatsApp message %s failed", message.id)
            await self.store.done(message.id)
        del self._queues[conversation]
        if not self._queues:
            self._idle.set()
