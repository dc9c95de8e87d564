"""BookForm, the one way the bot confirms a write, driven step by step with rasa_sdk Trackers (no Rasa server).

`FormChat` plays Rasa's part: it keeps the slots a step sets, runs the form's
`validate_<form>` action for each message while the form is active, and runs
the submit action once the form ends, as the rules in data/rules.yml do.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from actions import shop as shop_module
from actions.forms import BookForm, SubmitAction
from actions.new_records import ActionAddCustomer, ActionAddProduct, ValidateAddCustomerForm, ValidateAddProductForm
from actions.order_queries import ActionCancelOrder, ValidateCancelOrderForm
from actions.payment_form import ActionRecordPayment, ValidatePaymentForm
from actions.stock_form import ValidateStockForm
from connectors.metadata import ChannelMetadata, Media
from erp_core import catalog, inventory, ledger, orders, parties
from erp_core.context import Context
from erp_core.db import Database
from erp_core.enums import OrderStatus, PartyKind, Role
from erp_core.permissions import Actor
from erp_core.sales import LineIn
from erp_core.tenants import add_tenant, add_user

BUSINESS, OWNER, CUSTOMER = "5550001", "919800000001", "919800000002"
_wamids = itertools.count(1)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    """A shop the action code finds through ERP_DATABASE_URL, as the action server does."""
    url = f"sqlite:///{tmp_path_factory.mktemp('forms') / 'erp.db'}"
    db = Database(url)
    db.migrate()
    tenant = add_tenant(db, phone_number_id=BUSINESS, name="Form Kirana")
    ctx = Context(db, tenant.id, Actor.system())
    add_user(ctx, wa_id=OWNER, role=Role.OWNER, name="owner")
    sharma = parties.add_party(ctx, kind=PartyKind.CUSTOMER, name="Sharma ji", phone=CUSTOMER)
    add_user(ctx, wa_id=CUSTOMER, role=Role.CUSTOMER, party_id=sharma.id)
    product = catalog.add_product(ctx, name="Chawal", unit="kg", selling_price=50, cost_price=40)
    inventory.receive_stock(ctx, product.id, 100, 40)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ERP_DATABASE_URL", url)
        shop_module.database.cache_clear()
        yield ctx
        shop_module.database.cache_clear()
    db.dispose()


class FormChat:
    """One person's conversation with one form, as Rasa would run it."""

    def __init__(self, form: BookForm, submit: SubmitAction, wa_id: str = OWNER, business: str = BUSINESS,
                 secret: str = "") -> None:
        self.form, self.submit, self.wa_id, self.business, self.secret = form, submit, wa_id, business, secret
        self.forged: dict[str, str] | None = None
        """Metadata fields changed after the channel signed them (None: sent as signed; {}: no metadata at all)."""
        self.slots: dict[str, Any] = {"language": "hinglish"}
        self.active = False
        self.said: list[dict[str, Any]] = []
        self.keys: list[str] = []
        self.events: list[dict[str, Any]] = []
        """The user events so far, as the tracker the action server gets holds them."""

    def send(self, text: str, intent: str, message_id: str | None = None, media: Media | None = None,
             caption: str = "", **entities: str) -> list[dict[str, Any]]:
        """One message (with a photo's `media` and `caption`): the form's step, and the submit action when the
        form ended."""
        message_id = message_id or f"wamid.{next(_wamids)}"
        metadata = ChannelMetadata(self.business, self.wa_id, message_id, message_type="image" if media else "text",
                                   media=media, caption=caption).signed(self.secret).to_dict()
        if self.forged is not None:
            metadata = {**metadata, **self.forged} if self.forged else None
        latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "message_id": message_id,
                  "entities": [{"entity": k, "value": v, "start": 0, "end": 1} for k, v in entities.items()],
                  "metadata": metadata}
        self.said = []
        self.active = True
        self.events.append({"event": "user", **latest})
        self._run(self.form, latest)
        if self.slots.get(REQUESTED_SLOT) is None:
            self.active = False
            self._run(self.submit, latest)
        return self.said

    def _run(self, action: Any, latest: dict[str, Any]) -> None:
        tracker = Tracker(f"{self.business}:{self.wa_id}", dict(self.slots), latest, list(self.events), False, None,
                          {"name": self.form.name()[len("validate_"):]} if self.active else {}, "action_listen")
        dispatcher = CollectingDispatcher()
        events = action.run(dispatcher, tracker, {})
        if inspect.isawaitable(events):  # validate actions are async, submit actions are not
            events = asyncio.run(events)
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        self.said += dispatcher.messages

    def responses(self) -> list[str]:
        return [m["response"] or m["text"] for m in self.said]


