"""A photo of a bill becomes an entry: photo → "Bill padh raha hoon…" → the draft as read (party, date, lines,
total, what to check) with *Book it* / *Change* / *Cancel* → changes by chat ("total 1250 hai", "3rd item 10
kilo") → booked once as a purchase (stock in, the supplier's khata) or an expense. The reading and the books
are erp_core's (`erp_core.photos`, `erp_core.bill_photos`); "Balaji ke bill ki photo bhejo" sends a booked
bill's original back.
"""

from __future__ import annotations

import asyncio
import re
from contextvars import ContextVar
from decimal import Decimal
from pathlib import Path
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from actions import photo_changes
from actions.base import ShopAction, Turn, open_turn
from actions.forms import CONFIRMED, BookForm, FormEnded, Message, SubmitAction
from actions.invoice_form import documents_dir
from actions.phrases import phrase
from connectors.metadata import ChannelMetadata
from erp_core import bill_photos, parties, purchases, shop_settings
from erp_core.bill_photos import Draft
from erp_core.enums import PartyKind, PhotoState, Role
from erp_core.errors import DomainError, ValidationError
from erp_core.messages import format_decimal, format_money
from erp_core.permissions import Permission
from erp_core.photos import fields
from erp_core.photos.reading import read_bill

_READ: ContextVar[int | Exception | None] = ContextVar("bill_photo_read", default=None)
"""This request's photo, read aside in a thread before the form's (synchronous) step runs."""
CHANGE_INTENT = "photo_change"
"""The *Change* button's payload: the bot says how to write a change."""
_BILL_NUMBER = re.compile(r"\b([A-Z]{1,6}\s?[/\-]\s?\d{1,8}|\d{2,8})\b", re.IGNORECASE)


