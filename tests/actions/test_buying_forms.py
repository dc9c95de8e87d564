"""The buying side's forms step by step (no Rasa server), with `FormChat` playing Rasa's part: a purchase on a
supplier's bill (add_stock with a supplier), paying a supplier, goods sent back against a bill; the books are
read back through erp_core and the tax is worked out by hand. The same flows through the real servers, in every
language: tests/actions/test_buying_conversation.py."""

from __future__ import annotations

import asyncio
import doctest
from collections.abc import Iterator
from decimal import Decimal

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from sqlalchemy import select

from actions import buying, stock_form
from actions import shop as shop_module
from actions.expense_form import ValidateExpenseForm
from actions.forms import BookForm, SubmitAction
from actions.payment_form import ValidatePaymentForm
from actions.sale_return_form import ValidateSaleReturnForm
from actions.purchase_return_form import ActionPurchaseReturn, ValidatePurchaseReturnForm
from actions.stock_form import ActionAddStock, ValidateStockForm
from actions.supplier_payment_form import ActionPaySupplier, ValidateSupplierPaymentForm
from connectors.metadata import ChannelMetadata
from erp_core import catalog, inventory, ledger, parties, purchase_reports
from erp_core.context import Context
from erp_core.db import Database
from erp_core.enums import EntryKind, PartyKind, PurchaseKind, Role
from erp_core.ids.gstin import calc_check_character
from erp_core.messages import format_money
from erp_core.models.purchases import PurchaseBill
from erp_core.permissions import Actor
from erp_core.tenants import add_tenant, add_user
from tests.actions.test_forms import FormChat, buttons

BUSINESS, OWNER, STAFF = "5550161", "919800001601", "919800001602"
SHOP_GSTIN = "27AAPFU0939F1ZV"
SUPPLIER_GSTIN = "27AABCG1234H1Z" + calc_check_character("27AABCG1234H1Z")
D = Decimal


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    """A GST-registered shop in Maharashtra buying from a registered supplier in the same state (CGST + SGST)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('buying-forms') / 'erp.db'}"
    db = Database(url)
    db.migrate()
    tenant = add_tenant(db, phone_number_id=BUSINESS, name="Buying Kirana", state="Maharashtra", gstin=SHOP_GSTIN)
    ctx = Context(db, tenant.id, Actor.system())
    add_user(ctx, wa_id=OWNER, role=Role.OWNER, name="owner")
    add_user(ctx, wa_id=STAFF, role=Role.STAFF, name="counter")
    parties.add_party(ctx, kind=PartyKind.SUPPLIER, name="Gupta Traders", gstin=SUPPLIER_GSTIN, state="Maharashtra")
    parties.add_party(ctx, kind=PartyKind.SUPPLIER, name="Naya Wholesale", state="Maharashtra")
    parties.add_party(ctx, kind=PartyKind.CUSTOMER, name="Sharma ji")
    catalog.add_product(ctx, name="Cheeni", unit="kg", selling_price=48, cost_price=40, gst_rate=5, hsn_code="1701")
    catalog.add_product(ctx, name="Surf Excel", unit="packet", selling_price=120, cost_price=100, gst_rate=18,
                        hsn_code="3402")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ERP_DATABASE_URL", url)
        shop_module.database.cache_clear()
        yield ctx
        shop_module.database.cache_clear()
    db.dispose()


def chat_with(form: BookForm, submit: SubmitAction, wa_id: str = OWNER) -> FormChat:
    return FormChat(form, submit, wa_id, BUSINESS)


def owed_to(books: Context, name: str) -> Decimal:
    """What the shop owes the supplier: the negative of the party's khata balance."""
    return -ledger.balance(books, parties.resolve_party(books, name).id).balance


def on_hand(books: Context, name: str) -> Decimal:
    return inventory.stock_of(books, catalog.resolve_product(books, name).id).on_hand


