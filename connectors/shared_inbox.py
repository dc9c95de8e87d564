"""The channel's inbox in Redis, shared by every replica of the Rasa server: one conversation's messages in order, by
one replica at a time; a replica that dies leaves its conversations to the others.

Keys under the prefix (`hisaab:wa:` by default):

- `inbox:seen:<message id>`: the message was accepted (deduplication, kept `SEEN_FOR`);
- `inbox:conversation:<conversation>`: a list, the conversation's messages not yet handled, in the order accepted;
- `inbox:turn:<conversation>`: set while the conversation has its one entry in the stream;
- `inbox:ready`: a stream of conversations with work, read by the consumer group `channel` (one consumer a replica).

Accepting a message appends it to its conversation's list and, if the conversation has no entry in the stream yet,
adds one, in one Lua script. The replica that reads the entry owns the conversation: it handles the list's messages
one by one, taking each off only when it was handled, and gives the conversation up (acknowledges the entry) only
when the list is empty, in one script again, so a message accepted meanwhile is either seen by the owner or gets a
new entry. The owner keeps its entry fresh while it works (`XCLAIM` to itself); an entry left idle for `claim_after`
seconds belongs to a replica that died, and the next replica to look takes it over (`XAUTOCLAIM`), starting with the
message the dead one may have half-handled (the handler is told, so it can check Rasa's tracker).

Run Redis with `appendonly yes`, so an accepted message survives a Redis restart too.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from connectors.events import Message
from connectors.store import SEEN_FOR, consumer_name

logger = logging.getLogger(__name__)

GROUP = "channel"

_ACCEPT = """
if redis.call('SET', KEYS[1], 'accepted', 'NX', 'EX', ARGV[1]) then
    redis.call('RPUSH', KEYS[2], ARGV[2])
    if redis.call('SET', KEYS[3], '1', 'NX') then
        redis.call('XADD', KEYS[4], '*', 'conversation', ARGV[3])
    end
    return 1
end
return 0
"""

_HANDLED = """
local head = redis.call('LINDEX', KEYS[1], 0)
if head and cjson.decode(head)['id'] == ARGV[1] then
    redis.call('LPOP', KEYS[1])
end
if redis.call('LLEN', KEYS[1]) > 0 then
    return 1
