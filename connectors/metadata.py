"""The contract between a channel and the actions: what a message carries besides its text.

A channel builds one `ChannelMetadata` per inbound message and hands `to_dict()` to Rasa as the
`UserMessage` metadata; Rasa stores it on the user event, and actions (and the review app) read
it back with `ChannelMetadata.from_dict`. Nothing else knows the keys. Plain Python, importable
from both environments (Rasa's Python 3.10 and the actions' 3.11).

>>> meta = ChannelMetadata(phone_number_id="1234", wa_id="919800000001", message_id="wamid.A",
...                        media=Media(id="m1", mime_type="image/jpeg", path="/var/media/m1.jpg"))
>>> meta.conversation_id
'1234:919800000001'
>>> ChannelMetadata.from_dict(meta.to_dict()) == meta
True
>>> meta.to_dict()["media_path"], "location" in meta.to_dict()
('/var/media/m1.jpg', False)
>>> ChannelMetadata.from_dict({}) is None, ChannelMetadata.from_dict({"phone_number_id": 5}).wa_id
(True, '')

The channel that verified the webhook's signature vouches for the identity it hands over
(business number, sender, message id) by signing it with the server secret
`HISAAB_IDENTITY_SECRET`; whoever changes one of them, or writes metadata of their own,
cannot sign it:

>>> signed = meta.signed("s3cret")
>>> signed.signed_by("s3cret"), meta.signed_by("s3cret"), signed.signed_by("other")
(True, False, False)
>>> from dataclasses import replace
>>> replace(signed, wa_id="919800000002").signed_by("s3cret")
False
>>> ChannelMetadata.from_dict(signed.to_dict()).signed_by("s3cret")
True
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, replace
from typing import Any, Mapping, Optional

IDENTITY_SECRET = "HISAAB_IDENTITY_SECRET"
"""The environment variable holding the secret the channel signs identities with and the actions check."""


MIN_SECRET_LENGTH = 32


def identity_secret(environ: Optional[Mapping[str, str]] = None) -> str:
    """The server secret identities are signed with ("" when none is set)."""
    return (os.environ if environ is None else environ).get(IDENTITY_SECRET, "")


def production(environ: Optional[Mapping[str, str]] = None) -> bool:
    """Whether the servers run in the production profile (`HISAAB_ENV=production`; development by default)."""
    return (os.environ if environ is None else environ).get("HISAAB_ENV", "development") == "production"


def conversation_id(phone_number_id: str, wa_id: str) -> str:
    """Rasa's sender id for one person writing to one business: `<phone_number_id>:<wa_id>`."""
    return f"{phone_number_id}:{wa_id}"


@dataclass(frozen=True)
class Media:
    """An image, document or voice note that came with the message, once downloaded (`path`) or not (`error`)."""

    id: str
    mime_type: str = ""
    filename: str = ""
    voice: bool = False
    path: str = ""
    error: str = ""


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    name: str = ""
    address: str = ""


@dataclass(frozen=True)
class SharedContact:
    """A contact card (vCard) the person shared: a name and a phone, with its WhatsApp id when it has one."""

    name: str
    phone: str = ""
    wa_id: str = ""


@dataclass(frozen=True)
class CatalogItem:
    """One line of a cart sent from the business's WhatsApp catalog."""

    product_retailer_id: str
    """The shop's own id of the product in the catalog (its SKU)."""
    quantity: int
    item_price: str = ""
    """The catalog's price as decimal text (the books price the order themselves)."""
    currency: str = ""


@dataclass(frozen=True)
class CatalogOrder:
    catalog_id: str
    items: tuple[CatalogItem, ...]
    text: str = ""


