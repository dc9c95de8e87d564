"""Slots filled on every user message, before the policies predict: the reply language."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction

from actions.language import reply_language


class ValidatePredefinedSlots(ValidationAction):
    """Rasa's `action_validate_slot_mappings`: runs at the end of `action_extract_slots` each turn."""

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        """Answer in the language of the latest message (a button tap keeps the current one)."""
        text = tracker.latest_message.get("text") or ""
        return {"language": reply_language(text, previous=tracker.get_slot("language"))}