def latest_photo(tracker: Tracker) -> ChannelMetadata | None:
    """The metadata of the newest message of this conversation that carried a photo or document."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            metadata = ChannelMetadata.from_dict(event.get("metadata"))
            if metadata is not None and metadata.media is not None:
                return metadata
    return None


def caption_kind(caption: str) -> tuple[str, str | None] | None:
    """What the caption says the photo is: ("expense", category) for "petrol ka bill", "kharcha"; ("purchase",
    None) for "maal aaya", "ye bill chadha do" says nothing either way (None)."""
    for category, words in fields.EXPENSE_WORDS.items():
        if words.search(caption):
            return "expense", category
    change = photo_changes.parse(caption)
    if change is not None and change.field == "kind":
        return change.value, None
    return None


class ValidateBillPhotoForm(BookForm):
    intent = "bill_photo"
    permission = None          # a customer is thanked (read_photo); erp_core checks the rest by the bill's kind
    needs = ("form_document",)

    def name(self) -> str:
        return "validate_bill_photo_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        """The form's step; a draft left without *Book it* (cancelled, or dropped for another command) is marked
        cancelled, so nothing of it is ever booked by a later tap."""
        draft_id = tracker.get_slot("form_document") if tracker.get_slot(REQUESTED_SLOT) else None
        token = _READ.set(await self._read_aside(tracker, domain))
        try:
            events = await super().run(dispatcher, tracker, domain)
        finally:
            _READ.reset(token)
        slots = {event.get("name"): event.get("value") for event in events if event.get("event") == "slot"}
        if draft_id is not None and REQUESTED_SLOT in slots and slots[REQUESTED_SLOT] is None \
                and slots.get(CONFIRMED) is not True:
            turn = open_turn(dispatcher, tracker, domain)
            if turn is not None:
                bill_photos.cancel(turn.ctx, draft_id)
        return events

    async def _read_aside(self, tracker: Tracker, domain: dict[str, Any]) -> int | Exception | None:
        """A new photo read in a worker thread (OCR takes a second or more; the action server serves everyone
        else meanwhile): its draft's id, or why it ends the form (`FormEnded`, a `DomainError`); None when the
        message is no new photo."""
        if Message.latest(tracker).intent != self.intent:
            return None
        turn = open_turn(CollectingDispatcher(), tracker, domain)   # what it says is said by the step itself
        if turn is None:
            return None

        def read() -> int | Exception:
            try:
                return self.read_photo(turn)
            except (FormEnded, DomainError) as ended:
                return ended

        return await asyncio.to_thread(read)

    async def interrupted(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None,
                          domain: dict[str, Any]) -> list[EventType] | None:
        if requested is not None and (message.intent in (self.intent, CHANGE_INTENT)
                                      or photo_changes.parse(message.text) is not None):
            return None          # a change, the Change button, or a new photo: the form's own to read
        return await super().interrupted(turn, values, message, requested, domain)

    def step(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> str | None:
        """As every form's step, but *Book it* on a bill that does not add up says so and waits for a change."""
        if requested == CONFIRMED and message.intent == "affirm" and values["form_document"] is not None:
            draft = bill_photos.get(turn.ctx, values["form_document"])
            figures = bill_photos.disagreement(draft)
            if figures is not None:
                turn.say("utter_photo_does_not_add_up", figures=format_money(figures),
                         total=format_money(draft.total or Decimal(0)))
                return CONFIRMED
        return super().step(turn, values, message, requested)

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        if requested is None or message.intent == self.intent:
            done = _READ.get()
            if isinstance(done, Exception):
                raise done
            replaced = values["form_document"]
            values["form_document"] = done if done is not None else self.read_photo(turn)
            if replaced is not None and replaced != values["form_document"]:
                bill_photos.cancel(turn.ctx, replaced)     # a new photo while a draft waited: the new one counts
            return
        if message.intent == CHANGE_INTENT:
            values["form_pending"] = {"explain": True}
            return
        change = photo_changes.parse(message.text)
        if change is None:
            if requested == CONFIRMED and message.text.strip():
                values["form_pending"] = {"explain": True}
            return
        draft = bill_photos.get(turn.ctx, values["form_document"])
        line = len(draft.lines) if change.line == -1 else change.line
        if line is not None and not 1 <= line <= len(draft.lines):
            turn.say("utter_photo_no_such_line", line=str(line), count=str(len(draft.lines)))
            return
        try:
            bill_photos.change(turn.ctx, draft.id, change.field, change.value, line=line)
        except ValidationError as error:     # said, and the draft shown again
            turn.error(error)

    def read_photo(self, turn: Turn) -> int:
        """The draft of the photo just sent (read once per photo message), or `FormEnded` with why not."""
        ctx = turn.ctx
        if ctx.actor.role is Role.CUSTOMER:
            raise FormEnded("utter_photo_from_customer")
        photo = latest_photo(turn.tracker)
        if photo is None or not photo.media.path:
            raise FormEnded("utter_photo_unreadable")
        draft = bill_photos.by_message(ctx, photo.message_id)
        if draft is None:
            try:
                reading = read_bill(photo.media.path, shop_settings.shop_settings(ctx).country.value)
            except (OSError, ValueError) as error:
                raise FormEnded("utter_photo_unreadable") from error
            if not reading.readable:
                raise FormEnded("utter_photo_unreadable")
            said = caption_kind(photo.caption)
            if said is not None:
                reading.kind, reading.category = said[0], said[1] or reading.category
            draft = bill_photos.keep(ctx, message_id=photo.message_id, photo=Path(photo.media.path),
                                     reading=reading, store=documents_dir())
        twin = draft if draft.state is PhotoState.BOOKED else bill_photos.already_booked(ctx, draft.id)
        if twin is not None:
            raise FormEnded("utter_photo_already_booked", party=twin.party or "-", number=twin.invoice_no or "-",
                            total=format_money(twin.total or Decimal(0)))
        return draft.id

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        pending = values["form_pending"] or {}
        values["form_pending"] = None
        if pending.get("explain"):
            turn.say("utter_ask_photo_change")
            return
        show_draft(turn, bill_photos.get(turn.ctx, values["form_document"]))


def _line(turn: Turn, number: int, line: bill_photos.DraftLine) -> str:
    name = line.product_name or line.name or phrase("photo_unread_name", turn.language)
    new = "" if line.product_id or not line.name else f" ({phrase('photo_new', turn.language)})"
    return (f"{number}. {name}{new}: {format_decimal(line.quantity)} {line.unit} × {format_money(line.rate)} = "
            f"{format_money(line.amount)}")


