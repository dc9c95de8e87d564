"""The durable outbox and delivery log (Redis when configured, SQLite otherwise), and the embedded default's inbox.

Inbox (SQLite; with Redis the replicas share `connectors.shared_inbox`): a webhook's message is stored (keyed by
its WhatsApp message id, which is also the deduplication key) before the webhook is answered, and removed from the
pending set only when it has been processed, so a restart finds whatever was
acknowledged but not finished. Ids are remembered for `SEEN_FOR` seconds, longer
than Meta keeps retrying a webhook.

Outbox: every reply is stored under a key made from the inbound message id and
the reply's position, before it is sent. A replayed message produces the same
keys, so a reply that already went out is not sent twice.

Both backends make "store if new" a single atomic step (a primary key in SQLite,
a Lua script in Redis), so two deliveries of one webhook arriving at the same
moment store it once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import queue
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from connectors.events import Message, Status

logger = logging.getLogger(__name__)

SEEN_FOR = 7 * 24 * 3600
DELIVERY_LOG_SIZE = 10_000


class Store(Protocol):
    """The outbox and delivery log every sender shares (channel replicas, notice workers)."""

    async def outbox_put(self, key: str, entry: dict[str, Any]) -> bool:
        """Queue a reply; False if a reply with this key was queued before (sent, failed or still pending)."""

    async def outbox_pending(self) -> list[tuple[str, dict[str, Any]]]:
        """Replies not yet sent nor given up on that no live process is delivering, oldest first; the caller now
        delivers them."""

    async def outbox_take(self, key: str) -> dict[str, Any] | None:
        """A reply still pending under `key`, now this process's to deliver (it handles again the message whose
        handler died before sending it); None if there is none."""

    async def outbox_finish(self, key: str, state: str) -> None:
        """Take a reply out of the pending set: `sent` or `failed`."""

    async def outbox_state(self, key: str) -> str | None:
        """`pending`, `sent` or `failed` for a key put in the outbox (within `SEEN_FOR`); None for a new key."""

    async def log_delivery(self, status: Status) -> None:
        """Record a status (from a webhook, or our own `failed` after the retries)."""

    async def delivery_log(self, limit: int = 100) -> list[dict[str, Any]]:
        """The latest statuses, newest first."""

    async def close(self) -> None: ...


def consumer_name() -> str:
    """This process among the replicas: host, pid and a random part (a restarted process is a new one)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _status_row(status: Status) -> dict[str, Any]:
    error = status.errors[0] if status.errors else None
    return {
        "message_id": status.message_id, "status": status.status, "recipient_id": status.recipient_id,
        "phone_number_id": status.phone_number_id, "timestamp": status.timestamp,
        "error_code": error.code if error else None, "error_title": error.title if error else "",
        "error_details": error.details if error else "",
    }


