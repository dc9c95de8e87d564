"""The privacy notice a number new to the shop gets with its first reply (DPDP Act); its reminders buttons are
answered by `actions/notices.py`.

Rasa runs `action_session_start` when a conversation (re)starts, before it reads the message, with the
message's channel metadata in the `session_started_metadata` slot. Ours asks erp_core whether the
number is new to the shop (`consents.introduce`, which records the transactional consent), says
`utter_privacy_notice` if so, then starts the session as Rasa's own action does. The message is not
read yet, so the notice speaks the shop's reply language when the owner set one, else the conversation's
`language` or, for a first conversation, the shop's country's (`FIRST_LANGUAGE`); the variation is picked
here from the domain, since Rasa renders a response with the slots as they were before this action.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.responses import variation
from actions.shop import channel_metadata, shop_of
from erp_core import consents
from erp_core.enums import Country, ReplyLanguage
from erp_core.errors import DomainError

logger = logging.getLogger(__name__)

SESSION_METADATA = "session_started_metadata"
FIRST_LANGUAGE = {Country.IN: "hinglish", Country.NP: "ne"}
"""The notice's language before the person's first message was read: the shop's country's."""


def message_source(message_id: str) -> str:
    """Where a consent given in chat was given."""
    return f"whatsapp message {message_id}" if message_id else "whatsapp message"


class ActionSessionStart(Action):
    """Rasa's session start, with the privacy notice for a number new to the shop."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
                  ) -> list[EventType]:
        language = self.notice_language(tracker)
        if language is not None:
            dispatcher.utter_message(**variation(domain, "utter_privacy_notice", language))
        carry_over = (domain.get("session_config") or {}).get("carry_over_slots_to_new_session", True)
        slots = [SlotSet(name, value) for name, value in tracker.slots.items()
                 if carry_over and value is not None]
        return [SessionStarted(), *slots, ActionExecuted("action_listen")]

    @staticmethod
    def notice_language(tracker: Tracker) -> str | None:
        """The language to say the privacy notice in, when it is due (the consent is recorded); None when not."""
        raw = tracker.get_slot(SESSION_METADATA)
        if not raw:
            return None
        try:
            metadata = channel_metadata(tracker, raw)
            shop = shop_of(metadata)
            if shop is None or metadata.previous_wa_id:  # a number change: known at the old number
                return None
            tenant, ctx = shop
            if not consents.introduce(ctx, metadata.wa_id, message_source(metadata.message_id)).notice_due:
                return None
        except DomainError as error:  # no notice for an unverified sender; the session still starts
            logger.info("no privacy notice: %s", error)
            return None
        if tenant.reply_language is not ReplyLanguage.AUTO:
            return tenant.reply_language.value
        return tracker.get_slot("language") or FIRST_LANGUAGE[tenant.country]
