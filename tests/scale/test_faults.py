"""Two replicas (Rasa + action server pairs) behind the gateway, on PostgreSQL and Redis, under a steady stream of
messages from many owners; then a replica killed with SIGKILL mid-stream and restarted, Redis restarted, PostgreSQL
restarted. After each: every message answered exactly once, each owner's replies in the order of their messages,
every sale booked once, `bot check` clean."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
import pytest

from erp_core import catalog, inventory
from erp_core.context import Context
from erp_core.demo import DEMO_PHONE_NUMBER_ID
from erp_core.permissions import Actor
from erp_core.tenants import find_tenant
from tests.scale.cluster import RASA_TOKEN, Cluster, running_cluster, shape

SCRIPT = ["chawal ka stock kitna hai", "2 packet parle g becha 20 cash", "haan", "cheeni ka stock kitna hai"]
"""What each owner writes: a question, a counter sale and its confirmation, another question."""
OWNERS_A_ROUND = 6
_numbers = iter(range(919760000001, 919760009999, 100))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with running_cluster(tmp_path_factory.mktemp("scale")) as started:
        yield started


def parle_g(cluster: Cluster) -> Decimal:
    db = cluster.db
    try:
        ctx = Context(db, find_tenant(db, DEMO_PHONE_NUMBER_ID).id, Actor.system())
        return inventory.stock_of(ctx, catalog.resolve_product(ctx, "Parle-G Biscuit").id).on_hand
    finally:
        db.dispose()


def settled_replies(cluster: Cluster, wa_id: str, at_least: int = 1, quiet: float = 3.0,
                    within: float = 240) -> list[dict]:
    """The owner's replies once there are `at_least` and no more came for `quiet` seconds."""
    deadline = time.monotonic() + within
    replies, since = cluster.replies(wa_id), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cluster.replies(wa_id)
        if len(now) != len(replies):
            replies, since = now, time.monotonic()
        elif len(replies) >= at_least and time.monotonic() - since >= quiet:
            return replies
    return replies


@pytest.fixture(scope="module")
def reference(cluster: Cluster) -> list[str]:
    """One owner's conversation, each message sent after the previous one's replies settled: what every owner of
    the stream must get, figures aside."""
    (wa_id,) = cluster.owners(1, next(_numbers))
    count = 0
    for text in SCRIPT:
        cluster.say(wa_id, text)
        count = len(settled_replies(cluster, wa_id, at_least=count + 1))
    shapes = [shape(reply) for reply in cluster.replies(wa_id)]
    assert "chawal" in shapes[0].lower() and "cheeni" in shapes[-1].lower(), shapes
    return shapes


def stream(cluster: Cluster, expected: int, fault: Callable[[], None] | None = None,
           at: float = 2.0) -> dict[str, list[str]]:
    """Owners writing their scripts at once, each message without waiting for the reply; `fault` `at` seconds in.
    Each owner's replies (as shapes) once there are `expected` (or no more come) and then none for a while (a
    duplicate would come then)."""
    owners = cluster.owners(OWNERS_A_ROUND, next(_numbers))
    rng = random.Random(7)
    pauses = {wa_id: [rng.uniform(0.2, 1.5) for _ in SCRIPT] for wa_id in owners}

    def write(wa_id: str) -> None:
        for text, pause in zip(SCRIPT, pauses[wa_id]):
            time.sleep(pause)
            cluster.say(wa_id, text)

    with ThreadPoolExecutor(len(owners)) as pool:
        writers = [pool.submit(write, wa_id) for wa_id in owners]
        if fault is not None:  # in this thread: a server dies with the thread that started it (PR_SET_PDEATHSIG)
            time.sleep(at)
            fault()
        for writer in writers:
            writer.result()
    return {wa_id: [shape(r) for r in settled_replies(cluster, wa_id, at_least=expected, quiet=5.0)]
            for wa_id in owners}


def answered_once_in_order(cluster: Cluster, reference: list[str], fault: Callable[[], None] | None = None) -> None:
    """A stream (with `fault` in it): every owner got exactly the reference conversation, figures aside."""
    for wa_id, got in stream(cluster, len(reference), fault).items():
        assert got == reference, f"{wa_id}: {len(got)} replies, {len(reference)} expected:\n" + "\n".join(got)


def assert_books(cluster: Cluster, stock_before: Decimal) -> None:
    assert parle_g(cluster) == stock_before - 2 * OWNERS_A_ROUND, "each owner's sale booked exactly once"
    assert "mismatch" not in cluster.check_books().lower()


def test_a_steady_stream_across_two_replicas(cluster: Cluster, reference: list[str]):
    before = parle_g(cluster)
    answered_once_in_order(cluster, reference)
    assert_books(cluster, before)


def test_a_replica_killed_mid_stream_then_restarted(cluster: Cluster, reference: list[str]):
    before = parle_g(cluster)

    def kill_and_restart() -> None:  # the owners go on writing while the replica is down and starting again
        cluster.kill_replica(0)
        time.sleep(5)
        cluster.restart_replica(0)

    answered_once_in_order(cluster, reference, kill_and_restart)
    assert_books(cluster, before)
    assert all(server.process.poll() is None for pair in cluster.replicas for server in pair), "all four are up"


def test_redis_restarted_mid_stream(cluster: Cluster, reference: list[str]):
    before = parle_g(cluster)
    answered_once_in_order(cluster, reference, lambda: cluster.redis.restart(down_for=2.0))
    assert_books(cluster, before)


def test_postgres_restarted_mid_stream(cluster: Cluster, reference: list[str]):
    before = parle_g(cluster)
    answered_once_in_order(cluster, reference, cluster.pg.restart)
    assert_books(cluster, before)


def test_one_conversation_written_through_both_replicas_at_once_keeps_every_message(cluster: Cluster):
    """Rasa's HTTP API (the review app, an integration) reaches a conversation without the channel's inbox: the lock
    store keeps the conversation in one replica at a time, so no message is lost from its tracker. (Without it, two
    replicas saving one tracker at once drop each other's events: docs/deploy.md.)"""
    sender = f"{DEMO_PHONE_NUMBER_ID}:919769999999"
    texts = [f"chawal ka stock {n}" for n in range(16)]

    def add(n: int) -> None:
        httpx.post(f"{cluster.rasa_urls[n % 2]}/conversations/{sender}/messages", params={"token": RASA_TOKEN},
                   json={"text": texts[n], "sender": "user"}, timeout=120).raise_for_status()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(add, range(len(texts))))
    tracker = httpx.get(f"{cluster.rasa_urls[0]}/conversations/{sender}/tracker", params={"token": RASA_TOKEN},
                        timeout=60).raise_for_status().json()
    assert sorted(e["text"] for e in tracker["events"] if e["event"] == "user") == sorted(texts)
