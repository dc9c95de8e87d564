"""Which shop and which person a message is from, taken from the channel's metadata."""

from __future__ import annotations

from functools import cache
from typing import Any

from rasa_sdk import Tracker

from erp_core.context import Context
from erp_core.db import Database, database_url
from erp_core.demo import DEMO_OWNER_WA_ID, DEMO_PHONE_NUMBER_ID
from erp_core.tenants import actor_for, find_tenant


@cache
def database() -> Database:
    """One database (and connection pool) per action-server process."""
    return Database(database_url())


def message_metadata(tracker: Tracker) -> dict[str, Any]:
    """The channel's metadata of the latest message.

    Rasa copies the UserUttered event's metadata into `latest_message`; the
    event itself is the fallback.
    """
    metadata = tracker.latest_message.get("metadata")
    if metadata is None:
        user_events = (event for event in reversed(tracker.events) if event.get("event") == "user")
        metadata = next(user_events, {}).get("metadata")
    return metadata or {}


def shop_context(tracker: Tracker) -> Context | None:
    """The context of the shop the message was sent to, as the person who sent it.

    Channels put `phone_number_id` (the business number) and `wa_id` (the
    sender) in the metadata. A message without them (`rasa shell`) speaks to
    the demo shop as its owner. None when the business is not registered.
    """
    metadata = message_metadata(tracker)
    phone_number_id = metadata.get("phone_number_id") or DEMO_PHONE_NUMBER_ID
    wa_id = metadata.get("wa_id") or (DEMO_OWNER_WA_ID if "phone_number_id" not in metadata else tracker.sender_id)
    db = database()
    tenant = find_tenant(db, str(phone_number_id))
    if tenant is None:
        return None
    return Context(db, tenant.id, actor_for(db, tenant.id, str(wa_id)))