@dataclass(frozen=True)
class ChannelMetadata:
    """Who wrote to which business, which message it was, and what came with it."""

    phone_number_id: str
    """The business number the message was sent to (it names the shop)."""
    wa_id: str = ""
    """The sender's WhatsApp id (country code and number, digits only)."""
    message_id: str = ""
    """The channel's id of the message (WhatsApp's wamid): the same when a webhook is delivered again."""
    message_type: str = "text"
    profile_name: str = ""
    display_phone_number: str = ""
    timestamp: int = 0
    context_id: str = ""
    """The id of the business message this one answers (a tap or a quoted reply)."""
    reply_title: str = ""
    """The title of the tapped button or list row."""
    caption: str = ""
    """The words sent with a photo or document."""
    media: Optional[Media] = None
    location: Optional[Location] = None
    flow_response: Optional[dict[str, Any]] = None
    """A WhatsApp Flow's answers (its `response_json`), for the `/flow_reply` message."""
    original_message_id: str = ""
    """For `/message_edited`: the id of the message the person edited."""
    previous_wa_id: str = ""
    """For `/number_changed`: the person's old number (`wa_id` is the new one); signed with the identity."""
    contacts: tuple[SharedContact, ...] = ()
    """For `/shared_contact`: the contact cards shared."""
    order: Optional[CatalogOrder] = None
    """For `/catalog_order`: the cart sent from the catalog."""
    signature: str = ""
    """HMAC-SHA256 of the identity (business number, sender, message id, old number) by the channel that received it."""

    @property
    def conversation_id(self) -> str:
        return conversation_id(self.phone_number_id, self.wa_id)

    def _identity_mac(self, secret: str) -> str:
        parts = (self.phone_number_id, self.wa_id, self.message_id, self.previous_wa_id)
        identity = "\n".join(parts if self.previous_wa_id else parts[:3]).encode()
        return hmac.new(secret.encode(), identity, hashlib.sha256).hexdigest()

    def signed(self, secret: str) -> ChannelMetadata:
        """This metadata with its identity signed by `secret` (unchanged when there is no secret)."""
        return replace(self, signature=self._identity_mac(secret)) if secret else self

    def signed_by(self, secret: str) -> bool:
        """Whether the identity carries a valid signature by `secret` (never with an empty secret)."""
        return bool(secret and self.signature) and hmac.compare_digest(self.signature, self._identity_mac(secret))

    def to_dict(self) -> dict[str, Any]:
        """The flat JSON object Rasa stores with the user event (empty optional fields left out)."""
        data: dict[str, Any] = {
            "phone_number_id": self.phone_number_id, "wa_id": self.wa_id, "message_id": self.message_id,
            "message_type": self.message_type, "profile_name": self.profile_name,
            "display_phone_number": self.display_phone_number, "timestamp": self.timestamp,
        }
        if self.context_id:
            data["context_id"] = self.context_id
        if self.reply_title:
            data["reply_title"] = self.reply_title
        if self.caption:
            data["caption"] = self.caption
        if self.media is not None:
            data.update(media_id=self.media.id, mime_type=self.media.mime_type, filename=self.media.filename,
                        voice=self.media.voice)
            if self.media.path:
                data["media_path"] = self.media.path
            if self.media.error:
                data["media_error"] = self.media.error
        if self.location is not None:
            data["location"] = {"latitude": self.location.latitude, "longitude": self.location.longitude,
                                "name": self.location.name, "address": self.location.address}
        if self.flow_response is not None:
            data["flow_response"] = self.flow_response
        if self.original_message_id:
            data["original_message_id"] = self.original_message_id
        if self.previous_wa_id:
            data["previous_wa_id"] = self.previous_wa_id
        if self.contacts:
            data["contacts"] = [{"name": c.name, "phone": c.phone, "wa_id": c.wa_id} for c in self.contacts]
        if self.order is not None:
            data["order"] = {"catalog_id": self.order.catalog_id, "text": self.order.text, "items": [
                {"product_retailer_id": i.product_retailer_id, "quantity": i.quantity, "item_price": i.item_price,
                 "currency": i.currency} for i in self.order.items]}
        if self.signature:
            data["signature"] = self.signature
        return data

    @classmethod
    def from_dict(cls, data: Optional[Mapping[str, Any]]) -> Optional[ChannelMetadata]:
        """The metadata a channel wrote; None when the message came without a business number (`rasa shell`)."""
        if not data or not data.get("phone_number_id"):
            return None
        media = None
        if data.get("media_id"):
            media = Media(str(data["media_id"]), str(data.get("mime_type") or ""), str(data.get("filename") or ""),
                          bool(data.get("voice")), str(data.get("media_path") or ""),
                          str(data.get("media_error") or ""))
        location = None
        if isinstance(data.get("location"), Mapping):
            place = data["location"]
            location = Location(float(place["latitude"]), float(place["longitude"]), str(place.get("name") or ""),
                                str(place.get("address") or ""))
        return cls(
            phone_number_id=str(data["phone_number_id"]), wa_id=str(data.get("wa_id") or ""),
            message_id=str(data.get("message_id") or ""), message_type=str(data.get("message_type") or "text"),
            profile_name=str(data.get("profile_name") or ""),
            display_phone_number=str(data.get("display_phone_number") or ""),
            timestamp=int(data.get("timestamp") or 0), context_id=str(data.get("context_id") or ""),
            reply_title=str(data.get("reply_title") or ""), caption=str(data.get("caption") or ""), media=media,
            location=location,
            flow_response=data.get("flow_response") if isinstance(data.get("flow_response"), dict) else None,
            original_message_id=str(data.get("original_message_id") or ""),
            previous_wa_id=str(data.get("previous_wa_id") or ""),
            contacts=tuple(SharedContact(str(c.get("name") or ""), str(c.get("phone") or ""), str(c.get("wa_id") or ""))
                           for c in data.get("contacts") or () if isinstance(c, Mapping)),
            order=_catalog_order(data.get("order")), signature=str(data.get("signature") or ""),
        )


def _catalog_order(data: Any) -> Optional[CatalogOrder]:
    if not isinstance(data, Mapping):
        return None
    items = tuple(CatalogItem(str(i["product_retailer_id"]), int(i["quantity"]), str(i.get("item_price") or ""),
                              str(i.get("currency") or "")) for i in data.get("items") or ())
    return CatalogOrder(str(data.get("catalog_id") or ""), items, str(data.get("text") or ""))
