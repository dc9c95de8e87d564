"""The inbox the replicas share in Redis (a real redis-server): each conversation in order and in one replica's hands
at a time, a dead replica's conversation taken over, a Redis restart survived, nothing handled twice unflagged."""

from __future__ import annotations

import asyncio
import signal
import sys
import uuid
from collections import defaultdict
from pathlib import Path

import pytest

from connectors.events import Message
from connectors.shared_inbox import SharedInbox
from tests.connectors.redis_server import redis_process

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[2]


def message(n: int, wa_id: str) -> Message:
    return Message(id=f"wamid.{wa_id}.{n}", type="text", wa_id=wa_id, phone_number_id="100", text=str(n))


_replicas: list[SharedInbox] = []


def replica(url: str, prefix: str, handle, **options) -> SharedInbox:
    inbox = SharedInbox(url, handle, prefix=prefix, **options)
    _replicas.append(inbox)
    return inbox


@pytest.fixture(autouse=True)
async def stop_replicas_left_running():
    """A test that failed half-way leaves its replicas working: stop them, so the next test starts clean."""
    yield
    while _replicas:
        await asyncio.wait_for(_replicas.pop().stop(), 30)


async def test_two_replicas_keep_each_conversation_in_order_and_in_one_pair_of_hands(redis_url):
    prefix = f"test:{uuid.uuid4().hex}:"
    handled: dict[str, list[str]] = defaultdict(list)
    by_replica: dict[str, int] = defaultdict(int)
    running: set[str] = set()

    def handler(name: str):
        async def handle(m: Message, maybe_seen: bool) -> None:
            assert m.wa_id not in running, "two replicas handle one conversation at once"
            assert not maybe_seen
            running.add(m.wa_id)
            await asyncio.sleep(0.005 * (3 - int(m.text) % 3))
            handled[m.wa_id].append(m.text)
            by_replica[name] += 1
            running.discard(m.wa_id)
        return handle

    first, second = replica(redis_url, prefix, handler("a")), replica(redis_url, prefix, handler("b"))
    await first.start()
    await second.start()
    senders = [f"91980000{n:04d}" for n in range(6)]
    for n in range(8):
        for i, wa_id in enumerate(senders):
            assert await (first, second)[(n + i) % 2].accept(message(n, wa_id)), "webhooks reach either replica"
    await first.drain()
    for wa_id in senders:
        assert handled[wa_id] == [str(n) for n in range(8)]
    assert by_replica["a"] and by_replica["b"], "both replicas took conversations"
    assert not await second.accept(message(3, senders[0])), "a message id is accepted once, by any replica"
    await first.stop()
    await second.stop()


DYING_REPLICA = """
import asyncio, sys
from connectors.events import Message
from connectors.shared_inbox import SharedInbox

async def main(url, prefix):
    async def hangs(message, maybe_seen):
        print("handling", message.id, flush=True)
        await asyncio.Event().wait()

    inbox = SharedInbox(url, hangs, prefix=prefix, claim_after=1.0)
    await inbox.start()
    for n in range(3):
        await inbox.accept(Message(id=f"wamid.919811111111.{n}", type="text", wa_id="919811111111",
                                   phone_number_id="100", text=str(n)))
    await asyncio.Event().wait()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def test_a_dead_replicas_conversation_is_taken_over_from_the_message_it_was_on(redis_url):
    """A replica process is killed (SIGKILL) in the middle of a conversation's first message."""
    prefix = f"test:{uuid.uuid4().hex}:"
    dying = await asyncio.create_subprocess_exec(sys.executable, "-c", DYING_REPLICA, redis_url, prefix,
                                                 cwd=ROOT, stdout=asyncio.subprocess.PIPE)
    assert (await asyncio.wait_for(dying.stdout.readline(), 30)).startswith(b"handling wamid.919811111111.0")
    dying.send_signal(signal.SIGKILL)
    await dying.wait()

    handled: list[tuple[str, bool]] = []

    async def handle(m: Message, maybe_seen: bool) -> None:
        handled.append((m.text, maybe_seen))

    survivor = replica(redis_url, prefix, handle, claim_after=1.0)
    await survivor.start()
    await asyncio.wait_for(survivor.drain(), 20)
    assert handled == [("0", True), ("1", False), ("2", False)], \
        "the half-handled message first, flagged for the tracker check; the rest as new"
    await survivor.stop()


