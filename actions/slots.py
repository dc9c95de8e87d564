"""Slots filled on every user message, before the policies predict: the reply language."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction

from actions.language import reply_language
from actions.shop import channel_metadata, database
from erp_core.enums import Country, ReplyLanguage
from erp_core.errors import DomainError
from erp_core.tenants import find_tenant

logger = logging.getLogger(__name__)

ROMAN_DEFAULT = {Country.IN: "hinglish", Country.NP: "ne_roman"}
"""What Roman text without a word of any language ("5 kilo maggi 200") is, by the shop's country."""


def shop_language(tracker: Tracker) -> tuple[str | None, str]:
    """The shop's reply-language setting (None: "auto", answer as the person writes) and its Roman-script default.

    One read of the tenant per message; a message to no known shop (or from an unverified sender) gets
    (None, "en").
    """
    try:
        tenant = find_tenant(database(), channel_metadata(tracker).phone_number_id)
    except DomainError as error:
        logger.info("reply language without the shop: %s", error)
        return None, "en"
    if tenant is None:
        return None, "en"
    fixed = None if tenant.reply_language is ReplyLanguage.AUTO else tenant.reply_language.value
    return fixed, ROMAN_DEFAULT.get(tenant.country, "en")


class ValidatePredefinedSlots(ValidationAction):
    """Rasa's `action_validate_slot_mappings`: runs at the end of `action_extract_slots` each turn."""

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        """The shop's reply language when the owner set one; else the language of the latest message (a button tap
        keeps the current one; a photo's is its caption's, or the shop's usual one for a first message)."""
        fixed, default = shop_language(tracker)
        if fixed is not None:
            return {"language": fixed}
        text = tracker.latest_message.get("text") or ""
        metadata = channel_metadata(tracker)
        if metadata is not None and metadata.media is not None and text.startswith("/"):
            text = metadata.caption     # a photo speaks through its caption; without one, as the conversation did
        return {"language": reply_language(text, previous=tracker.get_slot("language"), default=default)}