def latest_bill(books: Context, kind: PurchaseKind = PurchaseKind.BILL) -> PurchaseBill:
    with books.read() as session:
        return session.scalars(select(PurchaseBill).where(PurchaseBill.kind == kind)
                               .order_by(PurchaseBill.id.desc())).first()


def test_doctests():
    """The bill number and rate read from a message, the amount shared over goods, the expiry window asked."""
    assert doctest.testmod(stock_form).failed == 0 and doctest.testmod(stock_form).attempted >= 3
    assert doctest.testmod(buying).failed == 0 and doctest.testmod(buying).attempted >= 2


# ---------------------------------------------------------------------- a purchase on the supplier's bill


def test_goods_from_a_named_supplier_ask_the_bill_number_and_payment_then_book_one_bill_with_its_tax(books):
    chat = chat_with(ValidateStockForm(), ActionAddStock())
    chat.send("Gupta Traders se 10 kilo cheeni aayi 450 ka", "add_stock", supplier="Gupta Traders",
              quantity="10", unit="kg", product="cheeni", amount="450")
    assert chat.responses() == ["utter_ask_purchase_bill_number"] and buttons(chat.said) == ["/deny"]
    chat.send("GT-771", "deny")   # a model may read a bare bill number as "no": its digits say it is the number
    assert chat.responses() == ["utter_ask_purchase_paid"]
    assert buttons(chat.said) == [f'/add_stock{{"payment_mode": "{m}"}}' for m in ("cash", "upi", "bank", "credit")]
    chat.send('/add_stock{"payment_mode": "credit"}', "add_stock", payment_mode="credit")
    [summary] = chat.said
    assert summary["response"] == "utter_confirm_purchase" and summary["number"] == "GT-771"
    assert summary["lines"] == "• 10 kg Cheeni × ₹45 = ₹450" and summary["total"] == "₹450"
    before_stock, before_owed = on_hand(books, "Cheeni"), owed_to(books, "Gupta Traders")
    booked = [m["response"] for m in chat.send("haan", "affirm", message_id="wamid.purchase-yes")]
    chat.send("haan", "affirm", message_id="wamid.purchase-yes")  # the confirming message delivered again
    bill = latest_bill(books)
    # ₹450 with 5 % GST in it: 450 × 100 / 105 = 428.5714, CGST = SGST = 2.5 % of it = 10.71 each, taxable
    # value what is left: 450 − 21.42 = 428.58
    assert (bill.bill_number, bill.total, bill.taxable_value) == ("GT-771", D("450.00"), D("428.58"))
    assert (bill.cgst, bill.sgst, bill.igst) == (D("10.71"), D("10.71"), 0) and bill.itc_eligible
    assert on_hand(books, "Cheeni") == before_stock + 10
    assert owed_to(books, "Gupta Traders") == before_owed + 450
    assert booked == ["utter_purchase_recorded_credit", "utter_supplier_owed"]


def test_a_bill_said_in_one_message_with_a_rate_and_cash_asks_nothing_and_pays_at_once(books):
    chat = chat_with(ValidateStockForm(), ActionAddStock())
    chat.send("Gupta Traders se 5 kilo cheeni 44 ke bhav, bill no 992, cash diya", "add_stock",
              supplier="Gupta Traders", quantity="5", unit="kg", product="cheeni", amount="44", payment_mode="cash")
    [summary] = chat.said
    assert summary["response"] == "utter_confirm_purchase" and summary["number"] == "992"
    assert summary["lines"] == "• 5 kg Cheeni × ₹44 = ₹220"
    before = owed_to(books, "Gupta Traders")
    chat.send("haan", "affirm")
    bill = latest_bill(books)
    assert (bill.bill_number, bill.total) == ("992", D("220.00"))
    assert owed_to(books, "Gupta Traders") == before, "paid in cash: the bill and its payment cancel out"
    assert "utter_purchase_recorded_paid" in chat.responses()


