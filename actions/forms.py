"""Every write the bot makes asks first: a form that fills what is missing, confirms with buttons, then books once.

Each form (`order_form`, `payment_form`, `cancel_order_form`, `add_customer_form`, ...)
is a Rasa form whose `validate_<form>` action (a `BookForm`) does the whole
conversation step: it reads the latest message's entities into the form's slots,
resolves names in erp_core (a list to pick from when several match, buttons to
create an unknown one), asks for the next missing slot itself, and at the end shows
the summary with confirm buttons. `affirm` there sets `form_confirmed` and ends the
form; the form's submit action (a `SubmitAction`) then makes the one erp_core call,
with an idempotency key from the conversation, the confirming message's id and the
operation, so a repeated webhook never books twice. `stop` at any point, or a bare
"nahi" at the confirmation, ends the form with nothing written; "nahi, 5 kilo"
(deny with entities) corrects the slot and confirms again. A one-step write (cancel
an order, undo) is a form with nothing to ask. A question in the middle ("aaj ki bikri?")
is answered and the form asks again; a command for another form offers to drop this one
(actions/interruptions.py).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction

from actions import interruptions
from actions.base import ShopAction, Turn, open_turn
from actions.choices import Choice, offer, payload
from actions.intent_names import intent_name
from actions.items import Item, apply_correction, first_number, merge_items, read_items
from actions.message import NAME_SLOTS, Message, is_bare_number, looks_like_a_name
from actions.phrases import phrase
from actions.shop import channel_metadata
from erp_core import catalog, parties
from erp_core.enums import PartyKind, Role
from erp_core.errors import AmbiguousParty, AmbiguousProduct, DomainError, UnknownParty, UnknownProduct
from erp_core.messages import render
from erp_core.permissions import Permission

FORM_SLOTS = ("form_customer", "form_items", "form_amount", "form_mode", "form_category", "form_order",
              "form_name", "form_phone", "form_kind", "form_unit", "form_entry", "form_confirmed",
              "form_pending", "form_reason", "form_step", "form_period", "form_recipient", "form_settings",
              "form_document")
"""Every slot the book forms use; all are cleared when a form ends."""
CONFIRMED = "form_confirmed"
ORDER_INTENT = "create_order"
"""What a customer can write: goods they ask for are an order."""
_ASKS_FOR = re.compile(r"\bbhej|\bsend\b|\bchahiye|\bchaiye|\bde do\b|\bdedo\b|\bdena\b|\bdeliver|\border\b|"
                       r"\bpathau|\bpathai|\bchahincha|भेज|चाहिए|दे दो|देना|पठाउ|पठाइ|चाहियो|चाहिन्छ|ऑर्डर|अर्डर",
                       re.IGNORECASE)
"""Words of someone asking for goods ("5 kilo chawal bhejo", "मुझे चीनी चाहिए"), not of selling or receiving them."""
ACTION_LISTEN = "action_listen"


def slot_events(values: dict[str, Any], requested: str | None) -> list[EventType]:
    """Events that keep the form's `values` and ask for slot `requested` next (None ends the form)."""
    return [SlotSet(slot, value) for slot, value in values.items()] + [SlotSet(REQUESTED_SLOT, requested)]


def cleared() -> list[EventType]:
    """Events that clear every form slot."""
    return [SlotSet(slot, None) for slot in FORM_SLOTS]


def closed() -> list[EventType]:
    """Events that clear every form slot and end the form."""
    return [*cleared(), SlotSet(REQUESTED_SLOT, None)]


def confirm(turn: Turn, response: str, **params: Any) -> None:
    """Say `response` with the confirm and cancel buttons."""
    turn.dispatcher.utter_message(response=response, buttons=[
        {"title": phrase("confirm", turn.language), "payload": "/affirm"},
        {"title": phrase("cancel", turn.language), "payload": "/stop"},
    ], **params)


def message_key(conversation_id: str, message_id: str) -> str:
    """How the key of every write a message confirmed begins: `chat:<conversation>:<message id>:`."""
    return f"chat:{conversation_id}:{message_id}:"


def idempotency_key(tracker: Tracker, operation: str) -> str:
    """The key of every write the bot makes: `chat:<conversation>:<confirming message id>:<operation>`.

    The channel's message id (WhatsApp's wamid) is the same when the webhook is
    delivered again; Rasa's own message id stands in for channels without one.
    """
    metadata = channel_metadata(tracker)
    message_id = metadata.message_id or tracker.latest_message.get("message_id") or ""
    return message_key(metadata.conversation_id, message_id) + operation


