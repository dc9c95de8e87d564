"""Forms that write to the books: ask only for what is missing, confirm with buttons, then book once.

Each form (`order_form`, `payment_form`, ...) is a Rasa form whose
`validate_<form>` action (a `BookForm`) does the whole conversation step: it
reads the latest message's entities into the form's slots, resolves names in
erp_core (a list to pick from when several match, buttons to create an unknown
one), asks for the next missing slot itself, and at the end shows the priced
summary with confirm buttons. `affirm` there sets `form_confirmed` and ends the
form; the form's submit action (a `SubmitAction`) then makes the one erp_core
call, with an idempotency key from the conversation and the confirming
message's id, so a repeated webhook never books twice. `stop` at any point, or
a bare "nahi" at the confirmation, ends the form with nothing written; "nahi,
5 kilo" (deny with entities) corrects the slot and confirms again.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction

from actions.base import ShopAction, Turn, turn_language
from actions.choices import Choice, offer
from actions.items import Item, apply_correction, first_number, in_product_unit, merge_items, read_items
from actions.shop import message_metadata, shop_context
from erp_core import catalog, parties
from erp_core.enums import PartyKind, Role
from erp_core.errors import AmbiguousParty, AmbiguousProduct, DomainError, UnknownParty, UnknownProduct
from erp_core.messages import format_decimal, format_money, render
from erp_core.permissions import Permission

FORM_SLOTS = ("form_customer", "form_items", "form_amount", "form_mode", "form_category", "form_confirmed",
              "form_pending")
"""Every slot the book forms use; all are cleared when a form ends."""
CONFIRMED = "form_confirmed"

LABELS = {
    "yes": {"hinglish": "✅ Haan, pakka", "hi": "✅ हाँ, पक्का", "ne": "✅ हो, पक्का", "en": "✅ Yes, confirm"},
    "cancel": {"hinglish": "❌ Cancel", "hi": "❌ रद्द करें", "ne": "❌ रद्द गर्नुहोस्", "en": "❌ Cancel"},
    "create": {"hinglish": "➕ Haan, banao", "hi": "➕ हाँ, बनाइए", "ne": "➕ हो, बनाउनुहोस्", "en": "➕ Yes, add it"},
    "no": {"hinglish": "Nahi", "hi": "नहीं", "ne": "होइन", "en": "No"},
}


def label(name: str, language: str) -> str:
    return LABELS[name][language]


def cleared() -> list[EventType]:
    """Events that clear every form slot."""
    return [SlotSet(slot, None) for slot in FORM_SLOTS]


def closed() -> list[EventType]:
    """Events that clear every form slot and end the form."""
    return [*cleared(), SlotSet(REQUESTED_SLOT, None)]


def confirm(turn: Turn, response: str, **params: Any) -> None:
    """Say `response` with the confirm and cancel buttons."""
    turn.dispatcher.utter_message(response=response, buttons=[
        {"title": label("yes", turn.language), "payload": "/affirm"},
        {"title": label("cancel", turn.language), "payload": "/stop"},
    ], **params)


def payload(intent: str, **entities: str) -> str:
    """A button payload: `/create_order{"customer": "Sharma ji"}`."""
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}"


def idempotency_key(tracker: Tracker, operation: str) -> str:
    """The key of a write confirmed by the latest message: the business, the person, the message id.

    The channel's `message_id` (WhatsApp's wamid) is the same when the webhook
    is delivered again; Rasa's own message id stands in for channels without one.
    """
    metadata = message_metadata(tracker)
    message_id = metadata.get("message_id") or tracker.latest_message.get("message_id") or ""
    conversation = f"{metadata.get('phone_number_id', '')}:{metadata.get('wa_id') or tracker.sender_id}"
    return f"chat:{conversation}:{message_id}:{operation}"


@dataclass(frozen=True)
class Message:
    """What the form needs from the latest user message."""

    intent: str
    entities: list[dict[str, Any]]
    text: str

    @classmethod
    def latest(cls, tracker: Tracker) -> Message:
        latest = tracker.latest_message or {}
        return cls((latest.get("intent") or {}).get("name") or "", latest.get("entities") or [],
                   latest.get("text") or "")

    def value(self, entity: str) -> str | None:
        return next((str(e["value"]) for e in self.entities if e.get("entity") == entity and e.get("value")), None)

    @property
    def is_payload(self) -> bool:
        return self.text.startswith("/")


def looks_like_a_name(message: Message) -> bool:
    """A bare answer to "who?": a few words without numbers, not a button payload.

    >>> looks_like_a_name(Message("nlu_fallback", [], "Mehta ji"))
    True
    >>> looks_like_a_name(Message("check_stock", [], "kitna stock hai Maggi ka?"))
    False
    """
    text = message.text.strip()
    return bool(text) and not message.is_payload and len(text.split()) <= 3 and not any(c.isdigit() for c in text)


class BookForm(FormValidationAction, ABC):
    """`validate_<form>`: one step of a form that ends in a confirmed write."""

    intent: str
    """The intent that starts the form (its payloads fill slots from a list)."""
    permission: Permission
    """Checked before anything is asked: a customer is refused payments, stock, expenses and invoices."""
    needs: tuple[str, ...]
    """The slots to fill, in asking order (before the confirmation)."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        ctx = shop_context(tracker)
        if ctx is None:
            dispatcher.utter_message(response="utter_not_registered")
            return closed()
        turn = Turn(dispatcher, tracker, ctx, turn_language(tracker))
        requested = tracker.get_slot(REQUESTED_SLOT)
        values = {slot: None if requested is None else tracker.get_slot(slot) for slot in FORM_SLOTS}
        message = Message.latest(tracker)
        try:
            ctx.actor.require(self.permission)
            if message.intent == "stop" or (requested == CONFIRMED and message.intent == "deny"
                                            and not message.entities):
                turn.say("utter_form_cancelled")
                return closed()
            next_slot = self.step(turn, values, message, requested)
        except DomainError as error:
            turn.error(error)
            return closed()
        return [SlotSet(slot, value) for slot, value in values.items()] + [SlotSet(REQUESTED_SLOT, next_slot)]

    def step(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> str | None:
        """Fill `values` from `message`, resolve names, and ask for what is next; None when confirmed."""
        pending = values["form_pending"]
        values["form_pending"] = None
        if requested == CONFIRMED and message.intent == "affirm":
            values[CONFIRMED] = True
            return None
        if pending and pending.get("create"):
            if message.intent == "affirm":
                self.create(turn, values, pending)
            elif message.intent == "deny":
                return self.ask(turn, values, pending["slot"])
        if pending and pending.get("pick") is not None and message.value("product"):
            items = list(values["form_items"] or [])
            items[pending["pick"]] = {**items[pending["pick"]], "product": message.value("product")}
            values["form_items"] = items
            message = Message(message.intent, [e for e in message.entities if e.get("entity") != "product"],
                              message.text)
        if turn.ctx.actor.role is Role.CUSTOMER and "form_customer" in self.needs:
            values["form_customer"] = self.own_party(turn)
        self.read(turn, values, message, requested)
        for slot in self.needs:
            asked = self.resolve(turn, values, slot)
            if asked:
                return asked
        missing = next((slot for slot in self.needs if not self.filled(values, slot)), None)
        if missing:
            return self.ask(turn, values, missing)
        values[CONFIRMED] = None
        self.summarise(turn, values)
        return CONFIRMED

    # ------------------------------------------------------------------ reading the message

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        """Copy the message's entities into the slots this form needs (and the requested slot from bare text)."""
        customer = message.value("customer") or message.value("supplier")
        if "form_customer" in self.needs and turn.ctx.actor.role is not Role.CUSTOMER:
            if customer:
                values["form_customer"] = {"query": customer}
            elif requested == "form_customer" and looks_like_a_name(message):
                values["form_customer"] = {"query": message.text.strip()}
        if "form_items" in self.needs:
            new, leftover = read_items(message.entities)
            items = merge_items(list(values["form_items"] or []), new)
            if not new and not leftover and requested == "form_items" and not message.is_payload:
                number = message.value("amount") or first_number(message.text)
                leftover = {"quantity": number} if number else None
            if leftover:
                items = apply_correction(items, leftover)
            values["form_items"] = items or None

    def filled(self, values: dict[str, Any], slot: str) -> bool:
        value = values.get(slot)
        if slot == "form_items":
            return bool(value) and all(item.get("quantity") and item.get("product_id") for item in value)
        if slot == "form_customer":
            return bool(value) and "id" in value
        return value is not None

    def amount(self, message: Message, requested: str | None) -> str | None:
        """An amount from the message; a bare number when the amount is what was asked."""
        found = message.value("amount")
        if found is None and requested == "form_amount" and not message.is_payload:
            found = message.value("quantity") or first_number(message.text)
        return found

    @abstractmethod
    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        """Ask for `slot` and return it (the slot now requested)."""

    @abstractmethod
    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        """Show what will be booked, with the confirm buttons."""

    # ------------------------------------------------------------------ names → records

    def resolve(self, turn: Turn, values: dict[str, Any], slot: str) -> str | None:
        """Resolve the names in `slot`; when a person must choose or allow a new record, ask and return the slot."""
        if slot == "form_customer":
            return self.resolve_customer(turn, values)
        if slot == "form_items":
            return self.resolve_items(turn, values)
        return None

    def party_kind(self) -> PartyKind | None:
        return PartyKind.CUSTOMER

    def resolve_customer(self, turn: Turn, values: dict[str, Any]) -> str | None:
        customer = values["form_customer"]
        if not customer or "id" in customer:
            return None
        query = customer["query"]
        try:
            party = parties.resolve_party(turn.ctx, query, self.party_kind())
        except AmbiguousParty as error:
            values["form_customer"] = None
            offer(turn, render(error, turn.language),
                  [Choice(payload(self.intent, customer=name), name) for name in error.params["candidates"]])
            return "form_customer"
        except UnknownParty as error:
            values["form_customer"] = None
            values["form_pending"] = {"create": "customer", "query": query, "slot": "form_customer"}
            self.offer_create(turn, render(error, turn.language), "utter_offer_create_customer", query)
            return "form_customer"
        values["form_customer"] = {"id": party.id, "name": party.name}
        return None

    def resolve_items(self, turn: Turn, values: dict[str, Any]) -> str | None:
        items: list[Item] = list(values["form_items"] or [])
        for index, item in enumerate(items):
            if item.get("product_id"):
                continue
            try:
                product = catalog.resolve_product(turn.ctx, item["product"])
            except AmbiguousProduct as error:
                values["form_items"] = items
                values["form_pending"] = {"pick": index}
                offer(turn, render(error, turn.language),
                      [Choice(payload(self.intent, product=name), name) for name in error.params["candidates"]])
                return "form_items"
            except UnknownProduct as error:
                values["form_items"] = items
                values["form_pending"] = {"create": "product", "query": item["product"], "slot": "form_items",
                                          "index": index}
                self.offer_create(turn, render(error, turn.language), "utter_offer_create_product", item["product"])
                return "form_items"
            items[index] = {**item, "product_id": product.id, "name": product.name, "product_unit": product.unit.value}
        values["form_items"] = merge_items([], items) or None
        return None

    def offer_create(self, turn: Turn, not_found: str, response: str, name: str) -> None:
        turn.dispatcher.utter_message(response=response, name=name, not_found=not_found, buttons=[
            {"title": label("create", turn.language), "payload": "/affirm"},
            {"title": label("no", turn.language), "payload": "/deny"},
            {"title": label("cancel", turn.language), "payload": "/stop"},
        ])

    def create(self, turn: Turn, values: dict[str, Any], pending: dict[str, Any]) -> None:
        """Add the customer or product the person agreed to create."""
        name = pending["query"].strip()
        key = idempotency_key(turn.tracker, f"{self.name()}:create")
        if pending["create"] == "customer":
            party = parties.add_party(turn.ctx, kind=self.party_kind() or PartyKind.CUSTOMER, name=name,
                                      idempotency_key=key)
            values["form_customer"] = {"id": party.id, "name": party.name}
            return
        items = list(values["form_items"] or [])
        item = items[pending["index"]]
        unit = item.get("unit") or "pcs"
        product = catalog.add_product(turn.ctx, name=name[:1].upper() + name[1:], unit=unit,
                                      selling_price=self.new_product_price(values),
                                      cost_price=values.get("form_amount") or 0, idempotency_key=key)
        items[pending["index"]] = {**item, "product_id": product.id, "name": product.name,
                                   "product_unit": product.unit.value}
        values["form_items"] = items

    def new_product_price(self, values: dict[str, Any]) -> str:
        """The selling price a product created inside this form starts with (the owner sets it later)."""
        return "0"

    def own_party(self, turn: Turn) -> dict[str, Any]:
        """A customer's own party: they order for themselves only.

        A number not yet in the khata orders under its WhatsApp profile name (id None):
        the account is opened when the order is placed (`parties.register_self`).
        """
        party_id = turn.ctx.actor.party_id
        if party_id is None:
            number = str(message_metadata(turn.tracker).get("wa_id") or turn.tracker.sender_id)
            name = str(message_metadata(turn.tracker).get("profile_name") or "").strip()
            return {"id": None, "name": name or f"+{number.lstrip('+')}", "wa_id": number}
        return {"id": party_id, "name": parties.party_details(turn.ctx, party_id).name}


def item_lines(items: list[Item], prices: dict[int, Decimal] | None = None) -> tuple[str, Decimal]:
    """The items as lines for a summary ("10 kg Basmati Chawal × ₹90 = ₹900") and their total."""
    lines, total = [], Decimal(0)
    for item in items:
        qty = quantity_of(item)
        text = f"• {format_decimal(qty)} {item['product_unit']} {item['name']}"
        if prices is not None:
            amount = (qty * prices[item["product_id"]]).quantize(Decimal("0.01"))
            total += amount
            text += f" × {format_money(prices[item['product_id']])} = {format_money(amount)}"
        lines.append(text)
    return "\n".join(lines), total


def quantity_of(item: Item) -> Decimal:
    """The item's quantity in its product's unit."""
    return in_product_unit(item["quantity"], item.get("unit"), item["product_unit"])


def selling_prices(turn: Turn, items: list[Item]) -> dict[int, Decimal]:
    ids = [item["product_id"] for item in items]
    return {p.id: p.selling_price for p in catalog.list_products(turn.ctx, ids=ids, limit=len(ids))}


class SubmitAction(ShopAction, ABC):
    """The action a form's rule runs when the form ends: books the confirmed form, or nothing after a cancel."""

    def act(self, turn: Turn) -> list[EventType]:
        if turn.slot(CONFIRMED) is True:
            self.book(turn, idempotency_key(turn.tracker, self.name()))
        return cleared()

    @abstractmethod
    def book(self, turn: Turn, key: str) -> None:
        """Make the erp_core call with idempotency key `key` and tell the person what was booked."""

    def after_error(self, turn: Turn, error: DomainError) -> list[EventType]:
        return cleared()
