"""The durable outbox on SQLite and on a real Redis (the inbox of the embedded default on SQLite; the shared inbox
has tests/connectors/test_shared_inbox.py): dedup, order, restart, a dead process's replies taken over."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid

import pytest

from connectors.events import Message, Status, WhatsAppError
from connectors import store as store_module
from connectors.store import RedisStore, SQLiteStore

pytestmark = pytest.mark.anyio


def message(n: int, wa_id: str = "919800000001") -> Message:
    return Message(id=f"wamid.{n}", type="text", wa_id=wa_id, phone_number_id="100", text=f"message {n}")


async def test_a_message_is_accepted_once_even_when_delivered_concurrently(sqlite_store):
    store = sqlite_store()
    results = await asyncio.gather(*(store.accept(message(1)) for _ in range(20)))
    assert results.count(True) == 1
    assert [m.id for m in await store.pending()] == ["wamid.1"]
    await store.close()


async def test_concurrent_deliveries_through_two_handles_store_once(sqlite_store):
    """Two processes (two connections) receiving Meta's retry at the same moment."""
    first, second = sqlite_store(), sqlite_store()
    results = await asyncio.gather(*(s.accept(message(n)) for n in range(30) for s in (first, second)))
    assert results.count(True) == 30
    assert len(await first.pending()) == 30
    await first.close()
    await second.close()


async def test_pending_survives_a_restart_in_order_and_done_is_remembered(sqlite_store):
    store = sqlite_store()
    for n in (3, 1, 2):
        assert await store.accept(message(n))
    await store.done("wamid.1")
    await store.close()

    restarted = sqlite_store()
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
    pending = await store.outbox_pending()
    assert [k for k, _ in pending] == ["wamid.1/0", "wamid.1/1"] and pending[0][1] == entry
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


async def test_sqlite_writes_are_committed_before_the_call_returns(tmp_path):
    """Group commit: concurrent writes share transactions, yet each is committed (seen by another
    connection) when its call returns, in the order the calls were made."""
    path = tmp_path / "whatsapp.db"
    store = SQLiteStore(path)
    results = await asyncio.gather(*(store.accept(message(n, wa_id=f"9198{n:08d}")) for n in range(300)))
    assert results == [True] * 300
    with sqlite3.connect(path) as other:
        assert other.execute("SELECT COUNT(*), MIN(seq), MAX(seq) FROM inbox").fetchone() == (300, 1, 300)
    await store.log_delivery(Status("wamid.1", "sent", "919800000001", "100", 1))
    with sqlite3.connect(path) as other:
        assert other.execute("SELECT status FROM delivery_log").fetchall() == [("sent",)]
    await store.close()


async def test_replies_of_a_live_process_are_left_to_it_and_a_dead_ones_are_taken_over_once(redis_url, monkeypatch):
    """Replicas share the Redis outbox: a starting replica must not send what another is still sending, and a reply
    queued by a replica that died is delivered by exactly one other."""
    monkeypatch.setattr(store_module, "ALIVE_FOR", 1)
    prefix = f"test:{uuid.uuid4().hex}:"
    sending = RedisStore(redis_url, prefix=prefix, owner="replica-a")
    entry = {"phone_number_id": "100", "to": "9198", "message": {"type": "text", "text": {"body": "hi"}}}
    assert await sending.outbox_put("wamid.1/0", entry)
    others = [RedisStore(redis_url, prefix=prefix, owner=f"replica-{n}") for n in "bc"]
    assert [await other.outbox_pending() for other in others] == [[], []], "replica-a is alive and sending"

    sending._closing.set()  # replica-a dies: no more heartbeats, its key expires
    await sending._heartbeat
    await asyncio.sleep(1.5)
    taken = await asyncio.gather(*(other.outbox_pending() for other in others))
    assert sorted(map(len, taken)) == [0, 1], "exactly one replica takes the orphaned reply"
    assert [k for got in taken for k, _ in got] == ["wamid.1/0"]
    for store in (sending, *others):
        await store.close()


async def test_a_process_that_closes_hands_its_pending_replies_over_at_once(redis_url):
    prefix = f"test:{uuid.uuid4().hex}:"
    first = RedisStore(redis_url, prefix=prefix)
    entry = {"phone_number_id": "100", "to": "9198", "message": {"type": "text", "text": {"body": "hi"}}}
    await first.outbox_put("wamid.2/0", entry)
    await first.close()
    second = RedisStore(redis_url, prefix=prefix)
    assert await second.outbox_pending() == [("wamid.2/0", entry)]
    assert await second.outbox_pending() == [], "taken over once, now second's own"
    await second.close()


async def test_a_pending_reply_is_taken_by_whoever_handles_its_message_again(store_factory):
    first = store_factory()
    entry = {"phone_number_id": "100", "to": "9198", "message": {"type": "text", "text": {"body": "3"}}}
    await first.outbox_put("wamid.3/0", entry)
    again = store_factory()
    assert await again.outbox_take("wamid.3/0") == entry
    await again.outbox_finish("wamid.3/0", "sent")
    assert await again.outbox_take("wamid.3/0") is None, "nothing left to take once it went"
    assert await again.outbox_take("wamid.9/0") is None
    await first.close()
    await again.close()