def _to_check(turn: Turn, draft: Draft) -> str:
    """"⚠️ Check: total, date" for what was read unsure or did not add up; "" when all agrees."""
    names = [name for name in draft.unsure if name in ("total", "date", "party", "invoice_no", "lines", "gstin")]
    if draft.problems and "total" not in names:
        names.append("total")
    if not names:
        return ""
    return "\n⚠️ " + phrase("photo_check", turn.language, fields=", ".join(
        phrase(f"photo_field_{name}", turn.language) for name in names))


def show_draft(turn: Turn, draft: Draft) -> None:
    """The draft as read, with Book it / Change / Cancel."""
    buttons = [{"title": phrase("photo_book", turn.language), "payload": "/affirm"},
               {"title": phrase("photo_change", turn.language), "payload": f"/{CHANGE_INTENT}"},
               {"title": phrase("cancel", turn.language), "payload": "/stop"}]
    common = {"party": draft.party or phrase("photo_unread_name", turn.language),
              "date": draft.date.strftime("%d/%m/%Y") if draft.date else "-",
              "total": format_money(draft.total) if draft.total is not None else "-", "check": _to_check(turn, draft)}
    if draft.kind == "expense":
        turn.dispatcher.utter_message(response="utter_photo_draft_expense", buttons=buttons,
                                      category=draft.category or "other", **common)
        return
    new_party = "" if draft.party_id else f" ({phrase('photo_new_supplier', turn.language)})"
    turn.dispatcher.utter_message(
        response="utter_photo_draft_purchase", buttons=buttons, new_party=new_party, number=draft.invoice_no or "-",
        tax=format_money(draft.tax_total or Decimal(0)),
        lines="\n".join(_line(turn, number, line) for number, line in enumerate(draft.lines, 1)) or "-", **common)


class ActionBookBillPhoto(SubmitAction):
    def name(self) -> str:
        return "action_book_bill_photo"

    def book(self, turn: Turn, key: str) -> None:
        draft = bill_photos.book(turn.ctx, turn.slot("form_document"), idempotency_key=key)
        if draft.ref_type == "expense":
            turn.say("utter_photo_booked_expense", category=draft.category or "other",
                     total=format_money(draft.total or Decimal(0)))
            return
        owed = ""
        if turn.ctx.actor.can(Permission.VIEW_PAYABLES):
            bill = purchases.get_purchase(turn.ctx, draft.ref_id)
            owed = "\n" + phrase("photo_owed", turn.language, party=bill.supplier_name, owed=format_money(bill.owed))
        turn.say("utter_photo_booked_purchase", party=draft.party or "-", number=draft.invoice_no or "-",
                 total=format_money(draft.total or Decimal(0)), count=str(len(draft.lines)), owed=owed)


class ActionSendBillPhoto(ShopAction):
    """"Balaji ke bill ki photo bhejo", "bill GT/889 ki photo": the original photo of a booked bill."""

    def name(self) -> str:
        return "action_send_bill_photo"

    def act(self, turn: Turn) -> list[EventType]:
        turn.ctx.actor.require(Permission.VIEW_PAYABLES)
        name = turn.entity("supplier") or turn.entity("customer")
        supplier_id = None
        if name:
            supplier_id = parties.resolve_party(turn.ctx, name, PartyKind.SUPPLIER).id
        number = _bill_number(turn.tracker.latest_message.get("text") or "")
        draft = bill_photos.latest_booked(turn.ctx, supplier_id=supplier_id, bill_number=number)
        path = bill_photos.path_of(turn.ctx, draft.id)
        caption = " · ".join(part for part in (draft.party, draft.invoice_no, format_money(draft.total or Decimal(0))) if part)
        turn.dispatcher.utter_message(json_message={"type": "image" if path.suffix != ".pdf" else "document",
                                                    "path": str(path), "caption": caption,
                                                    **({"filename": path.name} if path.suffix == ".pdf" else {})})
        return []


def _bill_number(text: str) -> str | None:
    """The bill number named after "bill"/"बिल" ("bill GT/889 ki photo"), if any."""
    found = re.search(r"(?:bill|invoice|बिल|बील)\s*(?:no\.?|number|नं\.?)?\s*" + _BILL_NUMBER.pattern, text,
                      re.IGNORECASE)
    return found.group(1).replace(" ", "") if found else None
