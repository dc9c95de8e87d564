"""The buying side through the real Rasa server and action server (`rasa_stack`), in Hinglish, Hindi, Nepali
(both scripts) and English: goods on a supplier's bill, paying a supplier (the shop pays: the other direction
from a customer's payment), what the shop owes, goods sent back, stock about to expire and the month's GST.
Every test reads the books back through erp_core; tax figures are worked out by hand in the comments.

Each test speaks as a new owner (its own conversation); the staff member is the shop's own.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from erp_core import check, parties, purchases
from erp_core.columns import utcnow
from erp_core.enums import PartyKind, Role
from erp_core.ids.gstin import calc_check_character
from erp_core.messages import format_money
from erp_core.purchases import PurchaseLineIn
from erp_core.tenants import add_user
from tests.actions.test_book_forms import buttons, texts
from tests.shop_stack import Shop, Stack

STAFF_WA_ID = "919700016002"
GSTIN = "27AABCM5678K1Z" + calc_check_character("27AABCM5678K1Z")
"""Mahalaxmi Traders, a registered supplier in the shop's state: its bills carry CGST and SGST the shop claims."""
D = Decimal


@pytest.fixture(scope="module")
def shop(rasa_stack: Stack) -> Shop:
    """The demo shop (GST-registered in Maharashtra, buying from Balaji Traders unregistered), with a registered
    supplier, a staff member, and a bill from Balaji that brought in sugar and a batch of Dolo about to expire."""
    shop = rasa_stack.new_shop()
    add_user(shop.ctx, wa_id=STAFF_WA_ID, role=Role.STAFF, name="staff")
    parties.add_party(shop.ctx, kind=PartyKind.SUPPLIER, name="Mahalaxmi Traders", gstin=GSTIN, state="Maharashtra")
    balaji = shop.party("Balaji Traders").id
    soon = (utcnow() + timedelta(days=20)).date()
    purchases.record_purchase(shop.ctx, balaji, [
        PurchaseLineIn(product_id=shop.product("Cheeni").id, quantity=D(20), unit_price=D(40)),
        PurchaseLineIn(product_id=shop.product("Parle-G Biscuit").id, quantity=D(30), unit_price=D(4),
                       batch_no="PG2611", expiry_date=soon)], bill_number="BT-1001")
    return shop


def owed_to(shop: Shop, name: str) -> Decimal:
    """What the shop owes a supplier: the negative of their khata balance."""
    return -shop.balance(name)


# ---------------------------------------------------------------------- what the shop owes (first: nothing paid yet)


def test_what_the_shop_owes_one_supplier_by_age_and_all_suppliers(shop):
    """Before any payment: Balaji's bill BT-1001 (20 kg at 40 and 30 packets at 4, no GST) is owed, ₹920."""
    wa_id = shop.owner()
    owed = owed_to(shop, "Balaji Traders")
    assert owed == 920
    one = texts(shop.say(wa_id, "Balaji traders ko kitna dena hai"))
    assert f"Balaji Traders ko {format_money(owed)} dena hai" in one and "0-30 din" in one
    every = texts(shop.say(wa_id, "सप्लायरों का कुल कितना बकाया है"))
    assert "Balaji Traders" in every and format_money(owed) in every


# ---------------------------------------------------------------------- paying a supplier


@pytest.mark.parametrize("message, supplier, amount, asked, done", [
    ("Balaji ko 5000 de diye", "Balaji Traders", 5000, "Unke khate mein likh doon?", "likh liya"),
    ("मैंने बालाजी ट्रेडर्स को 1200 रुपये चुका दिए", "Balaji Traders", 1200, "उनके खाते में लिख दूँ?", "लिख लिया"),
    ("Balaji Traders lai 800 cash tiryo", "Balaji Traders", 800, "khata ma lekhne?", "lekhiyo"),
    ("paid 2500 to Balaji Traders by cheque", "Balaji Traders", 2500, "Record it?", "Recorded"),
], ids=["hinglish", "hi", "ne_roman", "en"])
def test_paying_a_supplier_is_confirmed_then_lowers_what_the_shop_owes(shop, message, supplier, amount, asked,
                                                                       done):
    wa_id = shop.owner()
    before = owed_to(shop, supplier)
    confirm = shop.say(wa_id, message)
    assert asked in texts(confirm) and format_money(D(amount)) in texts(confirm)
    assert buttons(confirm) == ["/affirm", "/stop"] and owed_to(shop, supplier) == before
    booked = texts(shop.say(wa_id, "/affirm"))
    assert done in booked
    assert owed_to(shop, supplier) == before - amount, "the shop paid: it owes less (a customer paying would owe less)"


def test_a_customer_paying_the_shop_is_still_a_customer_payment(shop):
    """The same words in the other direction: "ne ... diye" is money in, to the customer's khata."""
    wa_id = shop.owner()
    customer = parties.list_parties(shop.ctx, kind=PartyKind.CUSTOMER)[0].name
    before_customer, before_supplier = shop.balance(customer), owed_to(shop, "Balaji Traders")
    confirm = texts(shop.say(wa_id, f"{customer} ne 300 diye"))
    assert "mile" in confirm
    shop.say(wa_id, "/affirm")
    assert shop.balance(customer) == before_customer - 300 and owed_to(shop, "Balaji Traders") == before_supplier


