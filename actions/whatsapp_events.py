"""What WhatsApp sends without words: an edited message, a new phone number, a shared contact.

The channel hands each to Rasa as an intent payload (`/message_edited`, `/number_changed`,
`/shared_contact`) with what came with it in the `ChannelMetadata`; each action here reads
that and makes one erp_core call. (A Flow's answers get `utter_flow_received`; a cart from the
catalog fills the order form, actions/order_form.py.)
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType

from actions.base import ShopAction, Turn
from actions.choices import payload
from actions.forms import message_key
from actions.phrases import phrase
from actions.shop import channel_metadata, previous_number_context
from actions.undo import describe
from erp_core import tenants, undo
from erp_core.ids import wa_id as whatsapp_id
from erp_core.permissions import Permission

FOLLOWING_MESSAGES = 10
"""How many of the person's messages after an edited one may have confirmed what it started."""


def message_and_followers(tracker: Tracker, message_id: str) -> list[str]:
    """The ids of the message `message_id` and of the person's next messages (its confirmation is one of them)."""
    ids = [(event.get("metadata") or {}).get("message_id") or event.get("message_id") or ""
           for event in tracker.events if event.get("event") == "user"]
    if message_id not in ids:
        return []
    start = ids.index(message_id)
    return [found for found in ids[start:start + 1 + FOLLOWING_MESSAGES] if found]


class ActionMessageEdited(ShopAction):
    """An edit of a message that booked an entry: say what was booked and offer to reverse it."""

    def name(self) -> str:
        return "action_message_edited"

    def act(self, turn: Turn) -> list[EventType]:
        if not turn.ctx.actor.can(Permission.REVERSE):
            return []
        metadata = channel_metadata(turn.tracker)
        messages = message_and_followers(turn.tracker, metadata.original_message_id)
        entry = undo.booked_with(turn.ctx, [message_key(metadata.conversation_id, m) for m in messages])
        if entry is None:
            return []
        turn.dispatcher.utter_message(response="utter_message_edited", entry=describe(entry, turn.language), buttons=[
            {"title": phrase("undo_it", turn.language), "payload": payload("undo", entry=str(entry.undone_seq))},
            {"title": phrase("keep_it", turn.language), "payload": "/deny"},
        ])
        return []


class ActionNumberChanged(ShopAction):
    """WhatsApp says the person has a new number: their role and khata move to it (asked as the old number)."""

    def name(self) -> str:
        return "action_number_changed"

    def act(self, turn: Turn) -> list[EventType]:
        metadata = channel_metadata(turn.tracker)
        old = previous_number_context(turn.tracker)
        if old is None:
            return []
        moved = tenants.change_number(old, old_wa_id=metadata.previous_wa_id, new_wa_id=metadata.wa_id)
        what = "role_and_khata" if moved.role and moved.parties else "role" if moved.role else "khata"
        if moved.role or moved.parties:
            turn.say("utter_number_changed", number=whatsapp_id.format(moved.new_wa_id),
                     what=phrase(what, turn.language))
        return []


class ActionSharedContact(ShopAction):
    """A shared contact card: offer to add it as a customer or a supplier (the add-customer form, prefilled)."""

    def name(self) -> str:
        return "action_shared_contact"

    def act(self, turn: Turn) -> list[EventType]:
        if not turn.ctx.actor.can(Permission.MANAGE_PARTIES):
            return []
        for contact in channel_metadata(turn.tracker).contacts:
            said = f"{contact.name} {contact.wa_id or contact.phone}".strip()
            turn.dispatcher.utter_message(response="utter_shared_contact", name=contact.name,
                                          phone=contact.phone or contact.wa_id, buttons=[
                {"title": phrase("as_customer", turn.language), "payload": payload("add_customer", customer=said)},
                {"title": phrase("as_supplier", turn.language), "payload": payload("add_customer", supplier=said)},
            ])
        return []