def test_one_amount_for_two_goods_is_shared_by_their_usual_cost_and_no_number_gets_one_made(books):
    chat = chat_with(ValidateStockForm(), ActionAddStock())
    chat.send("Gupta Traders se maal aaya", "add_stock", supplier="Gupta Traders")
    assert chat.responses() == ["utter_ask_stock_items"]
    # two products in one message: FormChat carries one entity of a kind, so the items are set as Rasa would
    chat.slots["form_items"] = [{"product": "cheeni", "quantity": "10", "unit": "kg"},
                                {"product": "surf excel", "quantity": "2", "unit": "packet"}]
    chat.send('/add_stock', "add_stock")
    assert chat.responses() == ["utter_ask_purchase_amount"]
    chat.send("720", "nlu_fallback")
    assert chat.responses() == ["utter_ask_purchase_bill_number"]
    chat.send("/deny", "deny")
    chat.send("udhaar", "add_stock", payment_mode="credit")
    [summary] = chat.said
    # usual cost 10 × 40 = 400 and 2 × 100 = 200: ₹720 shared 2 : 1, so 480 and 240, i.e. ₹48 a kg and ₹120 a packet
    assert summary["lines"] == "• 10 kg Cheeni × ₹48 = ₹480\n• 2 packet Surf Excel × ₹120 = ₹240"
    chat.send("haan", "affirm")
    bill = latest_bill(books)
    assert bill.bill_number.startswith("WA-") and bill.total == D("720.00")


def test_goods_without_a_supplier_still_come_in_as_plain_stock(books):
    chat = chat_with(ValidateStockForm(), ActionAddStock())
    bills = latest_bill(books).id
    chat.send("10 kilo cheeni aayi", "add_stock", quantity="10", unit="kg", product="cheeni")
    assert chat.responses() == ["utter_confirm_stock_usual_cost"]
    before = on_hand(books, "Cheeni")
    chat.send("haan", "affirm")
    assert on_hand(books, "Cheeni") == before + 10 and latest_bill(books).id == bills


# ---------------------------------------------------------------------- paying a supplier


def test_paying_a_supplier_lowers_what_the_shop_owes_once(books):
    chat = chat_with(ValidateSupplierPaymentForm(), ActionPaySupplier())
    before = owed_to(books, "Gupta Traders")
    chat.send("Gupta Traders ko 300 upi se diye", "pay_supplier", supplier="Gupta Traders", amount="300",
              payment_mode="upi")
    [summary] = chat.said
    assert (summary["response"], summary["amount"], summary["mode"]) == ("utter_confirm_supplier_payment", "₹300", "upi")
    [paid] = chat.send("haan", "affirm", message_id="wamid.pay-gupta")
    chat.send("haan", "affirm", message_id="wamid.pay-gupta")  # delivered again
    assert owed_to(books, "Gupta Traders") == before - 300
    entries = ledger.statement(books, parties.resolve_party(books, "Gupta Traders").id)
    assert [e.kind for e in entries].count(EntryKind.SUPPLIER_PAYMENT) == 2  # the cash bill's and this one
    assert (paid["response"], paid["owed"]) == ("utter_supplier_paid", format_money(before - 300))


def test_a_missing_amount_is_asked_and_a_customer_is_not_a_supplier(books):
    chat = chat_with(ValidateSupplierPaymentForm(), ActionPaySupplier())
    chat.send("Gupta Traders ko payment kar diya", "pay_supplier", supplier="Gupta Traders")
    assert chat.responses() == ["utter_ask_supplier_payment_amount"] and chat.slots[REQUESTED_SLOT] == "form_amount"
    chat.send("rehne do", "stop")
    assert chat.responses() == ["utter_form_cancelled"]
    chat = chat_with(ValidateSupplierPaymentForm(), ActionPaySupplier())
    chat.send("Sharma ji ko 500 de diye", "pay_supplier", supplier="Sharma ji", amount="500")
    assert chat.responses() == ["utter_offer_create_supplier"], "Sharma ji is a customer: offered as a new supplier"