class SQLiteStore:
    """One SQLite file in WAL mode, written by one thread with group commit: the outbox and delivery log, and the
    inbox of the embedded default (`connectors.dispatcher`), one process.

    A call queues its statement and waits. The thread runs whatever has queued up
    meanwhile in one transaction, so one fsync (`synchronous=FULL`) covers them all,
    and answers each call only after that commit: every write is durable before its
    call returns, and the event loop never waits on the disk.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript("""
            CREATE TABLE IF NOT EXISTS inbox (
                message_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, message TEXT NOT NULL,
                done INTEGER NOT NULL DEFAULT 0, accepted_at REAL NOT NULL);
            CREATE INDEX IF NOT EXISTS inbox_pending ON inbox (done, seq);
            CREATE TABLE IF NOT EXISTS outbox (
                key TEXT PRIMARY KEY, seq INTEGER NOT NULL, entry TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending', queued_at REAL NOT NULL);
            CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (state, seq);
            CREATE TABLE IF NOT EXISTS delivery_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL, status TEXT NOT NULL,
                recipient_id TEXT, phone_number_id TEXT, timestamp INTEGER, error_code INTEGER,
                error_title TEXT, error_details TEXT, recorded_at REAL NOT NULL);
        """)
        cutoff = time.time() - SEEN_FOR
        self._db.execute("DELETE FROM inbox WHERE done = 1 AND accepted_at < ?", (cutoff,))
        self._db.execute("DELETE FROM outbox WHERE state != 'pending' AND queued_at < ?", (cutoff,))
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write, name="whatsapp-store", daemon=True)
        self._writer.start()

    async def _run(self, statement: Callable[[sqlite3.Connection], Any]) -> Any:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._jobs.put((statement, loop, future))
        return await future

    def _write(self) -> None:
        """The writer thread: take every queued job, run them in one transaction, answer each after COMMIT."""
        while True:
            batch = [self._jobs.get()]
            while True:
                try:
                    batch.append(self._jobs.get_nowait())
                except queue.Empty:
                    break
            jobs = [job for job in batch if job is not None]
            outcomes: list[tuple[bool, Any]] = []
            try:
                self._db.execute("BEGIN IMMEDIATE")
                for statement, _, _ in jobs:
                    try:
                        outcomes.append((True, statement(self._db)))
                    except sqlite3.Error as error:
                        outcomes.append((False, error))
                self._db.execute("COMMIT")
            except sqlite3.Error as error:  # nothing of this batch is stored: every call fails
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                outcomes = [(False, error)] * len(jobs)
            for (_, loop, future), outcome in zip(jobs, outcomes):
                try:
                    loop.call_soon_threadsafe(_settle, future, *outcome)
                except RuntimeError:  # the caller's event loop is gone (shut down); nobody waits
                    pass
            if len(jobs) < len(batch):
                return

    def _insert_once(self, table: str, key_column: str, key: str, payload_column: str, payload: str,
                     time_column: str) -> Callable[[sqlite3.Connection], bool]:
        def insert(db: sqlite3.Connection) -> bool:
            cursor = db.execute(
                f"INSERT OR IGNORE INTO {table} ({key_column}, seq, {payload_column}, {time_column}) "
                f"VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM {table}), ?, ?)",
                (key, payload, time.time()),
            )
            return cursor.rowcount == 1
        return insert

    async def accept(self, message: Message) -> bool:
        """Store a new inbound message; False if this message id was seen before."""
        return await self._run(self._insert_once("inbox", "message_id", message.id, "message",
                                                 json.dumps(message.to_dict()), "accepted_at"))

    async def pending(self) -> list[Message]:
        """Accepted but not yet processed, in the order they were accepted."""
        rows = await self._run(lambda db: db.execute(
            "SELECT message FROM inbox WHERE done = 0 ORDER BY seq").fetchall())
        return [Message.from_dict(json.loads(row[0])) for row in rows]

    async def done(self, message_id: str) -> None:
        """The message was processed."""
        await self._run(lambda db: db.execute("UPDATE inbox SET done = 1 WHERE message_id = ?", (message_id,)))

    async def outbox_put(self, key: str, entry: dict[str, Any]) -> bool:
        return await self._run(self._insert_once("outbox", "key", key, "entry", json.dumps(entry), "queued_at"))

    async def outbox_pending(self) -> list[tuple[str, dict[str, Any]]]:
        rows = await self._run(lambda db: db.execute(
            "SELECT key, entry FROM outbox WHERE state = 'pending' ORDER BY seq").fetchall())
        return [(key, json.loads(entry)) for key, entry in rows]

    async def outbox_take(self, key: str) -> dict[str, Any] | None:
        row = await self._run(lambda db: db.execute(
            "SELECT entry FROM outbox WHERE key = ? AND state = 'pending'", (key,)).fetchone())
        return None if row is None else json.loads(row[0])

    async def outbox_finish(self, key: str, state: str) -> None:
        await self._run(lambda db: db.execute("UPDATE outbox SET state = ? WHERE key = ?", (state, key)))

    async def outbox_state(self, key: str) -> str | None:
        row = await self._run(lambda db: db.execute("SELECT state FROM outbox WHERE key = ?", (key,)).fetchone())
        return None if row is None else str(row[0])

    async def log_delivery(self, status: Status) -> None:
        row = {**_status_row(status), "recorded_at": time.time()}
        await self._run(lambda db: db.execute(
            "INSERT INTO delivery_log (message_id, status, recipient_id, phone_number_id, timestamp, error_code, "
            "error_title, error_details, recorded_at) VALUES (:message_id, :status, :recipient_id, "
            ":phone_number_id, :timestamp, :error_code, :error_title, :error_details, :recorded_at)", row))

    async def delivery_log(self, limit: int = 100) -> list[dict[str, Any]]:
        def latest(db: sqlite3.Connection) -> list[dict[str, Any]]:
            cursor = db.execute(
                "SELECT message_id, status, recipient_id, phone_number_id, timestamp, error_code, error_title, "
                "error_details FROM delivery_log ORDER BY id DESC LIMIT ?", (limit,))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]
        return await self._run(latest)

    async def close(self) -> None:
        self._jobs.put(None)
        await asyncio.to_thread(self._writer.join)
        self._db.close()


_Job = tuple[Callable[[sqlite3.Connection], Any], asyncio.AbstractEventLoop, "asyncio.Future[Any]"]


def _settle(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if future.cancelled():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


_PUT_ONCE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
    local seq = redis.call('INCR', KEYS[4])
    redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
    redis.call('ZADD', KEYS[3], seq, ARGV[3])
    redis.call('HSET', KEYS[5], ARGV[3], ARGV[5])
    return 1
end
return 0
"""

_CLAIM_ORPHANS = """
local taken = {}
for _, key in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    local owner = redis.call('HGET', KEYS[2], key)
    if owner ~= ARGV[1] and (not owner or redis.call('EXISTS', ARGV[2] .. owner) == 0) then
        redis.call('HSET', KEYS[2], key, ARGV[1])
        table.insert(taken, key)
    end
end
return taken
"""
"""Take over the pending replies whose process is gone (its `alive:` key expired or was removed)."""

