"""What Rasa's tracker store knows of a person the shop is about to message: when they last wrote (WhatsApp's
24-hour window, the quiet hours' exception) and in which language the bot last answered them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from typing import Any

from sqlalchemy import Engine, Select, select
from sqlalchemy.exc import DBAPIError

from bot.review.tracker import events

LANGUAGE_SLOT = "language"


class Conversations:
    """Reads a conversation (`<phone_number_id>:<wa_id>`) of the tracker store; with no store (or none yet),
    knows nothing: every message is then outside the window, in the shop's language."""

    def __init__(self, engine: Engine | None) -> None:
        self.engine = engine

    def _scalar(self, query: Select[Any]) -> Any:
        """One value, or None when there is no store or Rasa has not made its table yet."""
        if self.engine is None:
            return None
        try:
            with self.engine.connect() as conn:
                return conn.scalar(query)
        except DBAPIError:
            return None

    def last_inbound(self, conversation: str) -> datetime | None:
        """When the person last wrote, or None."""
        stamp = self._scalar(select(events.c.timestamp).where(events.c.sender_id == conversation,
                                                                 events.c.type_name == "user")
                             .order_by(events.c.id.desc()).limit(1))
        return None if stamp is None else datetime.fromtimestamp(stamp, UTC)

    def language(self, conversation: str) -> str | None:
        """The `language` slot as the conversation last set it, or None."""
        data = self._scalar(select(events.c.data).where(events.c.sender_id == conversation,
                                                        events.c.type_name == "slot",
                                                        events.c.action_name == LANGUAGE_SLOT)
                            .order_by(events.c.id.desc()).limit(1))
        value = json.loads(data).get("value") if data else None
        return value if isinstance(value, str) and value else None
