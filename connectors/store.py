"""The durable inbox, outbox and delivery log: Redis when configured, SQLite otherwise.

Inbox: a webhook's message is stored (keyed by its WhatsApp message id, which is
also the deduplication key) before the webhook is answered, and removed from the
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
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from connectors.events import Message, Status

SEEN_FOR = 7 * 24 * 3600
DELIVERY_LOG_SIZE = 10_000


class Store(Protocol):
    async def accept(self, message: Message) -> bool:
        """Store a new inbound message; False if this message id was seen before."""

    async def pending(self) -> list[Message]:
        """Accepted but not yet processed, in the order they were accepted."""

    async def done(self, message_id: str) -> None:
        """The message was processed."""

    async def outbox_put(self, key: str, entry: dict[str, Any]) -> bool:
        """Queue a reply; False if a reply with this key was queued before (sent, failed or still pending)."""

    async def outbox_pending(self) -> list[tuple[str, dict[str, Any]]]:
        """Replies not yet sent nor given up on, oldest first."""

    async def outbox_finish(self, key: str, state: str) -> None:
        """Take a reply out of the pending set: `sent` or `failed`."""

    async def outbox_state(self, key: str) -> str | None:
        """`pending`, `sent` or `failed` for a key put in the outbox (within `SEEN_FOR`); None for a new key."""

    async def log_delivery(self, status: Status) -> None:
        """Record a status (from a webhook, or our own `failed` after the retries)."""

    async def delivery_log(self, limit: int = 100) -> list[dict[str, Any]]:
        """The latest statuses, newest first."""

    async def close(self) -> None: ...


def _status_row(status: Status) -> dict[str, Any]:
    error = status.errors[0] if status.errors else None
    return {
        "message_id": status.message_id, "status": status.status, "recipient_id": status.recipient_id,
        "phone_number_id": status.phone_number_id, "timestamp": status.timestamp,
        "error_code": error.code if error else None, "error_title": error.title if error else "",
        "error_details": error.details if error else "",
    }


class SQLiteStore:
    """One SQLite file in WAL mode, written by one thread with group commit.

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
        return await self._run(self._insert_once("inbox", "message_id", message.id, "message",
                                                 json.dumps(message.to_dict()), "accepted_at"))

    async def pending(self) -> list[Message]:
        rows = await self._run(lambda db: db.execute(
            "SELECT message FROM inbox WHERE done = 0 ORDER BY seq").fetchall())
        return [Message.from_dict(json.loads(row[0])) for row in rows]

    async def done(self, message_id: str) -> None:
        await self._run(lambda db: db.execute("UPDATE inbox SET done = 1 WHERE message_id = ?", (message_id,)))

    async def outbox_put(self, key: str, entry: dict[str, Any]) -> bool:
        return await self._run(self._insert_once("outbox", "key", key, "entry", json.dumps(entry), "queued_at"))

    async def outbox_pending(self) -> list[tuple[str, dict[str, Any]]]:
        rows = await self._run(lambda db: db.execute(
            "SELECT key, entry FROM outbox WHERE state = 'pending' ORDER BY seq").fetchall())
        return [(key, json.loads(entry)) for key, entry in rows]

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
    return 1
end
return 0
"""


class RedisStore:
    """Keys under `prefix`: seen markers with a TTL, and a hash plus a sorted set for each pending queue.

    Run Redis with `appendonly yes` so an acknowledged message survives a Redis restart too.
    """

    def __init__(self, url: str, prefix: str = "hisaab:wa:") -> None:
        import redis.asyncio as redis

        self._redis = redis.from_url(url)
        self._prefix = prefix
        self._put_once = self._redis.register_script(_PUT_ONCE)

    def _key(self, *parts: str) -> str:
        return self._prefix + ":".join(parts)

    async def _put(self, queue: str, key: str, payload: str) -> bool:
        keys = [self._key(queue, "seen", key), self._key(queue), self._key(queue, "order"), self._key(queue, "seq")]
        return bool(await self._put_once(keys=keys, args=["pending", SEEN_FOR, key, payload]))

    async def _pending(self, queue: str) -> list[tuple[str, str]]:
        keys = [k.decode() for k in await self._redis.zrange(self._key(queue, "order"), 0, -1)]
        if not keys:
            return []
        values = await self._redis.hmget(self._key(queue), keys)
        return [(k, v.decode()) for k, v in zip(keys, values) if v is not None]

    async def _finish(self, queue: str, key: str, state: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._key(queue, "seen", key), state, ex=SEEN_FOR)
            pipe.hdel(self._key(queue), key)
            pipe.zrem(self._key(queue, "order"), key)
            await pipe.execute()

    async def accept(self, message: Message) -> bool:
        return await self._put("inbox", message.id, json.dumps(message.to_dict()))

    async def pending(self) -> list[Message]:
        return [Message.from_dict(json.loads(v)) for _, v in await self._pending("inbox")]

    async def done(self, message_id: str) -> None:
        await self._finish("inbox", message_id, "done")

    async def outbox_put(self, key: str, entry: dict[str, Any]) -> bool:
        return await self._put("outbox", key, json.dumps(entry))

    async def outbox_pending(self) -> list[tuple[str, dict[str, Any]]]:
        return [(k, json.loads(v)) for k, v in await self._pending("outbox")]

    async def outbox_finish(self, key: str, state: str) -> None:
        await self._finish("outbox", key, state)

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
        await self._redis.aclose() if hasattr(self._redis, "aclose") else await self._redis.close()


def open_store(redis_url: str, sqlite_path: Path) -> Store:
    """Redis when a URL is configured, SQLite otherwise."""
    return RedisStore(redis_url) if redis_url else SQLiteStore(sqlite_path)