_TAKE = """
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if entry then
    redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
end
return entry
"""

ALIVE_FOR = 30
"""Seconds a process's `alive:` key outlives its last heartbeat: then its pending replies are anyone's."""


class RedisStore:
    """Keys under `prefix`: the outbox's seen markers with a TTL, its pending replies (a hash, a sorted set for the
    order, a hash of who is delivering each), a heartbeat per process, and the delivery log.

    Any number of processes share it. Each reply is delivered by the process that queued it; one whose process died
    (no heartbeat for `ALIVE_FOR` seconds, or closed) is taken over by the next `outbox_pending`. Run Redis with
    `appendonly yes` so a queued reply survives a Redis restart too.
    """

    def __init__(self, url: str, prefix: str = "hisaab:wa:", owner: str | None = None) -> None:
        import redis.asyncio as redis

        self._redis = redis.from_url(url, health_check_interval=10)
        self._prefix = prefix
        self.owner = owner or consumer_name()
        self._put_once = self._redis.register_script(_PUT_ONCE)
        self._claim_orphans = self._redis.register_script(_CLAIM_ORPHANS)
        self._take = self._redis.register_script(_TAKE)
        self._heartbeat: asyncio.Task[None] | None = None
        self._closing = asyncio.Event()

    def _key(self, *parts: str) -> str:
        return self._prefix + ":".join(parts)

    def _beating(self) -> None:
        """Start this process's heartbeat, once (from the event loop that uses the store)."""
        if self._heartbeat is None:
            self._heartbeat = asyncio.get_running_loop().create_task(self._beat())

    async def _beat(self) -> None:
        """Every third of `ALIVE_FOR` until closed (never cancelled mid-command: that would break the connection)."""
        from redis.exceptions import RedisError

        while not self._closing.is_set():
            try:
                await self._redis.set(self._key("alive", self.owner), "1", ex=ALIVE_FOR)
            except (RedisError, OSError) as error:
                logger.warning("outbox heartbeat failed: %s", error)
            try:
                await asyncio.wait_for(self._closing.wait(), ALIVE_FOR / 3)
            except asyncio.TimeoutError:
                pass

    async def outbox_put(self, key: str, entry: dict[str, Any]) -> bool:
        self._beating()
        keys = [self._key("outbox", "seen", key), self._key("outbox"), self._key("outbox", "order"),
                self._key("outbox", "seq"), self._key("outbox", "owner")]
        return bool(await self._put_once(keys=keys, args=["pending", SEEN_FOR, key, json.dumps(entry), self.owner]))

    async def outbox_pending(self) -> list[tuple[str, dict[str, Any]]]:
        self._beating()
        keys = [k.decode() for k in await self._claim_orphans(
            keys=[self._key("outbox", "order"), self._key("outbox", "owner")],
            args=[self.owner, self._key("alive", "")])]
        if not keys:
            return []
        values = await self._redis.hmget(self._key("outbox"), keys)
        return [(k, json.loads(v)) for k, v in zip(keys, values) if v is not None]

    async def outbox_take(self, key: str) -> dict[str, Any] | None:
        entry = await self._take(keys=[self._key("outbox"), self._key("outbox", "owner")], args=[key, self.owner])
        return None if entry is None else json.loads(entry)

    async def outbox_finish(self, key: str, state: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._key("outbox", "seen", key), state, ex=SEEN_FOR)
            pipe.hdel(self._key("outbox"), key)
            pipe.zrem(self._key("outbox", "order"), key)
            pipe.hdel(self._key("outbox", "owner"), key)
            await pipe.execute()

    async def outbox_state(self, key: str) -> str | None:
        state = await self._redis.get(self._key("outbox", "seen", key))
        return None if state is None else state.decode()

    async def log_delivery(self, status: Status) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.lpush(self._key("delivery_log"), json.dumps(_status_row(status)))
            pipe.ltrim(self._key("delivery_log"), 0, DELIVERY_LOG_SIZE - 1)
            await pipe.execute()

    async def delivery_log(self, limit: int = 100) -> list[dict[str, Any]]:
        return [json.loads(v) for v in await self._redis.lrange(self._key("delivery_log"), 0, limit - 1)]

    async def close(self) -> None:
        """Stop the heartbeat and say so: what this process still had pending is now anyone's to deliver."""
        self._closing.set()
        if self._heartbeat is not None:
            await self._heartbeat
            await self._redis.delete(self._key("alive", self.owner))
        await self._redis.aclose() if hasattr(self._redis, "aclose") else await self._redis.close()


def open_store(redis_url: str, sqlite_path: Path) -> Store:
    """Redis when a URL is configured, SQLite otherwise."""
    return RedisStore(redis_url) if redis_url else SQLiteStore(sqlite_path)
