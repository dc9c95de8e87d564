"""A tracker store for tests: Rasa's `events` table, written the way Rasa's SQLTrackerStore writes it."""

from __future__ import annotations

import json

from sqlalchemy import create_engine, insert

from bot.review.tracker import _tracker_metadata, events

SHOP_A, SHOP_B = "100000000000001", "100000000000002"
DAY = 1_790_000_000.0  # 2026-09-21 UTC


class Tracker:
    """A tracker store with Rasa's events table, written the way Rasa's SQLTrackerStore writes it."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        _tracker_metadata.create_all(self.engine)
        self.clock = DAY

    def _add(self, sender: str, type_name: str, data: dict, intent: str | None = None,
             action: str | None = None) -> None:
        self.clock += 1
        with self.engine.begin() as conn:
            conn.execute(insert(events).values(sender_id=sender, type_name=type_name, timestamp=self.clock,
                                               intent_name=intent, action_name=action,
                                               data=json.dumps({"event": type_name, "timestamp": self.clock, **data})))

    def user(self, sender: str, shop: str, text: str, intent: str, confidence: float,
             entities: list | None = None, wa_id: str | None = None) -> None:
        """A message; the person's `wa_id` is the sender id unless given (the WhatsApp channel's sender id is
        `<phone_number_id>:<wa_id>`)."""
        self._add(sender, "user", {
            "text": text, "input_channel": "whatsapp",
            "parse_data": {"intent": {"name": intent, "confidence": confidence}, "entities": entities or [],
                           "intent_ranking": [{"name": intent, "confidence": confidence}]},
            "metadata": {"phone_number_id": shop, "wa_id": wa_id or sender}}, intent=intent)

    def action(self, sender: str, name: str) -> None:
        self._add(sender, "action", {"name": name}, action=name)

    def bot(self, sender: str, text: str, buttons: list[dict] | None = None) -> None:
        self._add(sender, "bot", {"text": text, "data": {"buttons": buttons} if buttons else {}})

    def slot(self, sender: str, name: str, value: object) -> None:
        self._add(sender, "slot", {"name": name, "value": value})