def buttons(said: list[dict[str, Any]]) -> list[str]:
    return [b["payload"] for m in said for b in m.get("buttons") or []]


def payment_chat(wa_id: str = OWNER, business: str = BUSINESS) -> FormChat:
    return FormChat(ValidatePaymentForm(), ActionRecordPayment(), wa_id, business)


# ---------------------------------------------------------------- the confirm step


def test_a_complete_message_is_summarised_with_confirm_and_cancel_buttons_and_booked_once_on_yes(books):
    chat = payment_chat()
    before = ledger.balance(books, parties.resolve_party(books, "Sharma ji").id).balance
    said = chat.send("Sharma ji ne 500 diye", "record_payment", customer="Sharma ji", amount="500")
    assert chat.responses() == ["utter_confirm_payment"] and buttons(said) == ["/affirm", "/stop"]
    assert chat.slots[REQUESTED_SLOT] == "form_confirmed" and chat.slots["form_amount"] == "500"
    chat.send("haan", "affirm", message_id="wamid.pay-yes")
    assert chat.responses() == ["utter_payment_recorded"]
    after = ledger.balance(books, parties.resolve_party(books, "Sharma ji").id).balance
    assert after == before - Decimal(500)
    assert all(chat.slots[slot] is None for slot in ("form_customer", "form_amount", "form_confirmed"))


def test_the_same_confirming_message_delivered_again_books_nothing_more(books):
    sharma = parties.resolve_party(books, "Sharma ji").id
    first, again = payment_chat(), payment_chat()
    for chat in (first, again):
        chat.send("Sharma ji ne 70 diye", "record_payment", customer="Sharma ji", amount="70")
    before = ledger.balance(books, sharma).balance
    first.send("haan", "affirm", message_id="wamid.redelivered")
    again.send("haan", "affirm", message_id="wamid.redelivered")
    assert ledger.balance(books, sharma).balance == before - Decimal(70)


@pytest.mark.parametrize("text, intent", [("rehne do", "stop"), ("nahi", "deny")])
def test_stop_or_a_bare_no_at_the_confirmation_writes_nothing(books, text, intent):
    chat = payment_chat()
    sharma = parties.resolve_party(books, "Sharma ji").id
    before = ledger.balance(books, sharma).balance
    chat.send("Sharma ji ne 900 diye", "record_payment", customer="Sharma ji", amount="900")
    chat.send(text, intent)
    assert chat.responses() == ["utter_form_cancelled"] and not chat.active
    assert ledger.balance(books, sharma).balance == before


def test_no_with_a_new_value_corrects_and_confirms_again(books):
    chat = payment_chat()
    chat.send("Sharma ji ne 900 diye", "record_payment", customer="Sharma ji", amount="900")
    said = chat.send("nahi, 800", "deny", amount="800")
    assert chat.responses() == ["utter_confirm_payment"] and said[0]["amount"] == "₹800"
    assert chat.slots[REQUESTED_SLOT] == "form_confirmed"


