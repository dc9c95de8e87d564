"""WhatsApp delivery status of the bot's replies, where the WhatsApp channel logs it.

The channel (connectors/) records every status webhook (sent, delivered, read, failed) in its
`delivery_log` table, keyed by WhatsApp message id and recipient. Rasa's bot events do not carry
that id, so a reply is matched to the first message sent to the same person at or after the
moment Rasa produced it, in order.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

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


class DeliveryLog(Protocol):
    def deliveries(self, recipient_id: str, since: float, until: float) -> list[Delivery]:
        """Messages sent to `recipient_id` between the two times, in the order they were sent."""


class NoDeliveryLog:
    """For channels that report no delivery status (Rasa's REST channel)."""

    def deliveries(self, recipient_id: str, since: float, until: float) -> list[Delivery]:
        return []


class SQLiteDeliveryLog:
    """Reads the WhatsApp channel's SQLite store (`delivery_log` table), read-only."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def deliveries(self, recipient_id: str, since: float, until: float) -> list[Delivery]:
        if not self.path.exists():
            return []
        with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True) as db:
            rows = db.execute(
                "SELECT message_id, status, timestamp, COALESCE(error_title, '') FROM delivery_log "
                "WHERE recipient_id = ? AND timestamp BETWEEN ? AND ? ORDER BY timestamp, id",
                (recipient_id, int(since), int(until) + 1)).fetchall()
        first_seen: dict[str, float] = {}
        best: dict[str, tuple[str, str]] = {}
        for message_id, status, timestamp, error in rows:
            first_seen.setdefault(message_id, float(timestamp))
            if STATUS_ORDER.get(status, 0) >= STATUS_ORDER.get(best.get(message_id, ("", ""))[0], 0):
                best[message_id] = (status, error)
        return [Delivery(m, best[m][0], first_seen[m], best[m][1]) for m in sorted(first_seen, key=first_seen.get)]


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