def test_staff_cannot_pay_suppliers(books):
    chat = chat_with(ValidateSupplierPaymentForm(), ActionPaySupplier(), wa_id=STAFF)
    before = owed_to(books, "Gupta Traders")
    chat.send("Gupta Traders ko 100 de diye", "pay_supplier", supplier="Gupta Traders", amount="100")
    assert chat.slots[REQUESTED_SLOT] is None and "utter_confirm_supplier_payment" not in chat.responses()
    assert owed_to(books, "Gupta Traders") == before


# ---------------------------------------------------------------------- goods sent back


def test_goods_sent_back_make_a_debit_note_against_the_bill_that_brought_them(books):
    chat = chat_with(ValidatePurchaseReturnForm(), ActionPurchaseReturn())
    chat.send("Gupta Traders ko 2 kilo kharab cheeni wapas bheji", "purchase_return", supplier="Gupta Traders",
              quantity="2", unit="kg", product="cheeni", write_off_reason="damaged")
    [summary] = chat.said
    bill = latest_bill(books)  # the last bill with cheeni: ₹720 shared, ₹48 a kg with tax
    assert summary["response"] == "utter_confirm_purchase_return" and summary["number"] == bill.bill_number
    assert summary["lines"] == "• 2 kg Cheeni × ₹48 = ₹96" and summary["reason"] == " (kharab)"
    before_stock, before_owed = on_hand(books, "Cheeni"), owed_to(books, "Gupta Traders")
    for _ in range(2):
        chat.send("haan", "affirm", message_id="wamid.return-gupta")
    note = latest_bill(books, PurchaseKind.DEBIT_NOTE)
    # the bill's line: ₹480 with 5 % in it, taxable 457.14 for 10 kg; 2 kg back: 91.43 + CGST 2.29 + SGST 2.29
    # = 96.01, rounded to the rupee
    assert (note.original_id, note.reason, note.taxable_value) == (bill.id, "damaged", D("91.43"))
    assert (note.cgst, note.sgst, note.total) == (D("2.29"), D("2.29"), D("96.00"))
    assert on_hand(books, "Cheeni") == before_stock - 2
    assert owed_to(books, "Gupta Traders") == before_owed - 96


def test_goods_no_bill_of_the_supplier_brought_in_are_refused_before_asking(books):
    chat = chat_with(ValidatePurchaseReturnForm(), ActionPurchaseReturn())
    before = on_hand(books, "Cheeni")
    chat.send("Naya Wholesale ko 1 kilo cheeni wapas", "purchase_return", supplier="Naya Wholesale",
              quantity="1", unit="kg", product="cheeni")
    assert chat.responses() == ["utter_purchase_return_no_bill"] and chat.slots[REQUESTED_SLOT] is None
    assert on_hand(books, "Cheeni") == before


def test_a_return_without_a_supplier_asks_whose_goods_they_were(books):
    chat = chat_with(ValidatePurchaseReturnForm(), ActionPurchaseReturn())
    chat.send("1 kilo cheeni supplier ko wapas", "purchase_return", quantity="1", unit="kg", product="cheeni")
    assert chat.responses() == ["utter_ask_purchase_return_supplier"]
    chat.send("Gupta Traders", "nlu_fallback")
    assert chat.responses() == ["utter_confirm_purchase_return"]


def test_the_payables_of_the_books_agree_with_the_chat(books):
    """After the bills, payments and the return above: 450 + 720 − 300 − 96 (the cash bill settled itself)."""
    [row] = purchase_reports.payables(books, parties.resolve_party(books, "Gupta Traders").id)
    assert row.owed == D("774.00") == owed_to(books, "Gupta Traders")


@pytest.mark.parametrize("form, intent", [(ValidateExpenseForm(), "add_expense"),
                                          (ValidatePaymentForm(), "record_payment")])