def test_no_with_a_bare_number_the_nlu_left_untagged_corrects_the_forms_number(books):
    chat = payment_chat()
    sharma = parties.resolve_party(books, "Sharma ji").id
    before = ledger.balance(books, sharma).balance
    chat.send("Sharma ji ne 900 diye", "record_payment", customer="Sharma ji", amount="900")
    said = chat.send("nahi, 850", "deny")
    assert chat.responses() == ["utter_confirm_payment"] and said[0]["amount"] == "₹850"
    chat.send("haan", "affirm")
    assert ledger.balance(books, sharma).balance == before - Decimal(850)


def test_only_the_missing_slot_is_asked_and_a_bare_answer_fills_it(books):
    chat = payment_chat()
    chat.send("Sharma ji ne paise diye", "record_payment", customer="Sharma ji")
    assert chat.responses() == ["utter_ask_payment_amount"] and chat.slots[REQUESTED_SLOT] == "form_amount"
    chat.send("1200", "nlu_fallback")
    assert chat.responses() == ["utter_confirm_payment"] and chat.slots["form_amount"] == "1200"


def test_a_bare_number_answers_the_question_even_when_the_nlu_reads_it_as_no(books):
    chat = FormChat(ValidateAddProductForm(), ActionAddProduct())
    chat.send("add Horlicks as a new product", "add_product", product="Horlicks")
    assert chat.responses() == ["utter_ask_new_product_price"] and chat.slots[REQUESTED_SLOT] == "form_amount"
    chat.send("240", "deny")
    assert chat.responses() == ["utter_confirm_add_product"] and chat.slots["form_amount"] == "240"


