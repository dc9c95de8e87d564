"""Cloud API webhooks parsed once, at the edge, into small dataclasses.

Nothing behind this module digs through `entry[0]["changes"][0]["value"]`: a
payload becomes a `Webhook` holding every message and status of every entry and
change. Shapes follow Meta's "messages" webhook reference.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from connectors.metadata import CatalogItem, CatalogOrder, Location, SharedContact


EVENT_PAYLOADS = {
    "nfm_reply": "/flow_reply",
    "edit": "/message_edited",
    "number_changed": "/number_changed",
    "contacts": "/shared_contact",
    "order": "/catalog_order",
}
"""What Rasa reads for a message that is an event rather than words: an intent payload; what came with it
(the Flow's answers, the edited message's id, the old number, the vCards, the cart) is in the metadata."""
PHOTO_PAYLOAD = "/bill_photo"
"""What Rasa reads for a photo (or a PDF) of a bill or receipt; its caption is in the metadata."""
READABLE_DOCUMENTS = ("image/", "application/pdf")
"""Documents the bot reads like photos: images sent as files, and PDF bills."""
UNDERSTOOD = frozenset({"text", "button", "button_reply", "list_reply", "image", "document", "location",
                        *EVENT_PAYLOADS})
"""Message types handed to Rasa; anything else gets a polite reply from the channel, except:"""
IGNORED = frozenset({"reaction", "system", "revoke", "call_permission_reply"})
"""Message types that ask nothing of the bot (an emoji on a message, a notice from WhatsApp, a deleted message,
the answer to a call-permission request): logged, not answered."""
NUMBER_CHANGES = frozenset({"customer_changed_number", "user_changed_number"})
"""The system notice's types for a new phone number (Meta's reference names both)."""


class NotAWebhook(ValueError):
    """The body is JSON but not a WhatsApp Business Account webhook."""


@dataclass(frozen=True)
class WhatsAppError:
    code: int
    title: str = ""
    details: str = ""


@dataclass(frozen=True)
class Media:
    id: str
    mime_type: str = ""
    sha256: str = ""
    filename: str = ""
    voice: bool = False


@dataclass(frozen=True)
class Message:
    """One inbound message, from `wa_id` to the business number `phone_number_id`.

    `wa_id` is the sender's WhatsApp number, or, for a user who hides it behind a username, their
    business-scoped user id (`IN.1502576394655843`)."""

    id: str
    type: str
    wa_id: str
    phone_number_id: str
    display_phone_number: str = ""
    profile_name: str = ""
    timestamp: int = 0
    text: str = ""
    """What Rasa reads: the body, the id of a tapped button or list row, or an event's payload."""
    caption: str = ""
    """The words sent with a photo or document (Rasa reads `/bill_photo` for a bill's photo)."""
    reply_title: str = ""
    """The title of a tapped button or list row (the id is in `text`)."""
    media: Media | None = None
    location: Location | None = None
    flow_response: dict[str, Any] | None = None
    context_id: str = ""
    """The id of the business message this one answers (taps and quoted replies)."""
    original_message_id: str = ""
    """For an edit: the id of the message the person changed."""
    previous_wa_id: str = ""
    """For a number change: the old number (`wa_id` is the new one, where the answer goes)."""
    contacts: tuple[SharedContact, ...] = ()
    order: CatalogOrder | None = None
    errors: tuple[WhatsAppError, ...] = ()

    @property
    def ignored(self) -> bool:
        """True for what needs no answer: a reaction (or its removal), a system notice, a deleted message,
        an edit WhatsApp does not show us, a reply to a call-permission request."""
        return self.type in IGNORED or (self.type == "edit" and not self.original_message_id)

    @property
    def understood(self) -> bool:
        """False for what the bot cannot read: voice, video, stickers, unsupported types, payloads with errors."""
        return not self.errors and self.type in UNDERSTOOD

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Message:
        data = dict(data)
        data["media"] = Media(**data["media"]) if data.get("media") else None
        data["location"] = Location(**data["location"]) if data.get("location") else None
        data["errors"] = tuple(WhatsAppError(**e) for e in data.get("errors") or ())
        data["contacts"] = tuple(SharedContact(**c) for c in data.get("contacts") or ())
        if data.get("order"):
            order = data["order"]
            data["order"] = CatalogOrder(order["catalog_id"], tuple(CatalogItem(**i) for i in order["items"]),
                                         order.get("text", ""))
        return cls(**data)


@dataclass(frozen=True)
class Status:
    """What happened to a message the business sent: sent, delivered, read or failed."""

    message_id: str
    status: str
    recipient_id: str
    phone_number_id: str
    timestamp: int = 0
    errors: tuple[WhatsAppError, ...] = ()


