"""Cloud API webhooks parsed once, at the edge, into small dataclasses.

Nothing behind this module digs through `entry[0]["changes"][0]["value"]`: a
payload becomes a `Webhook` holding every message and status of every entry and
change. Shapes follow Meta's "messages" webhook reference.
"""

from __future__ import annotations

import json
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
    """What Rasa reads: the body, a caption, or the id of a tapped button or list row."""
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
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
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
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise NotAWebhook(f"malformed change: {error!r}") from error
    if webhook.unreadable and not (webhook.messages or webhook.statuses):
        raise NotAWebhook(f"no message could be read: {'; '.join(webhook.unreadable)}")
    return webhook


def _errors(raw: Any) -> tuple[WhatsAppError, ...]:
    return tuple(
        WhatsAppError(int(e.get("code", 0)), e.get("title") or e.get("message") or "",
                      (e.get("error_data") or {}).get("details") or e.get("details") or "")
        for e in raw or ()
    )


def _parse_value(value: dict[str, Any], webhook: Webhook) -> None:
    metadata = value.get("metadata") or {}
    phone_number_id = str(metadata["phone_number_id"])
    display = str(metadata.get("display_phone_number", ""))
    names = {c.get("wa_id") or c.get("user_id"): (c.get("profile") or {}).get("name", "")
             for c in value.get("contacts") or ()}
    for raw in value.get("messages") or ():
        try:  # one message that cannot be read must not cost the others in the webhook
            webhook.messages.append(_parse_message(raw, phone_number_id, display, names))
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            webhook.unreadable.append(f"message {raw.get('id', '?') if isinstance(raw, dict) else '?'}: {error!r}")
    for raw in value.get("statuses") or ():
        webhook.statuses.append(Status(
            message_id=raw["id"], status=raw["status"], recipient_id=str(raw.get("recipient_id", "")),
            phone_number_id=phone_number_id, timestamp=int(raw.get("timestamp") or 0), errors=_errors(raw.get("errors")),
        ))
    webhook.errors.extend(_errors(value.get("errors")))


def _parse_message(raw: dict[str, Any], phone_number_id: str, display: str, names: dict[str, str]) -> Message:
    kind = raw["type"]
    wa_id = str(raw.get("from") or raw["from_user_id"])  # a user who hides their number has only a user id
    fields: dict[str, Any] = {}
    errors = _errors(raw.get("errors"))
    body = raw.get(kind) if isinstance(raw.get(kind), dict) else {}
    if kind == "text":
        fields["text"] = body.get("body", "")
    elif kind == "button":  # a template's quick-reply button
        fields["text"] = body.get("payload") or body.get("text", "")
        fields["reply_title"] = body.get("text", "")
    elif kind == "interactive":
        kind, fields = _parse_interactive(body)
    elif kind in ("image", "document", "audio", "video", "sticker"):
        fields["media"] = Media(body["id"], body.get("mime_type", ""), body.get("sha256", ""),
                                body.get("filename", ""), bool(body.get("voice", False)))
        fields["text"] = body.get("caption", "")
    elif kind == "location":
        fields["location"] = Location(float(body["latitude"]), float(body["longitude"]),
                                      body.get("name", ""), body.get("address", ""))
    elif kind == "contacts":
        fields["contacts"] = tuple(_shared_contact(card) for card in raw["contacts"])
    elif kind == "order":
        fields["order"] = _catalog_order(body)
    elif kind == "edit":  # the new version is in edit.message; the bot only needs to know which one changed
        fields["original_message_id"] = body.get("original_message_id", "")
    elif kind == "unsupported" and body.get("type") in ("edit", "revoke"):
        kind, errors = body["type"], ()  # an edit or a deletion reported without content: nothing to act on
    elif kind == "system" and body.get("type") in NUMBER_CHANGES and body.get("wa_id"):
        kind, fields["previous_wa_id"], wa_id = "number_changed", wa_id, str(body["wa_id"])
    if kind in EVENT_PAYLOADS:
        fields["text"] = EVENT_PAYLOADS[kind]
    return Message(
        id=raw["id"], type=kind, wa_id=wa_id, phone_number_id=phone_number_id, display_phone_number=display,
        profile_name=names.get(fields.get("previous_wa_id") or wa_id, ""), timestamp=int(raw.get("timestamp") or 0),
        context_id=(raw.get("context") or {}).get("id", ""), errors=errors, **fields,
    )


def _shared_contact(card: dict[str, Any]) -> SharedContact:
    """A vCard: its name, and its first phone (the WhatsApp id when WhatsApp knows the number)."""
    name = card.get("name") or {}
    phone = next(iter(card.get("phones") or ()), {})
    full = name.get("formatted_name") or " ".join(filter(None, (name.get("first_name"), name.get("last_name"))))
    return SharedContact(name=full, phone=phone.get("phone", ""), wa_id=phone.get("wa_id", ""))


def _catalog_order(order: dict[str, Any]) -> CatalogOrder:
    """A cart sent from the business's catalog: product retailer ids, quantities, prices as given (decimal text)."""
    items = tuple(CatalogItem(str(item["product_retailer_id"]), int(item["quantity"]), str(item.get("item_price", "")),
                              item.get("currency", "")) for item in order["product_items"])
    return CatalogOrder(str(order.get("catalog_id", "")), items, order.get("text", ""))


def _parse_interactive(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """button_reply and list_reply carry the tapped id (our payload) and title; nfm_reply a Flow's answers;
    call_permission_reply whether the person lets the business call (nothing the bot asked for)."""
    kind = body.get("type", "")
    if kind in ("button_reply", "list_reply"):
        reply = body[kind]
        return kind, {"text": reply["id"], "reply_title": reply.get("title", "")}
    if kind == "nfm_reply":
        reply = body["nfm_reply"]
        return kind, {"flow_response": json.loads(reply.get("response_json") or "{}")}
    if kind == "call_permission_reply":
        return kind, {}
    return "interactive", {}