def test_goods_a_customer_names_are_an_order_whatever_write_the_nlu_read(books):
    def first_step(wa_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        latest = {"text": "5 kilo chawal bhejo", "intent": {"name": "add_stock", "confidence": 0.56},
                  "entities": [{"entity": k, "value": v, "start": 0, "end": 1}
                               for k, v in (("quantity", "5"), ("unit", "kg"), ("product", "chawal"))],
                  "metadata": ChannelMetadata(BUSINESS, wa_id, f"wamid.{next(_wamids)}").to_dict()}
        tracker = Tracker(f"{BUSINESS}:{wa_id}", {"language": "hinglish"}, latest, [], False, None,
                          {"name": "stock_form"}, "action_listen")
        dispatcher = CollectingDispatcher()
        return asyncio.run(ValidateStockForm().run(dispatcher, tracker, {})), dispatcher.messages

    events, said = first_step("919811166001")                 # a customer: no user of the shop
    assert said == [], "no refusal"
    assert events[-1] == {"event": "followup", "timestamp": None, "name": "order_form"}
    [pending] = [e["value"] for e in events if e.get("name") == "form_pending" and e.get("value")]
    assert pending["restart"]["intent"] == "create_order" and pending["restart"]["text"] == "5 kilo chawal bhejo"
    events, said = first_step(OWNER)                          # the shop's own: stock coming in
    assert [m["response"] for m in said] == ["utter_confirm_stock_usual_cost"]


def test_an_unknown_name_is_offered_to_be_created_once_even_when_the_yes_is_processed_twice(books):
    chat = FormChat(ValidatePaymentForm(), ActionRecordPayment())
    said = chat.send("Naveen ji ne 300 diye", "record_payment", customer="Naveen ji", amount="300")
    assert chat.responses() == ["utter_offer_create_customer"] and buttons(said) == ["/affirm", "/deny", "/stop"]
    offered = dict(chat.slots)
    chat.send("haan", "affirm", message_id="wamid.create-naveen")
    chat.slots = offered  # a crash before Rasa saved the turn: the same message is processed again
    said = chat.send("haan", "affirm", message_id="wamid.create-naveen")
    assert len(parties.find_parties(books, "Naveen ji")) == 1
    assert chat.responses() == ["utter_confirm_payment"] and said[0]["customer"] == "Naveen ji"


# ---------------------------------------------------------------- who may write


def test_a_customer_is_refused_before_anything_is_asked(books):
    chat = payment_chat(wa_id=CUSTOMER)
    said = chat.send("Gupta ji ne 500 diye", "record_payment", customer="Gupta ji", amount="500")
    assert said[0]["text"] == "Maaf kijiye, aapko iski permission nahi hai." and not chat.active


def test_an_unregistered_business_number_is_told_so(books):
    chat = payment_chat(business="5559999")
    chat.send("Sharma ji ne 500 diye", "record_payment", customer="Sharma ji", amount="500")
    assert chat.responses()[0] == "utter_not_registered" and not chat.active


# ---------------------------------------------------------------- one-step writes are forms too


def test_cancelling_an_order_is_a_form_with_nothing_to_ask_and_no_is_just_dropped(books):
    sharma = parties.resolve_party(books, "Sharma ji").id
    chawal = catalog.resolve_product(books, "Chawal").id
    order = orders.place_order(books, sharma, [LineIn(product_id=chawal, quantity=Decimal(2))])
    chat = FormChat(ValidateCancelOrderForm(), ActionCancelOrder())
    said = chat.send(f"order {order.number} cancel karo", "cancel_order", order_id=str(order.number))
    assert chat.responses() == ["utter_confirm_cancel_order"] and said[0]["total"] == "₹100"
    chat.send("nahi", "deny")
    assert chat.responses() == ["utter_dropped"]
    assert orders.get_order(books, order.id).status is OrderStatus.CONFIRMED
    chat.send(f"order {order.number} cancel karo", "cancel_order", order_id=str(order.number))
    chat.send("haan", "affirm")
    assert chat.responses() == ["utter_order_cancelled"]
    assert orders.get_order(books, order.id).status is OrderStatus.CANCELLED


def test_an_order_that_cannot_be_cancelled_is_refused_in_the_persons_language(books):
    sharma = parties.resolve_party(books, "Sharma ji").id
    chawal = catalog.resolve_product(books, "Chawal").id
    order = orders.place_order(books, sharma, [LineIn(product_id=chawal, quantity=Decimal(1))])
    orders.transition(books, order.id, OrderStatus.CANCELLED)
    chat = FormChat(ValidateCancelOrderForm(), ActionCancelOrder())
    said = chat.send(f"order {order.number} cancel karo", "cancel_order", order_id=str(order.number))
    assert said[0]["text"] == f"Order {order.number} abhi cancel hai, cancel nahi ho sakta." and not chat.active


def test_adding_a_customer_reads_the_number_as_the_shops_country_writes_it(books):
    chat = FormChat(ValidateAddCustomerForm(), ActionAddCustomer())
    said = chat.send("naya customer Pooja Singh 98765 43210", "add_customer", customer="Pooja Singh 98765 43210")
    assert chat.responses() == ["utter_confirm_add_customer_phone"] and said[0]["phone"] == "919876543210"
    chat.send("haan", "affirm")
    assert chat.responses() == ["utter_customer_added"]
    added = parties.party_details(books, parties.resolve_party(books, "Pooja Singh").id)
    assert added.phone == "919876543210"


def test_a_nepali_shop_keeps_a_nepali_mobile(books):
    tenant = add_tenant(books.db, phone_number_id="5550977", name="Surkhet Pasal", country="NP")
    nepal = Context(books.db, tenant.id, Actor.system())
    add_user(nepal, wa_id="9779841000001", role=Role.OWNER, name="sahu")
    chat = FormChat(ValidateAddCustomerForm(), ActionAddCustomer(), wa_id="9779841000001", business="5550977")
    chat.send("/add_customer", "add_customer")
    assert chat.responses() == ["utter_ask_new_customer_name"]
    said = chat.send("Ram Bahadur ९८४१२३४५६७", "nlu_fallback")
    assert said[0]["phone"] == "9779841234567" and said[0]["customer"] == "Ram Bahadur"


def test_adding_a_product_asks_its_price_until_it_is_a_positive_number_and_counts_it_in_pieces(books):
    chat = FormChat(ValidateAddProductForm(), ActionAddProduct())
    chat.send('/add_product{"product": "pista"}', "add_product", product="pista")
    assert chat.responses() == ["utter_ask_new_product_price"]
    chat.send("0", "nlu_fallback")
    assert chat.responses() == ["utter_ask_new_product_price"]
    said = chat.send("४५०", "nlu_fallback")
    assert chat.responses() == ["utter_confirm_add_product"] and (said[0]["price"], said[0]["unit"]) == ("₹450", "pcs")
    assert buttons(said) == []  # the response's own Haan / Nahi buttons (domain.yml) are added by Rasa
    said = chat.send("haan", "affirm")
    assert chat.responses() == ["utter_product_added"] and said[0]["price"] == "₹450"
    product = catalog.product_details(books, catalog.resolve_product(books, "pista").id)
    assert (product.name, product.selling_price, product.unit.value) == ("pista", Decimal("450.00"), "pcs")


def test_with_no_order_to_cancel_the_form_ends_saying_so(books):
    tenant = add_tenant(books.db, phone_number_id="5550002", name="Nayi Dukaan")
    add_user(Context(books.db, tenant.id, Actor.system()), wa_id="919800000009", role=Role.OWNER, name="new")
    chat = FormChat(ValidateCancelOrderForm(), ActionCancelOrder(), wa_id="919800000009", business="5550002")
    chat.send("mera order cancel karo", "cancel_order")
    assert chat.responses() == ["utter_no_orders"] and not chat.active


# ---------------------------------------------------------------- production: only the channel speaks for people

SECRET = "identity-secret-for-tests"


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HISAAB_ENV", "production")
    monkeypatch.setenv("HISAAB_IDENTITY_SECRET", SECRET)


def test_in_production_an_identity_the_channel_signed_books(books, production):
    sharma = parties.resolve_party(books, "Sharma ji").id
    before = ledger.balance(books, sharma).balance
    chat = FormChat(ValidatePaymentForm(), ActionRecordPayment(), secret=SECRET)
    chat.send("Sharma ji ne 40 diye", "record_payment", customer="Sharma ji", amount="40")
    chat.send("haan", "affirm")
    assert chat.responses() == ["utter_payment_recorded"]
    assert ledger.balance(books, sharma).balance == before - Decimal(40)


@pytest.mark.parametrize("signer, forged", [
    ({"wa_id": "919811111111"}, {"wa_id": OWNER}),             # a stranger's message passed off as the owner's
    ({"business": "5559999"}, {"phone_number_id": BUSINESS}),  # signed for another business
    ({}, {"message_id": "wamid.replayed"}),                     # a signed message id swapped for another
    ({"secret": "a guessed secret"}, {}),                       # signed with the wrong secret
    ({"secret": ""}, {}),                                       # not signed at all
    ({}, None),                                                 # no metadata: no demo owner in production
], ids=["sender", "business", "message id", "wrong secret", "unsigned", "no metadata"])
def test_in_production_a_forged_or_unsigned_identity_is_refused_and_nothing_is_written(books, production, signer,
                                                                                       forged):
    sharma = parties.resolve_party(books, "Sharma ji").id
    before = ledger.balance(books, sharma).balance
    chat = FormChat(ValidatePaymentForm(), ActionRecordPayment(), wa_id=signer.get("wa_id", OWNER),
                    business=signer.get("business", BUSINESS), secret=signer.get("secret", SECRET))
    chat.forged = {} if forged is None else forged
    said = chat.send("Sharma ji ne 40 diye", "record_payment", customer="Sharma ji", amount="40")
    said += chat.send("haan", "affirm")
    assert [m["text"] for m in said] == ["Maaf kijiye, aapko iski permission nahi hai."] * 2
    assert ledger.balance(books, sharma).balance == before
