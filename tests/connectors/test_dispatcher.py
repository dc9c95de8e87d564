"""The embedded default's dispatcher: per-sender order, parallel senders, and recovery of what a previous process
acknowledged."""

from __future__ import annotations

import asyncio

import pytest

from connectors.dispatcher import Dispatcher
from connectors.events import Message

pytestmark = pytest.mark.anyio


def message(n: int, wa_id: str) -> Message:
    return Message(id=f"wamid.{wa_id}.{n}", type="text", wa_id=wa_id, phone_number_id="100", text=str(n))


async def test_one_senders_messages_in_order_different_senders_in_parallel(sqlite_store):
    store = sqlite_store()
    handled: list[Message] = []
    running: set[str] = set()
    overlap = []

    async def handle(m: Message, maybe_seen: bool) -> None:
        assert m.wa_id not in running, "two messages of one sender at once"
        running.add(m.wa_id)
        overlap.append(len(running))
        await asyncio.sleep(0.01 * (3 - int(m.text) % 3))  # later messages finish faster if run alone
        handled.append(m)
        running.discard(m.wa_id)

    dispatcher = Dispatcher(store, handle)
    senders = ["9191", "9192", "9193", "9194"]
    for n in range(6):
        for wa_id in senders:
            assert await dispatcher.accept(message(n, wa_id))
    await dispatcher.drain()
    for wa_id in senders:
        assert [m.text for m in handled if m.wa_id == wa_id] == [str(n) for n in range(6)]
    assert max(overlap) > 1, "different senders were not handled in parallel"
    assert await store.pending() == []
    await store.close()


async def test_a_failing_message_is_logged_and_does_not_block_the_next(sqlite_store):
    store = sqlite_store()
    handled = []

    async def handle(m: Message, maybe_seen: bool) -> None:
        if m.text == "0":
            raise RuntimeError("boom")
        handled.append(m.text)

    dispatcher = Dispatcher(store, handle)
    for n in range(3):
        await dispatcher.accept(message(n, "9191"))
    await dispatcher.drain()
    assert handled == ["1", "2"] and await store.pending() == []
    await store.close()


async def test_recover_processes_what_was_acknowledged_before_a_restart(sqlite_store):
    store = sqlite_store()
    for n in range(3):
        await store.accept(message(n, "9191"))
    await store.done("wamid.9191.0")
    await store.close()

    store = sqlite_store()
    handled = []

    async def handle(m: Message, maybe_seen: bool) -> None:
        handled.append((m.text, maybe_seen))

    dispatcher = Dispatcher(store, handle)
    await dispatcher.start()
    await dispatcher.drain()
    assert handled == [("1", True), ("2", True)], "recovered messages may have reached Rasa: the handler is told"
    assert await dispatcher.accept(message(3, "9191"))
    await dispatcher.drain()
    assert handled[-1] == ("3", False)
    await store.close()