async def test_a_conversation_being_worked_on_is_not_taken_over(redis_url):
    """A slow message (longer than `claim_after`) stays with its replica: it keeps the conversation fresh."""
    prefix = f"test:{uuid.uuid4().hex}:"
    seen: list[tuple[str, str]] = []

    def handler(name: str, delay: float):
        async def handle(m: Message, maybe_seen: bool) -> None:
            seen.append((name, m.text))
            await asyncio.sleep(delay)
        return handle

    slow = replica(redis_url, prefix, handler("slow", 5), claim_after=1.5)
    await slow.start()
    await slow.accept(message(0, "919822222222"))
    await asyncio.sleep(0.3)
    other = replica(redis_url, prefix, handler("other", 0), claim_after=1.5)
    await other.start()
    await asyncio.wait_for(slow.drain(), 20)
    assert seen == [("slow", "0")]
    await slow.stop()
    await other.stop()


async def test_a_redis_restart_loses_no_message_and_keeps_the_order():
    with redis_process() as redis:
        prefix = "test:"
        handled: dict[str, list[str]] = defaultdict(list)
        again: list[str] = []

        async def handle(m: Message, maybe_seen: bool) -> None:
            if m.text in handled[m.wa_id]:
                assert maybe_seen, f"{m.id} handled twice without the flag"
                again.append(m.id)
                return
            await asyncio.sleep(0.02)
            handled[m.wa_id].append(m.text)

        inbox = replica(redis.url, prefix, handle, claim_after=2.0)
        await inbox.start()

        async def accept(m: Message) -> None:  # as Meta does: a webhook that failed is sent again
            while True:
                try:
                    await inbox.accept(m)
                    return
                except Exception:
                    await asyncio.sleep(0.2)

        senders = [f"91983333{n:04d}" for n in range(4)]
        try:
            for n in range(5):
                for wa_id in senders:
                    await accept(message(n, wa_id))
            await asyncio.to_thread(redis.restart, 1.0)
            for n in range(5, 10):
                for wa_id in senders:
                    await accept(message(n, wa_id))
            await asyncio.wait_for(inbox.drain(), 60)  # its first call may meet a connection from before
        finally:
            await asyncio.wait_for(inbox.stop(), 30)  # while this test's Redis is still there
        for wa_id in senders:
            assert handled[wa_id] == [str(n) for n in range(10)]


async def test_a_bad_message_is_dropped_and_one_whose_database_is_away_waits(redis_url):
    prefix = f"test:{uuid.uuid4().hex}:"
    calls: list[tuple[str, bool]] = []

    async def handle(m: Message, maybe_seen: bool) -> None:
        calls.append((m.text, maybe_seen))
        if m.text == "0":
            raise RuntimeError("a bug")
        if m.text == "1" and len([c for c in calls if c[0] == "1"]) == 1:
            raise ConnectionError("the tracker store is restarting")

    inbox = replica(redis_url, prefix, handle, retry_on=(ConnectionError,))
    await inbox.start()
    for n in range(3):
        await inbox.accept(message(n, "919844444444"))
    await asyncio.wait_for(inbox.drain(), 20)
    assert calls == [("0", False), ("1", False), ("1", True), ("2", False)]
    await inbox.stop()


async def test_a_replica_stops_while_redis_is_away_and_leaves_its_conversation_there():
    with redis_process() as redis:
        prefix = "test:"
        started, release = asyncio.Event(), asyncio.Event()

        async def handle(m: Message, maybe_seen: bool) -> None:
            started.set()
            await release.wait()

        inbox = replica(redis.url, prefix, handle)
        await inbox.start()
        await inbox.accept(message(0, "919855555555"))
        await asyncio.wait_for(started.wait(), 10)
        redis.stop()
        release.set()
        await asyncio.wait_for(inbox.stop(), 10)  # does not wait for a Redis that is away
        redis.start()
        survivor_saw: list[tuple[str, bool]] = []

        async def survivor_handle(m: Message, maybe_seen: bool) -> None:
            survivor_saw.append((m.text, maybe_seen))

        survivor = replica(redis.url, prefix, survivor_handle, claim_after=0.5)
        await survivor.start()
        await asyncio.wait_for(survivor.drain(), 20)
        await survivor.stop()
        assert survivor_saw == [("0", True)]