@dataclass(frozen=True)
class Webhook:
    messages: list[Message] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)
    errors: list[WhatsAppError] = field(default_factory=list)
    """Errors Meta reports for the whole change (outside any message)."""
    unreadable: list[str] = field(default_factory=list)
    """Why a message in the webhook could not be read (the others in it still are)."""


def parse(body: bytes) -> Webhook:
    """Parse a raw webhook body; raise ValueError (or its NotAWebhook) for anything else."""
    try:
        payload = _json(body)
    except ValueError as error:
        raise ValueError(f"not JSON: {error}") from error
    return parse_payload(payload)


def parse_payload(payload: Any) -> Webhook:
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        raise NotAWebhook("object is not whatsapp_business_account")
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise NotAWebhook("no entry list")
    webhook = Webhook()
    try:
        for entry in entries:
            for change in entry.get("changes") or ():
                if change.get("field") == "messages":
                    _parse_value(change.get("value") or {}, webhook)
    except _UNREADABLE as error:
        raise NotAWebhook(f"malformed change: {error!r}") from error
    if webhook.unreadable and not (webhook.messages or webhook.statuses):
        raise NotAWebhook(f"no message could be read: {'; '.join(webhook.unreadable)}")
    return webhook


_UNREADABLE = (AttributeError, KeyError, TypeError, ValueError, OverflowError)
"""What reading a field of the wrong type or size raises."""
MAX_CART_QUANTITY = 1_000_000
LAST_TIMESTAMP = 253_402_300_799
"""9999-12-31T23:59:59Z, the last second a datetime holds."""


def _json(text: bytes | str) -> Any:
    """Strict JSON (no NaN or Infinity); ValueError also for a value nested too deeply to read."""
    try:
        return json.loads(text, parse_constant=_not_json)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _text(value: Any, default: str | None = "") -> str:
    """A text field: a string (or a number, as ids sometimes are) with no NUL and no lone surrogate.
    A missing value is `default`; with no default it is an error."""
    if value is None and default is not None:
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise TypeError(f"text expected, got {type(value).__name__}")
    if "\x00" in value:
        raise ValueError("text holds a NUL character")
    value.encode("utf-8")  # UnicodeEncodeError (a ValueError) for a lone surrogate
    return value


def _timestamp(value: Any) -> int:
    """Unix seconds, sent as a string of digits (or a number); 0 when missing."""
    if value in (None, ""):
        return 0
    seconds = int(_text(value)) if isinstance(value, str) else value
    if type(seconds) is not int or not 0 <= seconds <= LAST_TIMESTAMP:
        raise ValueError(f"timestamp out of range: {str(value)[:30]}")
    return seconds


def _coordinate(value: Any) -> float:
    degrees = float(_text(value)) if isinstance(value, str) else value
    if isinstance(degrees, bool) or not isinstance(degrees, (int, float)) or not -180 <= degrees <= 180:
        raise ValueError(f"not a coordinate: {str(value)[:30]}")
    return float(degrees)


def _errors(raw: Any) -> tuple[WhatsAppError, ...]:
    return tuple(
        WhatsAppError(int(_text(e.get("code", 0))), _text(e.get("title") or e.get("message")),
                      _text((e.get("error_data") or {}).get("details") or e.get("details")))
        for e in raw or ()
    )


def _parse_value(value: dict[str, Any], webhook: Webhook) -> None:
    metadata = value.get("metadata") or {}
    phone_number_id = _text(metadata["phone_number_id"], None)
    display = _text(metadata.get("display_phone_number"))
    names = {c.get("wa_id") or c.get("user_id"): (c.get("profile") or {}).get("name", "")
             for c in value.get("contacts") or ()}
    for raw in value.get("messages") or ():
        try:  # one message that cannot be read must not cost the others in the webhook
            webhook.messages.append(_parse_message(raw, phone_number_id, display, names))
        except _UNREADABLE as error:
            webhook.unreadable.append(f"message {_label(raw)}: {error!r}")
    for raw in value.get("statuses") or ():
        try:
            webhook.statuses.append(Status(
                message_id=_text(raw["id"], None), status=_text(raw["status"], None),
                recipient_id=_text(raw.get("recipient_id")), phone_number_id=phone_number_id,
                timestamp=_timestamp(raw.get("timestamp")), errors=_errors(raw.get("errors")),
            ))
        except _UNREADABLE as error:
            webhook.unreadable.append(f"status {_label(raw)}: {error!r}")
    webhook.errors.extend(_errors(value.get("errors")))


def _label(raw: Any) -> str:
    """A message's or status's id for the log, however broken it is."""
    return repr(raw.get("id", "?"))[:80] if isinstance(raw, dict) else "?"


