"""Which shop and which person a message is from, taken from the channel's metadata (connectors/metadata.py).

In production (`HISAAB_ENV=production`) only an identity the channel signed counts: metadata
written by anyone else, or none at all, speaks for nobody. In development a message without
metadata (`rasa shell`, the terminal chat) speaks to the demo shop as its owner.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import Any

from rasa_sdk import Tracker

from connectors.metadata import ChannelMetadata, identity_secret, production
from erp_core.context import Context
from erp_core.db import Database, database_url
from erp_core.demo import DEMO_OWNER_WA_ID, DEMO_PHONE_NUMBER_ID
from erp_core.errors import PermissionDenied
from erp_core.tenants import TenantInfo, actor_for, find_tenant


@cache
def database() -> Database:
    """One database (and connection pool) per action-server process."""
    return Database(database_url())


def message_metadata(tracker: Tracker) -> dict[str, Any]:
    """The channel's metadata of the latest message, as Rasa stored it.

    Rasa copies the UserUttered event's metadata into `latest_message`; the
    event itself is the fallback.
    """
    metadata = tracker.latest_message.get("metadata")
    if metadata is None:
        user_events = (event for event in reversed(tracker.events) if event.get("event") == "user")
        metadata = next(user_events, {}).get("metadata")
    return metadata or {}


def channel_metadata(tracker: Tracker, raw: dict[str, Any] | None = None) -> ChannelMetadata:
    """Who wrote to which business: the channel's metadata (of the latest message, or `raw`), or the demo shop's
    owner for a message without any (`rasa shell`). A channel that names no sender speaks for the conversation's
    sender id.

    In production, raises `PermissionDenied` unless the channel signed the identity.
    """
    metadata = ChannelMetadata.from_dict(message_metadata(tracker) if raw is None else raw)
    if production():
        if metadata is None or not metadata.signed_by(identity_secret()):
            raise PermissionDenied(permission="a verified sender", role="unverified")
        return metadata
    if metadata is None:
        return ChannelMetadata(phone_number_id=DEMO_PHONE_NUMBER_ID, wa_id=DEMO_OWNER_WA_ID,
                               message_id=tracker.latest_message.get("message_id") or "")
    if not metadata.wa_id:
        return replace(metadata, wa_id=tracker.sender_id)
    return metadata


def shop_of(metadata: ChannelMetadata) -> tuple[TenantInfo, Context] | None:
    """The shop a message was sent to and its context as the person who sent it; None when the business number
    is not registered."""
    db = database()
    tenant = find_tenant(db, metadata.phone_number_id)
    if tenant is None:
        return None
    return tenant, Context(db, tenant.id, actor_for(db, tenant.id, metadata.wa_id))


def shop_context(tracker: Tracker) -> Context | None:
    """The context of the shop the message was sent to, as the person who sent it; None when the
    business number is not registered."""
    shop = shop_of(channel_metadata(tracker))
    return None if shop is None else shop[1]


def previous_number_context(tracker: Tracker) -> Context | None:
    """For a number change (`/number_changed`): the shop's context as the person's old number, the one they
    acted as until now; None when the business is not registered or the message names no old number."""
    metadata = channel_metadata(tracker)
    shop = shop_of(replace(metadata, wa_id=metadata.previous_wa_id)) if metadata.previous_wa_id else None
    return None if shop is None else shop[1]
