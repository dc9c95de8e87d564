"""A conversation's tracker events as the turns a reviewer reads: what the person wrote and how the bot
understood it, which slots were set and actions ran, and what the bot sent back as the person saw it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.review.delivery import Delivery
from bot.review.masking import shown_as_is
from bot.review.tracker import Event
from connectors.metadata import ChannelMetadata

HIDDEN_ACTIONS = frozenset({"action_listen", "action_session_start"})
HIDDEN_SLOTS = frozenset({"session_started_metadata"})
"""Rasa's own bookkeeping, repeated at every session start (the channel metadata is shown in the header)."""


@dataclass
class Segment:
    text: str
    entity: str | None = None
    value: str | None = None


@dataclass
class Turn:
    """One row of the conversation: kind `user`, `bot`, `action`, `slot` or `session`."""

    kind: str
    event_id: int
    timestamp: float
    text: str = ""
    segments: list[Segment] = field(default_factory=list)
    intent: str | None = None
    confidence: float | None = None
    runners_up: list[tuple[str, float]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    name: str = ""
    value: Any = None
    policy: str = ""
    buttons: list[dict[str, str]] = field(default_factory=list)
    list_message: dict[str, Any] | None = None
    document: dict[str, Any] | None = None
    image: str | None = None
    delivery: Delivery | None = None


def highlight(text: str, entities: list[dict[str, Any]],
              say: Callable[[str], str] = shown_as_is) -> list[Segment]:
    """The text cut into plain and entity segments, by the entities' character offsets; `say` (masking, which
    keeps a text's length) is applied to the whole text first, so no entity can cut a phone number into pieces
    too short to be masked, and an entity over a masked number shows no normalised value."""
    shown = say(text)
    if len(shown) != len(text):
        raise ValueError("say must keep the text's length (entity offsets point into it)")
    segments, position = [], 0
    spans = sorted((e for e in entities if isinstance(e.get("start"), int) and isinstance(e.get("end"), int)),
                   key=lambda e: (e["start"], -e["end"]))
    for entity in spans:
        start, end = entity["start"], entity["end"]
        if start < position or end > len(text) or start >= end:
            continue
        if start > position:
            segments.append(Segment(shown[position:start]))
        value, typed = entity.get("value"), text[start:end]
        hidden = shown[start:end] != typed
        segments.append(Segment(shown[start:end], entity.get("entity"),
                                None if value is None or str(value) == typed or hidden else say(str(value))))
        position = end
    if position < len(text):
        segments.append(Segment(shown[position:]))
    return segments


def _bot_turn(event: Event) -> Turn:
    data = event.data
    payload = data.get("data") or {}
    turn = Turn("bot", event.id, event.timestamp, text=data.get("text") or "",
                buttons=[{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                         for b in payload.get("buttons") or [] if isinstance(b, dict)],
                image=payload.get("image"))
    custom = payload.get("custom")
    if isinstance(custom, dict):
        if custom.get("type") == "list":
            turn.list_message = custom
        elif custom.get("type") == "document":
            turn.document = custom
        elif custom.get("type") == "image":
            turn.image = custom.get("link") or custom.get("path")
            turn.text = turn.text or custom.get("caption", "")
    if payload.get("attachment") and not turn.document:
        turn.document = {"filename": str(payload["attachment"]), "caption": ""}
    return turn


def build_turns(events: list[Event], deliveries: dict[int, Delivery] | None = None,
                say: Callable[[str], str] = shown_as_is) -> list[Turn]:
    """The turns of one conversation, in order; `deliveries` maps bot event ids to WhatsApp statuses; `say`
    masks the user's texts (the page masks the rest as it shows it)."""
    turns = []
    for event in events:
        data = event.data
        if event.type_name == "user":
            parse = data.get("parse_data") or {}
            intent = parse.get("intent") or {}
            text = data.get("text") or ""
            entities = [e for e in parse.get("entities") or [] if isinstance(e, dict)]
            metadata = ChannelMetadata.from_dict(data.get("metadata"))
            if metadata is not None and metadata.media is not None and text.startswith("/"):
                text, entities = f"📷 {metadata.caption}".rstrip(), []   # a photo: what came with it, not its payload
            ranking = [(r.get("name", ""), float(r.get("confidence", 0.0))) for r in parse.get("intent_ranking") or []
                       if r.get("name") != intent.get("name")][:4]
            turns.append(Turn("user", event.id, event.timestamp, text=say(text),
                              segments=highlight(text, entities, say),
                              intent=intent.get("name") or event.intent_name, confidence=intent.get("confidence"),
                              runners_up=ranking, entities=entities))
        elif event.type_name == "bot":
            turn = _bot_turn(event)
            turn.delivery = (deliveries or {}).get(event.id)
            turns.append(turn)
        elif event.type_name == "action" and (event.action_name or data.get("name")) not in HIDDEN_ACTIONS:
            turns.append(Turn("action", event.id, event.timestamp, name=event.action_name or data.get("name", ""),
                              confidence=data.get("confidence"), policy=data.get("policy") or ""))
        elif event.type_name == "slot" and data.get("name") not in HIDDEN_SLOTS:
            turns.append(Turn("slot", event.id, event.timestamp, name=data.get("name", ""), value=data.get("value")))
        elif event.type_name == "session_started":
            turns.append(Turn("session", event.id, event.timestamp))
    return turns


def recipient(events: list[Event]) -> str | None:
    """The person's WhatsApp id (message metadata `wa_id`), for the delivery log."""
    for event in reversed(events):
        if event.type_name == "user":
            metadata = ChannelMetadata.from_dict(event.data.get("metadata"))
            if metadata is not None and metadata.wa_id:
                return metadata.wa_id
    return None
