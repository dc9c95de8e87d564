"""The WhatsApp Cloud API channel for Rasa: `WhatsAppInput` (named `whatsapp`) and `WhatsAppOutput`.

Configure it in credentials.yml under `connectors.whatsapp.WhatsAppInput`; the
webhook is `/webhooks/whatsapp/webhook`. A webhook is checked (size, signature,
shape; a signed body that cannot be read is logged and answered 200, as Meta would retry it), every message in it is stored in the durable inbox (once per WhatsApp
message id), Meta gets its 200, and the messages are processed afterwards: one
customer's in order, different customers in parallel. Replies go through the
durable outbox (`connectors.delivery`).

The conversation (Rasa's sender id) is `<phone_number_id>:<wa_id>`, so one
person writing to two businesses has two conversations; the metadata is a
`connectors.metadata.ChannelMetadata` (both ids, the profile name, the message
id and type, reply context, media) whose identity the channel signs with
`HISAAB_IDENTITY_SECRET` once the webhook's signature checked out. What the bot cannot read (a voice note, a
sticker) is answered with a domain response in the conversation's language,
without the message reaching the policies.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors import events, signature
from connectors.delivery import Sender
from connectors.dispatcher import Dispatcher
from connectors.events import Message
from connectors.graph import GraphClient, GraphError
from connectors.media import MediaStore
from connectors.metadata import ChannelMetadata, conversation_id, identity_secret
from connectors.metadata import Media as MediaMetadata
from connectors.outbound import recipient, render
from connectors.ratelimit import RateLimiter
from connectors.settings import MAX_WEBHOOK_BYTES, WhatsAppSettings
from connectors.shared_inbox import SharedInbox
from connectors.store import ALIVE_FOR, RedisStore, SQLiteStore, Store

logger = logging.getLogger(__name__)


def _unavailable() -> tuple[type[BaseException], ...]:
    """What Rasa raises while the tracker store (PostgreSQL) or the lock store (Redis) is away: the message waits.
    (Rasa's lock store wraps Redis's errors in its `LockError`.)"""
    import redis.exceptions
    import sqlalchemy.exc
    from rasa.core.lock_store import LockError

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, sqlalchemy.exc.OperationalError,
            sqlalchemy.exc.InterfaceError, LockError, ConnectionError)


def channel_metadata(message: Message, media: Optional[MediaMetadata]) -> ChannelMetadata:
    """What the actions learn about a WhatsApp message besides its text (connectors/metadata.py)."""
    return ChannelMetadata(
        phone_number_id=message.phone_number_id, wa_id=message.wa_id, message_id=message.id,
        message_type=message.type, profile_name=message.profile_name,
        display_phone_number=message.display_phone_number, timestamp=message.timestamp,
        context_id=message.context_id, reply_title=message.reply_title, caption=message.caption, media=media,
        location=message.location,
        flow_response=message.flow_response, original_message_id=message.original_message_id,
        previous_wa_id=message.previous_wa_id, contacts=message.contacts, order=message.order,
    )


class WhatsAppOutput(OutputChannel):
    """Turns Rasa's responses into Cloud API messages and sends them through the durable outbox.

    Replies to an inbound message are keyed `<wamid>/<n>`, so processing that message
    again after a crash does not send a reply twice. A custom message with a `to` (the order's
    customer told it left) goes to that number instead of the conversation's, the same way.
    """

    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    def __init__(self, sender: Sender, reply_to: str = "", replay: bool = False) -> None:
        """`replay`: the message may have been handled before (`Sender.send`)."""
        self.sender, self.replay = sender, replay
        self._reply_to = reply_to or f"out-{uuid.uuid4().hex}"
        self._count = itertools.count()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        phone_number_id, _, wa_id = recipient_id.partition(":")
        if not wa_id:
            raise ValueError(f"recipient {recipient_id!r} is not <phone_number_id>:<wa_id>")
        to = recipient(message) or wa_id
        for outgoing in render(message):
            await self.sender.send(f"{self._reply_to}/{next(self._count)}", phone_number_id, to, outgoing,
                                   replay=self.replay)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"image": image})

    async def send_attachment(self, recipient_id: Text, attachment: Text, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"attachment": attachment})

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: Any, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, "buttons": buttons})

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"custom": json_message})


class WhatsAppInput(InputChannel):
    """The Cloud API webhook: verification (GET) and messages and statuses (POST)."""

    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(WhatsAppSettings.load(credentials))

    def __init__(self, settings: WhatsAppSettings) -> None:
        self.settings = settings
        self.identity_secret = identity_secret()  # signs the identity of every message this channel verified
        if not settings.app_secret:
            logger.warning("WhatsApp channel without an app secret: every webhook POST will be refused")
        self.client = GraphClient(settings.api_base_url, settings.access_token)
        self.store: Store
        self.inbox: Dispatcher | SharedInbox
        if settings.redis_url:  # any number of replicas share the inbox and the outbox
            self.store = RedisStore(settings.redis_url)
            self.inbox = SharedInbox(settings.redis_url, self._handle, retry_on=_unavailable(),
                                     claim_after=settings.claim_after)
        else:
            store = SQLiteStore(settings.store_path)
            self.store, self.inbox = store, Dispatcher(store, self._handle)
        self.sender = Sender(self.client, self.store, RateLimiter(settings.max_send_rate),
                             reengagement_template=settings.reengagement_template,
                             template_language=settings.reengagement_template_language)
        self.media = MediaStore(settings.media_dir, self.client)
        self._sweeper: Optional[asyncio.Task[None]] = None
        self._on_new_message: Optional[Callable[[UserMessage], Awaitable[Any]]] = None
        self._agent: Any = None

    def get_output_channel(self) -> OutputChannel:
        """For messages Rasa sends on its own (reminders through the HTTP API): the recipient is the sender id."""
        return WhatsAppOutput(self.sender)

    async def start(self, agent: Any = None) -> None:
        """Deliver the replies and process the messages a previous process left behind; with Redis, keep
        delivering the replies of replicas that die."""
        self._agent = agent
        replies = await self.sender.recover()
        if replies:
            logger.info("WhatsApp channel recovered %d pending replies", replies)
        await self.inbox.start()
        if isinstance(self.store, RedisStore):
            self._sweeper = asyncio.get_running_loop().create_task(self._deliver_orphans())

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
        await self.inbox.stop()
        await self.client.close()
        await self.store.close()

    async def _deliver_orphans(self) -> None:
        """Now and then, deliver the replies a replica queued and died before sending."""
        while True:
            await asyncio.sleep(ALIVE_FOR)
            try:
                if replies := await self.sender.recover():
                    logger.warning("delivered %d replies of a replica that stopped", replies)
            except Exception as error:  # Redis away: the next round tries again
                logger.warning("could not look for other replicas' replies: %s", error)

    async def receive(self, body: bytes, headers: Dict[str, str]) -> HTTPResponse:
        """Check and store one webhook POST; the answer Meta gets does not wait for the bot."""
        if len(body) > MAX_WEBHOOK_BYTES:
            return response.json({"error": "payload too large"}, status=413)
        verdict = signature.check(headers.get(signature.HEADER.lower()), body, self.settings.app_secret)
        if verdict is not signature.Signature.VALID:
            return response.json({"error": f"signature {verdict.name.lower()}"}, status=verdict.value)
        try:
            webhook = events.parse(body)
        except ValueError as error:
            # Signed, so from Meta: it retries anything but a 200 for days, and these bytes will never read better
            logger.error("WhatsApp webhook ignored, it could not be read: %s", str(error)[:500])
            return response.json({"status": "ignored"})
        for status in webhook.statuses:
            await self.store.log_delivery(status)
            if status.errors:
                logger.warning("WhatsApp message %s to %s failed: %s", status.message_id, status.recipient_id,
                               status.errors)
        for error in webhook.errors:
            logger.warning("WhatsApp webhook error %s: %s %s", error.code, error.title, error.details)
        for reason in webhook.unreadable:
            logger.warning("WhatsApp webhook: could not read %s", reason)
        for message in webhook.messages:
            if not await self.inbox.accept(message):
                logger.info("duplicate WhatsApp message %s ignored", message.id)
        return response.json({"status": "received"})

    async def _handle(self, message: Message, maybe_seen: bool) -> None:
        """Process one stored message: acknowledge it to the customer, fetch its media, hand it to Rasa.
        `maybe_seen`: recovered after a crash or a failed attempt, so Rasa may have it already."""
        sender_id = conversation_id(message.phone_number_id, message.wa_id)
        if maybe_seen and await self._already_processed(sender_id, message.id):
            return
        if message.ignored:
            logger.info("WhatsApp %s %s from %s needs no answer", message.type, message.id, message.wa_id)
            return
        asyncio.get_running_loop().create_task(self._mark_read(message))
        metadata = channel_metadata(message, await self._download(message)).signed(self.identity_secret)
        output = WhatsAppOutput(self.sender, reply_to=message.id, replay=maybe_seen)
        if not message.understood:
            response = "utter_cannot_read_voice" if message.type == "audio" else "utter_cannot_read"
            await output.send_response(sender_id, await self._domain_response(response, sender_id))
            return
        await self._on_new_message(UserMessage(message.text, output, sender_id, input_channel=self.name(),
                                               message_id=message.id, metadata=metadata.to_dict()))

    async def _download(self, message: Message) -> Optional[MediaMetadata]:
        """The message's media, downloaded into the shop's folder (or the reason it could not be)."""
        if message.media is None:
            return None
        found = MediaMetadata(message.media.id, message.media.mime_type, message.media.filename, message.media.voice)
        try:
            return replace(found, path=str(await self.media.fetch(message.phone_number_id, message.media)))
        except (GraphError, ValueError, OSError) as error:
            logger.error("could not download media %s: %s", message.media.id, error)
            return replace(found, error=str(error))

    async def _domain_response(self, response: str, sender_id: str) -> Dict[str, Any]:
        """A domain response for a message Rasa never sees, in the language of the person's conversation."""
        agent = self._agent
        if agent is None or agent.tracker_store is None:
            raise RuntimeError("the WhatsApp channel answers only inside a running Rasa server")
        tracker = await agent.tracker_store.retrieve(sender_id) or DialogueStateTracker(sender_id, agent.domain.slots)
        return await agent.nlg.generate(response, tracker, self.name()) or {}

    async def _already_processed(self, sender_id: str, message_id: str) -> bool:
        """True if Rasa's tracker already holds this message (processed before a crash, not yet marked done)."""
        if self._agent is None or self._agent.tracker_store is None:
            return False
        tracker = await self._agent.tracker_store.retrieve(sender_id)
        return tracker is not None and any(
            isinstance(event, UserUttered) and event.message_id == message_id for event in tracker.events)

    async def _mark_read(self, message: Message) -> None:
        try:
            await self.client.mark_read(message.phone_number_id, message.id, typing=message.understood)
        except Exception as error:  # blue ticks are a courtesy; the reply does not depend on them
            logger.debug("mark-as-read for %s failed: %s", message.id, error)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        self._on_new_message = on_new_message
        whatsapp_webhook = Blueprint("whatsapp_webhook", __name__)

        @whatsapp_webhook.listener("after_server_start")
        async def start(app: Any, _: Any) -> None:
            await self.start(getattr(app.ctx, "agent", None))

        @whatsapp_webhook.listener("before_server_stop")
        async def stop(app: Any, _: Any) -> None:
            await self.stop()

        @whatsapp_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @whatsapp_webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            """Meta's subscription check: echo `hub.challenge` when mode and token match."""
            args = request.args
            if (args.get("hub.mode") == "subscribe" and self.settings.verify_token
                    and args.get("hub.verify_token") == self.settings.verify_token):
                return response.text(args.get("hub.challenge", ""))
            return response.text("verification failed", status=403)

        @whatsapp_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            return await self.receive(request.body, {k.lower(): v for k, v in request.headers.items()})

        return whatsapp_webhook