def test_money_to_a_named_supplier_read_as_an_expense_or_a_payment_in_goes_to_the_supplier_payment(books, form,
                                                                                                  intent):
    """"Gupta ko 500 de diye" reads like paying the dhobi (an expense) or like money in; the books know Gupta
    Traders is a supplier, so the supplier payment form takes the message over, entities and all."""
    latest = {"text": "Gupta ko 500 de diye", "intent": {"name": intent, "confidence": 0.6}, "message_id": "wamid.g1",
              "entities": [{"entity": "supplier", "value": "Gupta", "start": 0, "end": 5},
                           {"entity": "amount", "value": "500", "start": 9, "end": 12}],
              "metadata": ChannelMetadata(BUSINESS, OWNER, "wamid.g1").to_dict()}
    dispatcher = CollectingDispatcher()
    events = asyncio.run(form.run(dispatcher, Tracker(f"{BUSINESS}:{OWNER}", {"language": "hinglish"}, latest, [],
                                                      False, None, {}, "action_listen"), {}))
    assert dispatcher.messages == [] and events[-1] == {"event": "followup", "timestamp": None,
                                                        "name": "supplier_payment_form"}
    pending = next(e["value"] for e in events if e.get("name") == "form_pending" and e.get("value"))
    assert pending["restart"]["intent"] == "pay_supplier" and pending["restart"]["text"] == "Gupta ko 500 de diye"
    # the supplier payment form, started by Rasa's FollowupAction, reads the message it was handed
    handed = FormChat(ValidateSupplierPaymentForm(), ActionPaySupplier(), OWNER, BUSINESS)
    handed.slots["form_pending"] = pending
    handed.send("Gupta ko 500 de diye", intent)
    [summary] = handed.said
    assert (summary["response"], summary["supplier"], summary["amount"]) == (
        "utter_confirm_supplier_payment", "Gupta Traders", "₹500")


def test_money_to_a_customer_stays_where_the_nlu_put_it(books):
    chat = FormChat(ValidatePaymentForm(), ActionPaySupplier(), OWNER, BUSINESS)
    chat.send("Sharma ji ne 500 diye", "record_payment", customer="Sharma ji", amount="500")
    assert [m["response"] for m in chat.said] == ["utter_confirm_payment"]


@pytest.mark.parametrize("text", ["sent 2 kg sugar back to Gupta Traders", "Gupta Traders ko 2 kilo cheeni wapas bheji",
                                  "Gupta Traders लाई २ किलो चिनी फिर्ता पठाएँ"])
@pytest.mark.parametrize("form", [ValidateStockForm(), ValidateSaleReturnForm()])
def test_goods_going_back_to_a_supplier_read_as_coming_in_or_a_customer_return_go_to_the_purchase_return(books, text,
                                                                                                         form):
    latest = {"text": text, "intent": {"name": "add_stock", "confidence": 0.57}, "message_id": "wamid.b1",
              "entities": [{"entity": "supplier", "value": "Gupta Traders", "start": 0, "end": 1}],
              "metadata": ChannelMetadata(BUSINESS, OWNER, "wamid.b1").to_dict()}
    events = asyncio.run(form.run(CollectingDispatcher(), Tracker(
        f"{BUSINESS}:{OWNER}", {"language": "hinglish"}, latest, [], False, None, {}, "action_listen"), {}))
    assert events[-1]["name"] == "purchase_return_form"
    assert next(e["value"] for e in events if e.get("name") == "form_pending" and e.get("value"))["restart"][
        "intent"] == "purchase_return"


def test_a_name_several_suppliers_share_is_offered_as_a_list_to_pick_from(books):
    """(Last: it adds a second Gupta.)"""
    parties.add_party(books, kind=PartyKind.SUPPLIER, name="Gupta Brothers", state="Maharashtra")
    chat = chat_with(ValidateSupplierPaymentForm(), ActionPaySupplier())
    chat.send("Gupta ko 200 de diye", "pay_supplier", supplier="Gupta", amount="200")
    assert chat.slots[REQUESTED_SLOT] == "form_customer"
    assert {row["title"] for m in chat.said for section in (m.get("custom") or {}).get("sections", [])
            for row in section.get("rows", [])} | {b["title"] for m in chat.said for b in m.get("buttons") or []} \
        >= {"Gupta Traders", "Gupta Brothers"}