class FormEnded(Exception):
    """Nothing to confirm after all (no order to cancel): say the response named in the exception (with its
    `params`) and end the form."""

    def __init__(self, response: str, **params: Any) -> None:
        super().__init__(response)
        self.params = params


class BookForm(FormValidationAction, ABC):
    """`validate_<form>`: one step of a form that ends in a confirmed write."""

    intent: str
    """The intent that starts the form (its payloads fill slots from a list)."""
    permission: Permission | None
    """Checked before anything is asked (None: erp_core checks at the write, e.g. a customer's own order)."""
    needs: tuple[str, ...]
    """The slots to fill, in asking order (before the confirmation)."""
    cancelled: str = "utter_form_cancelled"
    """What is said when the person stops, or says a bare "no" to the confirmation."""
    number_slot: str | None = None
    """The slot a bare number corrects at the confirmation ("nahi, 38", which the NLU gives no entity): the
    amount, or the quantity of the items (None: a bare "nahi, 38" cancels, as a bare "nahi" does)."""
    hands_suppliers_over: bool = False
    """A form for money going out or coming in (an expense, a payment): a first message naming one of the shop's
    suppliers with an amount ("Balaji ko 5000 de diye") is the shop paying that supplier, whatever the NLU read,
    and goes to `supplier_payment_form` (the supplier's khata is never credited as if they had paid the shop)."""
    text_slots: frozenset[str] = frozenset()
    """Slots a short reply answers whatever intent the NLU reads in it (a supplier's bill number, "GT/889")."""
    done_at_once: str | None = None
    """The submit action of a form that may finish without asking anything (the owner's own statement): run
    directly when the form was started in place of a dropped one, where no rule follows it."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        turn = open_turn(dispatcher, tracker, domain)
        if turn is None:
            return closed()
        ctx = turn.ctx
        requested = tracker.get_slot(REQUESTED_SLOT)
        values = {slot: None if requested is None else tracker.get_slot(slot) for slot in FORM_SLOTS}
        message = Message.latest(tracker)
        replaced = tracker.get_slot("form_pending") if requested is None else None
        ended = closed()
        restarted = bool(replaced and replaced.get("restart"))
        if restarted:
            # started in place of a dropped form: no rule follows a form that ends at once here, so listen
            message = Message(**replaced["restart"])
            ended.append(FollowupAction(ACTION_LISTEN))
        try:
            if requested is None and not restarted and (handed := self.handed_over(turn, message)):
                return handed
            if self.permission is not None:
                ctx.actor.require(self.permission)
            handled = await self.interrupted(turn, values, message, requested, domain)
            if handled is not None:
                return handled
            if self.corrects_a_number(message, requested):
                requested = self.number_slot
            if message.intent == "stop" or (requested == CONFIRMED and message.intent == "deny"
                                            and not message.entities):
                turn.say(self.cancelled)
                return ended
            next_slot = self.step(turn, values, message, requested)
        except FormEnded as ended_early:
            turn.say(str(ended_early), **ended_early.params)
            return ended
        except DomainError as error:
            turn.error(error)
            return ended
        if restarted and next_slot is None and self.done_at_once:
            return [*slot_events(values, next_slot), FollowupAction(self.done_at_once)]
        return slot_events(values, next_slot)

    def handover(self, turn: Turn, message: Message) -> tuple[str, str] | None:
        """The (intent, form) a first message belongs to instead of this form, whatever the NLU read; None when it
        is this form's. Here: goods a customer asks for (an order: "5 kilo chawal bhejo" read as stock coming in),
        and money to one of the shop's suppliers (see `hands_suppliers_over`)."""
        if turn.ctx.actor.role is Role.CUSTOMER and self.intent != ORDER_INTENT and message.value("product") and \
                _ASKS_FOR.search(message.text) and self.permission is not None and \
                not turn.ctx.actor.can(self.permission):
            return ORDER_INTENT, "order_form"   # goods a customer asks for are an order, whatever the NLU read
        name = message.value("supplier") or message.value("customer")
        if not (self.hands_suppliers_over and name and message.value("amount")):
            return None
        try:
            party = parties.resolve_party(turn.ctx, name)
        except DomainError:
            return None
        return ("pay_supplier", "supplier_payment_form") if party.kind is PartyKind.SUPPLIER else None

    def handed_over(self, turn: Turn, message: Message) -> list[EventType] | None:
        """The events that start the form `handover` names with this message (entities and all), or None."""
        found = self.handover(turn, message)
        if found is None:
            return None
        intent, form = found
        restart = {"intent": intent, "entities": message.entities, "text": message.text}
        return [*closed(), SlotSet("form_pending", {"restart": restart}), FollowupAction(form)]

    def corrects_a_number(self, message: Message, requested: str | None) -> bool:
        """Whether `message` is a bare "no, <number>" at the confirmation, correcting `number_slot`."""
        return (requested == CONFIRMED and message.intent == "deny" and not message.entities
                and self.number_slot is not None and first_number(message.text) is not None)

    async def interrupted(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None,
                          domain: dict[str, Any]) -> list[EventType] | None:
        """A question or another command while this form waits (actions/interruptions.py): the events that
        handle it, or None when the message is the form's to read."""
        pending = values["form_pending"] or {}
        if "replace_with" in pending:
            values["form_pending"] = None
            if message.intent == "affirm":
                return [*closed(), SlotSet("form_pending", {"restart": pending["replace_with"]}),
                        FollowupAction(pending["form"])]
            if message.intent == "deny":
                return slot_events(values, self.again(turn, values, requested))
        if requested is None:
            return None
        found = interruptions.interruption(
            message.intent, message.confidence, self.form_name(),
            answers_form=(requested in NAME_SLOTS and looks_like_a_name(message)) or is_bare_number(message)
            or (requested in self.text_slots and len(message.text.split()) <= 2 and not message.is_payload),
            adds_items="form_items" in self.needs and message.value("quantity") is not None)
        if found is None:
            return None
        if found.answer is not None:
            events = await interruptions.answer(found.answer, turn.dispatcher, turn.tracker, domain)
            return events + slot_events(values, self.again(turn, values, requested))
        values["form_pending"] = {"form": found.form, "replace_with": {
            "intent": message.intent, "entities": message.entities, "text": message.text}}
        turn.say("utter_drop_open_form", work=intent_name(self.intent, turn.language),
                 new=intent_name(message.intent, turn.language))
        return slot_events(values, requested)

    def again(self, turn: Turn, values: dict[str, Any], requested: str | None) -> str | None:
        """Ask the form's pending question again (a list to pick from, the confirmation, ...); the slot asked."""
        return self.step(turn, values, Message("", [], ""), requested)

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
            if leftover and not (requested == "form_amount" and not new):  # a bare number answers "how much?"
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

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        """Ask for `slot` and return it (the slot now requested). Forms with something to ask override this."""
        raise NotImplementedError(f"{self.name()} has no question for {slot}")

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
            create = "utter_offer_create_supplier" if self.party_kind() is PartyKind.SUPPLIER else "utter_offer_create_customer"
            self.offer_create(turn, render(error, turn.language), create, query)
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
            {"title": phrase("create", turn.language), "payload": "/affirm"},
            {"title": phrase("no", turn.language), "payload": "/deny"},
            {"title": phrase("cancel", turn.language), "payload": "/stop"},
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
        product = catalog.add_product_as_named(turn.ctx, name, unit=item.get("unit"),
                                               cost_price=values.get("form_amount"),
                                               selling_price=self.new_product_price(values), idempotency_key=key)
        items[pending["index"]] = {**item, "product_id": product.id, "name": product.name,
                                   "product_unit": product.unit.value}
        values["form_items"] = items

    def new_product_price(self, values: dict[str, Any]) -> str | None:
        """The selling price a product created inside this form starts with (None: erp_core's default)."""
        return None

    def own_party(self, turn: Turn) -> dict[str, Any]:
        """A customer's own party: they order for themselves only.

        A number not yet in the khata orders under its WhatsApp profile name (id None):
        the account is opened with the order (`orders.place_own_order`).
        """
        party_id = turn.ctx.actor.party_id
        if party_id is None:
            metadata = channel_metadata(turn.tracker)
            name = metadata.profile_name.strip() or f"+{metadata.wa_id}"
            return {"id": None, "name": name, "wa_id": metadata.wa_id}
        return {"id": party_id, "name": parties.party_details(turn.ctx, party_id).name}


class SubmitAction(ShopAction, ABC):
    """The action a form's rule runs when the form ends: books the confirmed form, or nothing after a cancel
    (the form has said why already)."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if tracker.get_slot(CONFIRMED) is not True:
            return cleared()
        return super().run(dispatcher, tracker, domain)

    def act(self, turn: Turn) -> list[EventType]:
        self.book(turn, idempotency_key(turn.tracker, self.name()))
        return cleared()

    @abstractmethod
    def book(self, turn: Turn, key: str) -> None:
        """Make the erp_core call with idempotency key `key` and tell the person what was booked."""

    def after_error(self, turn: Turn, error: DomainError) -> list[EventType]:
        return cleared()