def _parse_message(raw: dict[str, Any], phone_number_id: str, display: str, names: dict[str, Any]) -> Message:
    kind = _text(raw["type"], None)
    wa_id = _text(raw.get("from") or raw["from_user_id"], None)  # a user who hides their number has only a user id
    fields: dict[str, Any] = {}
    errors = _errors(raw.get("errors"))
    body = raw.get(kind) if isinstance(raw.get(kind), dict) else {}
    if kind == "text":
        fields["text"] = _text(body.get("body"))
    elif kind == "button":  # a template's quick-reply button
        fields["text"] = _text(body.get("payload") or body.get("text"))
        fields["reply_title"] = _text(body.get("text"))
    elif kind == "interactive":
        kind, fields = _parse_interactive(body)
    elif kind in ("image", "document", "audio", "video", "sticker"):
        fields["media"] = Media(_text(body["id"], None), _text(body.get("mime_type")), _text(body.get("sha256")),
                                _text(body.get("filename")), bool(body.get("voice", False)))
        fields["caption"] = _text(body.get("caption"))
        mime = fields["media"].mime_type
        readable = kind == "image" or (kind == "document" and mime.startswith(READABLE_DOCUMENTS))
        fields["text"] = PHOTO_PAYLOAD if readable else fields["caption"]
    elif kind == "location":
        fields["location"] = Location(_coordinate(body["latitude"]), _coordinate(body["longitude"]),
                                      _text(body.get("name")), _text(body.get("address")))
    elif kind == "contacts":
        fields["contacts"] = tuple(_shared_contact(card) for card in raw["contacts"])
    elif kind == "order":
        fields["order"] = _catalog_order(body)
    elif kind == "edit":  # the new version is in edit.message; the bot only needs to know which one changed
        fields["original_message_id"] = _text(body.get("original_message_id"))
    elif kind == "unsupported" and body.get("type") in ("edit", "revoke"):
        kind, errors = body["type"], ()  # an edit or a deletion reported without content: nothing to act on
    elif kind == "system" and body.get("type") in NUMBER_CHANGES and body.get("wa_id"):
        kind, fields["previous_wa_id"], wa_id = "number_changed", wa_id, _text(body["wa_id"], None)
    if kind in EVENT_PAYLOADS:
        fields["text"] = EVENT_PAYLOADS[kind]
    return Message(
        id=_text(raw["id"], None), type=kind, wa_id=wa_id, phone_number_id=phone_number_id,
        display_phone_number=display, profile_name=_text(names.get(fields.get("previous_wa_id") or wa_id)),
        timestamp=_timestamp(raw.get("timestamp")), context_id=_text((raw.get("context") or {}).get("id")),
        errors=errors, **fields,
    )


def _shared_contact(card: dict[str, Any]) -> SharedContact:
    """A vCard: its name, and its first phone (the WhatsApp id when WhatsApp knows the number)."""
    name = card.get("name") or {}
    phone = next(iter(card.get("phones") or ()), {})
    full = name.get("formatted_name") or " ".join(filter(None, (name.get("first_name"), name.get("last_name"))))
    return SharedContact(name=_text(full), phone=_text(phone.get("phone")), wa_id=_text(phone.get("wa_id")))


def _catalog_order(order: dict[str, Any]) -> CatalogOrder:
    """A cart sent from the business's catalog: product retailer ids, quantities, prices as given (decimal text)."""
    items = tuple(CatalogItem(_text(item["product_retailer_id"], None), _quantity(item["quantity"]),
                              _price(item.get("item_price")), _text(item.get("currency")))
                  for item in order["product_items"])
    return CatalogOrder(_text(order.get("catalog_id")), items, _text(order.get("text")))


def _price(value: Any) -> str:
    """A cart's item price as decimal text (Meta sends a number: 14 or 45.5); empty when missing."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("a price is not a finite number")
        return repr(value)
    return _text(value)


def _quantity(value: Any) -> int:
    """A cart's item count: a positive whole number (sent as a number, sometimes as text)."""
    count = int(_text(value)) if isinstance(value, str) else value
    if type(count) is not int or not 0 < count <= MAX_CART_QUANTITY:
        raise ValueError(f"not a quantity: {str(value)[:30]}")
    return count


def _parse_interactive(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """button_reply and list_reply carry the tapped id (our payload) and title; nfm_reply a Flow's answers;
    call_permission_reply whether the person lets the business call (nothing the bot asked for)."""
    kind = body.get("type", "")
    if kind in ("button_reply", "list_reply"):
        reply = body[kind]
        return kind, {"text": _text(reply["id"], None), "reply_title": _text(reply.get("title"))}
    if kind == "nfm_reply":
        reply = body["nfm_reply"]
        response = _json(_text(reply.get("response_json")) or "{}")
        if not isinstance(response, dict):
            raise TypeError("a Flow's response_json is not an object")
        return kind, {"flow_response": response}
    if kind == "call_permission_reply":
        return kind, {}
    return "interactive", {}
