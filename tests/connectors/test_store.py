"""The durable inbox and outbox on SQLite and on a real Redis: dedup, order, restart."""

from __future__ import annotations

import asyncio

import pytest

from connectors.events import Message, Status, WhatsAppError

pytestmark = pytest.mark.anyio


def message(n: int, wa_id: str = "919800000001") -> Message:
    return Message(id=f"wamid.{n}", type="text", wa_id=wa_id, phone_number_id="100", text=f"message {n}")


async def test_a_message_is_accepted_once_even_when_delivered_concurrently(store_factory):
    store = store_factory()
    results = await asyncio.gather(*(store.accept(message(1)) for _ in range(20)))
    assert results.count(True) == 1
    assert [m.id for m in await store.pending()] == ["wamid.1"]
    await store.close()


async def test_concurrent_deliveries_through_two_handles_store_once(store_factory):
    """Two processes (two connections) receiving Meta's retry at the same moment."""
    first, second = store_factory(), store_factory()
    results = await asyncio.gather(*(s.accept(message(n)) for n in range(30) for s in (first, second)))
    assert results.count(True) == 30
    assert len(await first.pending()) == 30
    await first.close()
    await second.close()


async def test_pending_survives_a_restart_in_order_and_done_is_remembered(store_factory):
    store = store_factory()
    for n in (3, 1, 2):
        assert await store.accept(message(n))
    await store.done("wamid.1")
    await store.close()

    restarted = store_factory()
    assert [m for m in await restarted.pending()] == [message(3), message(2)]
    assert not await restarted.accept(message(1)), "a processed message is still known after a restart"
    assert not await restarted.accept(message(3))
    await restarted.close()


async def test_outbox_keys_are_queued_once_and_finish_as_sent_or_failed(store_factory):
    store = store_factory()
    entry = {"phone_number_id": "100", "to": "9198", "message": {"type": "text", "text": {"body": "hi"}}}
    assert await store.outbox_put("wamid.1/0", entry)
    assert await store.outbox_put("wamid.1/1", {**entry, "message": {"type": "text", "text": {"body": "2"}}})
    assert not await store.outbox_put("wamid.1/0", entry)
    await store.close()

    store = store_factory()
    assert [k for k, _ in await store.outbox_pending()] == ["wamid.1/0", "wamid.1/1"]
    assert (await store.outbox_pending())[0][1] == entry
    await store.outbox_finish("wamid.1/0", "sent")
    await store.outbox_finish("wamid.1/1", "failed")
    assert await store.outbox_pending() == []
    assert not await store.outbox_put("wamid.1/0", entry), "a sent reply is not queued again"
    await store.close()


async def test_delivery_log_keeps_statuses_newest_first(store_factory):
    store = store_factory()
    await store.log_delivery(Status("wamid.a", "sent", "9198", "100", 1))
    await store.log_delivery(Status("wamid.a", "failed", "9198", "100", 2,
                                    (WhatsAppError(131047, "Re-engagement message", "24 hours"),)))
    log = await store.delivery_log()
    assert [(row["status"], row["error_code"]) for row in log] == [("failed", 131047), ("sent", None)]
    assert log[0]["error_details"] == "24 hours" and log[0]["recipient_id"] == "9198"
    await store.close()