# ---------------------------------------------------------------------- goods on a supplier's bill


def test_goods_on_a_suppliers_bill_ask_its_number_and_payment_then_book_stock_tax_and_payable(shop):
    wa_id = shop.owner()
    stock, owed = shop.on_hand("Cheeni"), owed_to(shop, "Mahalaxmi Traders")
    tax_before = gst_credit(shop, wa_id)
    asked = shop.say(wa_id, "Mahalaxmi Traders se 10 kilo cheeni aayi 420 ka")
    assert "bill ka number" in texts(asked) and buttons(asked) == ["/deny"]
    paid = shop.say(wa_id, "MT-208")
    assert "abhi diye ya udhaar" in texts(paid) and len(buttons(paid)) == 4
    confirm = texts(shop.say(wa_id, next(b for b in buttons(paid) if "credit" in b)))
    assert "bill MT-208" in confirm and "10 kg Cheeni × ₹42 = ₹420" in confirm
    assert shop.on_hand("Cheeni") == stock, "nothing is booked before the confirmation"
    booked = texts(shop.say(wa_id, "/affirm"))
    # ₹420 with 5 % GST in it: 420 × 100 / 105 = 400, CGST = SGST = 2.5 % of 400 = ₹10: input credit ₹20
    assert "MT-208" in booked and "₹20" in booked
    assert shop.on_hand("Cheeni") == stock + 10 and owed_to(shop, "Mahalaxmi Traders") == owed + 420
    assert gst_credit(shop, wa_id) == tax_before + 20


def gst_credit(shop: Shop, wa_id: str) -> Decimal:
    """The input tax credit the bot reports for this month, asked in chat."""
    said = texts(shop.say(wa_id, "is mahine ka GST kitna banega"))
    line = next(line for line in said.splitlines() if line.startswith("Input tax credit"))
    return D(line.split("₹")[1].replace(",", ""))


# ---------------------------------------------------------------------- payables, returns, expiry, tax


@pytest.mark.parametrize("message, refusal", [
    ("Balaji traders ko kitna dena hai", "permission nahi"),
    ("how much GST do we owe this month", "not allowed"),
], ids=["payables", "gst"])
def test_staff_see_neither_payables_nor_gst(shop, message, refusal):
    said = texts(shop.say(STAFF_WA_ID, message))
    assert refusal in said and "₹" not in said


@pytest.mark.parametrize("message", ["sent 3 kg sugar back to Balaji Traders", "gave back 3 kg sugar to Balaji Traders"])
def test_goods_going_back_read_as_coming_in_or_as_a_customer_return_still_make_a_debit_note(shop, message):
    """The NLU reads these as stock received or a customer's return; the forms see Balaji Traders is a supplier
    and the goods go back to them."""
    wa_id = shop.owner()
    stock, owed = shop.on_hand("Cheeni"), owed_to(shop, "Balaji Traders")
    confirm = texts(shop.say(wa_id, message))
    assert "Back to Balaji Traders (on bill BT-1001)" in confirm and "3 kg Cheeni × ₹40 = ₹120" in confirm
    assert "Debit note DN-" in texts(shop.say(wa_id, "/affirm"))
    assert shop.on_hand("Cheeni") == stock - 3 and owed_to(shop, "Balaji Traders") == owed - 120


def test_goods_sent_back_to_a_supplier_make_a_debit_note_in_english(shop):
    wa_id = shop.owner()
    stock, owed = shop.on_hand("Cheeni"), owed_to(shop, "Balaji Traders")
    confirm = texts(shop.say(wa_id, "returned 2 kg sugar to Balaji Traders, the bags were damaged"))
    # Balaji's bill BT-1001 (no GST: an unregistered supplier) brought sugar at ₹40 a kg
    assert "bill BT-1001" in confirm and "2 kg Cheeni × ₹40 = ₹80" in confirm and "(damaged)" in confirm
    booked = texts(shop.say(wa_id, "/affirm"))
    assert "Debit note DN-" in booked
    assert shop.on_hand("Cheeni") == stock - 2 and owed_to(shop, "Balaji Traders") == owed - 80


@pytest.mark.parametrize("message, heading", [
    ("कुन सामानको म्याद छिट्टै सकिँदैछ", "म्याद सकिने"),
    ("agle 60 din me kaunsa maal expire hoga", "Agle 60 din mein expire"),
], ids=["ne", "hinglish"])
def test_stock_about_to_expire_lists_the_batch(shop, message, heading):
    said = texts(shop.say(shop.owner(), message))
    assert heading in said and "Parle-G Biscuit" in said and "PG2611" in said


def test_the_months_gst_in_hindi_names_output_credit_and_what_to_pay(shop):
    said = texts(shop.say(shop.owner(), "इस महीने कितना जीएसटी भरना पड़ेगा"))
    assert "बिक्री पर टैक्स" in said and "इनपुट टैक्स क्रेडिट" in said
    assert ("भरना है" in said) != ("कुछ नहीं भरना" in said)


def test_a_balance_check_after_the_buying_day_is_clean(shop):
    """`bot check` over the books: every stock, batch and khata balance agrees with its ledger."""
    report = check.check_tenant(shop.ctx.db, shop.ctx.tenant_id)
    assert report.problems == [] and report.parties > 0 and report.products > 0
