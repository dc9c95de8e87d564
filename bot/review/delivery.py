"""WhatsApp delivery status of the bot's replies, where the WhatsApp channel logs it.

The channel (connectors/) records every status webhook (sent, delivered, read, failed) in its
delivery log (`connectors.store`, Redis or SQLite as the channel is configured). Rasa's bot
events do not carry the WhatsApp message id, so a reply is matched to the first message sent
to the same person at or after the moment Rasa produced it, in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connectors.settings import WhatsAppSettings
from connectors.store import DELIVERY_LOG_SIZE, Store, open_store

STATUS_ORDER = {"sent": 1, "delivered": 2, "read": 3, "failed": 4}
MATCH_WINDOW = 300.0
"""A reply sent more than this many seconds after Rasa produced it is not taken for it."""


@dataclass(frozen=True)
class Delivery:
    message_id: str
    status: str
    """The furthest status reached: sent < delivered < read; failed wins."""
    sent_at: float
    error: str = ""


def summarise(rows: list[dict[str, Any]], recipient_id: str, since: float, until: float) -> list[Delivery]:
    """The channel's status rows (any order) for one person between two times, one per message, oldest first."""
    first_seen: dict[str, float] = {}
    best: dict[str, tuple[str, str]] = {}
    for row in sorted(rows, key=lambda r: r.get("timestamp") or 0):
        timestamp = float(row.get("timestamp") or 0)
        if row.get("recipient_id") != recipient_id or not since <= timestamp <= until + 1:
            continue
        message_id, status = row["message_id"], row["status"]
        first_seen.setdefault(message_id, timestamp)
        if STATUS_ORDER.get(status, 0) >= STATUS_ORDER.get(best.get(message_id, ("", ""))[0], 0):
            best[message_id] = (status, row.get("error_title") or "")
    return [Delivery(m, best[m][0], first_seen[m], best[m][1]) for m in sorted(first_seen, key=first_seen.__getitem__)]


class DeliveryLog:
    """The WhatsApp channel's delivery log, opened the way the channel opens it (settings from the environment)."""

    def __init__(self, store: Store | None) -> None:
        self.store = store

    @classmethod
    def from_settings(cls, settings: WhatsAppSettings, root: Path) -> DeliveryLog:
        """None-backed (no statuses) when the channel has never written its SQLite file."""
        path = settings.store_path if settings.store_path.is_absolute() else root / settings.store_path
        if not settings.redis_url and not path.exists():
            return cls(None)
        return cls(open_store(settings.redis_url, path))

    async def deliveries(self, recipient_id: str, since: float, until: float) -> list[Delivery]:
        """Messages sent to `recipient_id` between the two times, in the order they were sent."""
        if self.store is None:
            return []
        return summarise(await self.store.delivery_log(DELIVERY_LOG_SIZE), recipient_id, since, until)


def match_replies(replies: list[tuple[int, float]], deliveries: list[Delivery]) -> dict[int, Delivery]:
    """Pair bot replies (event id, timestamp), oldest first, with the messages sent after each, in order."""
    matched: dict[int, Delivery] = {}
    remaining = list(deliveries)
    for event_id, timestamp in replies:
        while remaining and remaining[0].sent_at < int(timestamp):
            remaining.pop(0)
        if remaining and remaining[0].sent_at - timestamp <= MATCH_WINDOW:
            matched[event_id] = remaining.pop(0)
    return matched