end
redis.call('DEL', KEYS[2])
redis.call('XACK', KEYS[3], ARGV[2], ARGV[3])
redis.call('XDEL', KEYS[3], ARGV[3])
return 0
"""
"""Take the handled message off (if it is still the head) and, when nothing is left, give the conversation up.
ARGV[1] may be "" to give up an entry whose list is already empty."""

Handler = Callable[[Message, bool], Awaitable[None]]
"""Handles one message; the flag says it may have been handled before (a dead replica's conversation)."""


class SharedInbox:
    """Accepts messages into Redis and, once `start`ed, handles the conversations this replica gets."""

    def __init__(self, url: str, handle: Handler, *, prefix: str = "hisaab:wa:", max_parallel: int = 8,
                 claim_after: float = 30.0, retry_on: tuple[type[BaseException], ...] = (),
                 consumer: str | None = None) -> None:
        """`max_parallel` conversations are in this replica's hands at once (see `Dispatcher`). An exception of a
        type in `retry_on` (a database or Redis that went away) leaves the message to be handled again after a
        pause; any other is logged and the message is dropped, so one bad message does not block a customer."""
        import redis.asyncio as redis

        self._redis = redis.from_url(url, health_check_interval=10)
        self._prefix, self.handle, self.retry_on = prefix, handle, retry_on
        self.consumer = consumer or consumer_name()
        self.claim_after = claim_after
        self._accept = self._redis.register_script(_ACCEPT)
        self._handled = self._redis.register_script(_HANDLED)
        self._max_parallel = max_parallel
        self._working: set[asyncio.Task[None]] = set()
        self._in_hand: set[str] = set()
        """The stream entries (conversations) this replica is working on."""
        self._loop_task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def _key(self, *parts: str) -> str:
        return self._prefix + "inbox:" + ":".join(parts)

    @staticmethod
    def conversation(message: Message) -> str:
        return f"{message.phone_number_id}:{message.wa_id}"

    async def accept(self, message: Message) -> bool:
        """Store a new message in its conversation's queue; False if this message id was seen before."""
        conversation = self.conversation(message)
        keys = [self._key("seen", message.id), self._key("conversation", conversation),
                self._key("turn", conversation), self._key("ready")]
        return bool(await self._accept(keys=keys, args=[SEEN_FOR, json.dumps(message.to_dict()), conversation]))

    async def start(self) -> None:
        """Join the consumer group and start handling conversations (a dead replica's too, once idle)."""
        await self._ensure_group()
        self._loop_task = asyncio.get_running_loop().create_task(self._consume())

    async def stop(self) -> None:
        """Stop taking work and wait for the conversations in hand; what is left stays in Redis for the others.
        (Nothing is cancelled in the middle of a Redis command: that would break the connection. A Redis that is
        away is no longer waited for.)"""
        self._stopping.set()
        if self._loop_task is not None:
            await self._loop_task
        if self._working:
            await asyncio.gather(*self._working, return_exceptions=True)
        await self._redis.aclose() if hasattr(self._redis, "aclose") else await self._redis.close()

    async def drain(self, timeout: float = 60.0) -> None:
        """Wait until every conversation in Redis has been handled (by any replica)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while await self._retrying(self._redis.xlen, self._key("ready")) or self._working:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("the shared inbox did not drain")
            await asyncio.sleep(0.05)

    async def _consume(self) -> None:
        """Read new conversations and take over idle ones, as long as there is room; survive Redis going away."""
        from redis.exceptions import RedisError

        pause = 0.5
        while not self._stopping.is_set():
            try:
                room = self._max_parallel - len(self._working)
                if room <= 0:
                    await asyncio.sleep(0.05)
                    continue
                _, claimed, *_ = await self._redis.xautoclaim(
                    self._key("ready"), GROUP, self.consumer, int(self.claim_after * 1000), "0-0", count=room)
                for entry_id, fields in claimed:
                    # an entry deleted meanwhile comes back without fields; one of ours went idle only because
                    # Redis was away while we worked on it
                    if fields and entry_id.decode() not in self._in_hand:
                        logger.warning("taking over conversation %s from a replica that stopped",
                                       fields[b"conversation"].decode())
                        self._spawn(entry_id, fields, taken_over=True)
                room = self._max_parallel - len(self._working)
                if room <= 0:
                    continue
                read = await self._redis.xreadgroup(GROUP, self.consumer, {self._key("ready"): ">"}, count=room,
                                                    block=1000)
                for _, entries in read or []:
                    for entry_id, fields in entries:
                        self._spawn(entry_id, fields, taken_over=False)
                pause = 0.5
            except (RedisError, OSError) as error:
                logger.warning("shared inbox: Redis unavailable (%s); retrying in %.1f s", error, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 5.0)
                await self._ensure_group()

    async def _ensure_group(self) -> None:
        """After Redis came back (an empty one, if its data was lost), the group may need creating again."""
        from redis.exceptions import RedisError, ResponseError

        try:
            await self._redis.xgroup_create(self._key("ready"), GROUP, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                logger.warning("shared inbox: could not create the consumer group: %s", error)
        except RedisError:
            pass

    def _spawn(self, entry_id: bytes, fields: dict[bytes, bytes], taken_over: bool) -> None:
        conversation, entry = fields[b"conversation"].decode(), entry_id.decode()
        task = asyncio.get_running_loop().create_task(self._work(entry, conversation, taken_over))
        self._working.add(task)
        self._in_hand.add(entry)
        task.add_done_callback(lambda done: (self._working.discard(done), self._in_hand.discard(entry)))

    async def _work(self, entry_id: str, conversation: str, taken_over: bool) -> None:
        """Handle the conversation's messages in order until its list is empty, then give it up."""
        finished = asyncio.Event()
        keeper = asyncio.get_running_loop().create_task(self._keep(entry_id, finished))
        maybe_seen = taken_over
        try:
            while True:
                head = await self._retrying(self._redis.lindex, self._key("conversation", conversation), 0)
                message = Message.from_dict(json.loads(head)) if head else None
                if message is not None:
                    await self._handle(message, maybe_seen)
                    maybe_seen = False  # only the message a dead replica was on may have reached Rasa
                keys = [self._key("conversation", conversation), self._key("turn", conversation), self._key("ready")]
                more = await self._retrying(self._handled, keys=keys,
                                            args=[message.id if message else "", GROUP, entry_id])
                if not more:
                    return
        finally:
            finished.set()
            await keeper

    async def _handle(self, message: Message, maybe_seen: bool) -> None:
        """Handle one message, again after a pause while what it needs is away (flagged then: the first attempt
        may have reached Rasa)."""
        pause = 1.0
        while True:
            try:
                await self.handle(message, maybe_seen)
                return
            except self.retry_on as error:
                if self._stopping.is_set():
                    raise  # left in Redis: another replica takes the conversation over
                logger.warning("WhatsApp message %s must wait (%s); retrying in %.0f s", message.id, error, pause)
                maybe_seen = True
                await asyncio.sleep(pause)
                pause = min(pause * 2, 10.0)
            except Exception:
                logger.exception("handling WhatsApp message %s failed", message.id)
                return

    async def _retrying(self, call: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
        """A Redis call, repeated until Redis answers (a restart takes a moment), unless the inbox is stopping."""
        from redis.exceptions import RedisError

        pause = 0.5
        while True:
            try:
                return await call(*args, **kwargs)
            except (RedisError, OSError) as error:
                if self._stopping.is_set():
                    raise
                logger.warning("shared inbox: Redis unavailable (%s); retrying in %.1f s", error, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 5.0)

    async def _keep(self, entry_id: str, finished: asyncio.Event) -> None:
        """While working on a conversation, reset its entry's idle time so no other replica takes it over."""
        from redis.exceptions import RedisError

        while True:
            try:
                await asyncio.wait_for(finished.wait(), self.claim_after / 3)
                return
            except asyncio.TimeoutError:
                pass
            try:
                await self._redis.xclaim(self._key("ready"), GROUP, self.consumer, 0, [entry_id], justid=True)
            except (RedisError, OSError) as error:
                logger.debug("shared inbox: could not keep %s: %s", entry_id, error)
