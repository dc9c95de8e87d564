"""Rasa's SQL tracker store as conversation logs: a person's messages, erasing a conversation, purging old events.

Rasa keeps every event of a conversation (`<phone_number_id>:<wa_id>`) in its `events` table with the
text, the channel's metadata (profile name, media path) and the slots; the table is described in
`bot/review/tracker.py`. Rasa reads a conversation back from this table at each message, so a deleted
conversation simply starts afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, distinct, select

from bot.review.tracker import Event, conversation_events, events
from connectors.metadata import ChannelMetadata


def messages(engine: Engine, sender_id: str) -> list[dict[str, Any]]:
    """What the person and the bot said in a conversation, oldest first: time, who, text, and any media file."""
    said = []
    for event in conversation_events(engine, sender_id):
        if event.type_name not in ("user", "bot"):
            continue
        entry: dict[str, Any] = {"at": datetime.fromtimestamp(event.timestamp, UTC).isoformat(),
                                 "from": "person" if event.type_name == "user" else "shop",
                                 "text": event.data.get("text") or ""}
        media = media_path(event)
        if media:
            entry["media"] = media
        said.append(entry)
    return said


def media_path(event: Event) -> str:
    """The downloaded file a user message came with ("" for none)."""
    metadata = ChannelMetadata.from_dict(event.data.get("metadata")) if event.type_name == "user" else None
    return metadata.media.path if metadata is not None and metadata.media is not None else ""


def erase_conversation(engine: Engine, sender_id: str) -> list[str]:
    """Delete every event of a conversation; returns the media files its messages came with."""
    files = [path for path in map(media_path, conversation_events(engine, sender_id)) if path]
    with engine.begin() as conn:
        conn.execute(delete(events).where(events.c.sender_id == sender_id))
    return files


def sender_ids(engine: Engine) -> list[str]:
    """Every conversation in the store."""
    with engine.connect() as conn:
        return list(conn.scalars(select(distinct(events.c.sender_id))))


def purge_before(engine: Engine, cutoff_for: Callable[[str], float]) -> int:
    """Delete each conversation's events older than `cutoff_for(sender_id)` (a Unix time); returns how many."""
    removed = 0
    for sender_id in sender_ids(engine):
        with engine.begin() as conn:
            removed += conn.execute(delete(events).where(events.c.sender_id == sender_id,
                                                         events.c.timestamp < cutoff_for(sender_id))).rowcount
    return removed
