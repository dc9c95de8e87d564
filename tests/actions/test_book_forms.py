"""The forms that write to the books, through the real Rasa server and action server.

One Rasa server for the test session (a start costs ~50 s) and a shop of the module's own; each test speaks
as its own WhatsApp number so conversations never mix, and checks the books through
erp_core, not only the replies.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from erp_core import catalog, expenses, inventory, invoice_views, ledger, orders, parties, upi
from erp_core.demo import CUSTOMERS, DEMO_STAFF_WA_ID
from erp_core.enums import OrderStatus
from erp_core.periods import shop_period
from tests.shop_stack import Shop, Stack, buttons, texts

SHARMA_WA_ID = CUSTOMERS[0][1]


def options(replies: list[dict]) -> list[str]:
    """The payloads a person can tap: reply buttons, or the rows of a list message."""
    rows = [row["id"] for c in custom(replies, "list") for section in c["sections"] for row in section["rows"]]
    return buttons(replies) + rows


def custom(replies: list[dict], kind: str) -> list[dict]:
    return [r["custom"] for r in replies if (r.get("custom") or {}).get("type") == kind]


@pytest.fixture(scope="module")
def shop(rasa_stack: Stack) -> Shop:
    return rasa_stack.new_shop().with_look_alikes()


# ---------------------------------------------------------------------- orders


@pytest.mark.parametrize("message, customer, product, qty, confirm_text", [
    ("Sharma ji ko 10 kilo chawal bhejo", "Sharma ji", "Basmati Chawal", 10, "Pakka karein?"),
    ("गुप्ता जी को 5 किलो चीनी भेज दो", "Gupta ji", "Cheeni", 5, "पक्का करें?"),
    ("गुप्ता जी लाई ३ किलो दाल पठाइदिनुस्", "Gupta ji", "Toor Dal", 3, "पक्का गर्ने?"),
    ("send 4 packets of parle g to Iyer Madam", "Iyer Madam", "Parle-G Biscuit", 4, "Confirm?"),
])
def test_an_order_is_confirmed_then_placed_in_each_language(shop, message, customer, product, qty, confirm_text):
    wa_id = shop.owner()
    before = len(shop.orders_of(customer))
    reserved = inventory.stock_of(shop.ctx, shop.product(product).id).reserved
    asked = shop.say(wa_id, message)
    assert confirm_text in texts(asked) and product in texts(asked)
    assert buttons(asked) == ["/affirm", "/stop"]
    assert len(shop.orders_of(customer)) == before, "nothing is booked before the confirmation"
    done = shop.say(wa_id, "/affirm")
    placed = shop.orders_of(customer)[-1]
    assert len(shop.orders_of(customer)) == before + 1
    assert placed.status is OrderStatus.CONFIRMED
    assert [(line.name, line.quantity) for line in placed.lines] == [(product, Decimal(qty))]
    assert f"#{placed.number}" in texts(done)
    assert inventory.stock_of(shop.ctx, shop.product(product).id).reserved == reserved + qty


def test_only_the_missing_slots_are_asked_and_a_correction_reconfirms(shop):
    wa_id = shop.owner()
    before = len(shop.orders_of("Gupta ji"))
    assert texts(shop.say(wa_id, "/create_order")) == "Who is the order for?"
    asked = texts(shop.say(wa_id, "Gupta ji"))
    assert "Kya chahiye" in asked
    first = texts(shop.say(wa_id, "10 kilo cheeni bhejna hai"))
    assert "10 kg Cheeni" in first and "Pakka karein?" in first
    corrected = texts(shop.say(wa_id, "nahi, 5 kilo"))
    assert "5 kg Cheeni" in corrected and "10 kg" not in corrected
    added = texts(shop.say(wa_id, "aur 2 packet maggi"))
    assert "5 kg Cheeni" in added and "2 packet Maggi Noodles 70g" in added
    shop.say(wa_id, "haan")
    placed = shop.orders_of("Gupta ji")
    assert len(placed) == before + 1
    assert sorted((line.name, line.quantity) for line in placed[-1].lines) == [
        ("Cheeni", Decimal(5)), ("Maggi Noodles 70g", Decimal(2))]


def test_a_missing_quantity_is_asked_and_a_bare_number_answers_it(shop):
    wa_id = shop.owner()
    before = len(shop.orders_of("Sharma ji"))
    asked = shop.say(wa_id, "Sharma ji ko chawal bhejo")
    assert texts(asked) == "Basmati Chawal kitna?"
    confirm = texts(shop.say(wa_id, "10"))
    assert "10 kg Basmati Chawal × ₹90 = ₹900" in confirm
    shop.say(wa_id, "haan")
    assert len(shop.orders_of("Sharma ji")) == before + 1
    assert shop.orders_of("Sharma ji")[-1].total == Decimal(900)


def test_stop_cancels_with_nothing_written(shop):
    wa_id = shop.owner()
    before = shop.balance("Verma ji")
    asked = shop.say(wa_id, '/record_payment{"customer": "Verma ji", "amount": "400"}')
    assert "Khate mein likh doon?" in texts(asked)
    cancelled = texts(shop.say(wa_id, "rehne do"))
    assert "cancel kar diya" in cancelled
    shop.say(wa_id, "/affirm")
    assert shop.balance("Verma ji") == before
    orders_before = len(shop.orders_of("Verma ji"))
    shop.say(wa_id, '/create_order{"customer": "Verma ji", "product": "dal", "quantity": "1"}')
    shop.say(wa_id, "nahi")
    assert len(shop.orders_of("Verma ji")) == orders_before


def test_stop_in_hindi_mid_form(shop):
    wa_id = shop.owner()
    before = len(shop.orders_of("Gupta ji"))
    asked = texts(shop.say(wa_id, "गुप्ता जी को 5 किलो चीनी भेज दो"))
    assert "पक्का करें?" in asked
    assert texts(shop.say(wa_id, "रहने दो")) == "ठीक है, रद्द कर दिया। कुछ नहीं लिखा।"
    assert len(shop.orders_of("Gupta ji")) == before


def test_an_ambiguous_product_is_picked_from_a_list(shop):
    wa_id = shop.owner()
    before = len(shop.orders_of("Iyer Madam"))
    replies = shop.say(wa_id, '/create_order{"customer": "Iyer Madam", "product": "good day", "quantity": "3"}')
    payloads = options(replies)
    assert len(payloads) == 2 and "Good Day Cashew" in str(payloads)
    butter = next(p for p in payloads if "Good Day Butter" in p)
    confirmed = texts(shop.say(wa_id, butter))
    assert "3 packet Good Day Butter" in confirmed
    shop.say(wa_id, "/affirm")
    [line] = shop.orders_of("Iyer Madam")[-1].lines
    assert len(shop.orders_of("Iyer Madam")) == before + 1 and (line.name, line.quantity) == ("Good Day Butter", 3)


def test_an_unknown_customer_is_offered_and_created_on_yes(shop):
    wa_id = shop.owner()
    offered = shop.say(wa_id, "Mehta ji ne 700 rupaye diye")
    assert "Mehta" in texts(offered) and "/affirm" in buttons(offered)
    assert parties.find_parties(shop.ctx, "Mehta ji") == []
    confirm = texts(shop.say(wa_id, "/affirm"))
    assert "₹700" in confirm
    shop.say(wa_id, "/affirm")
    assert shop.balance("Mehta ji") == Decimal("-700.00")


def test_an_unknown_product_is_created_on_yes_with_the_stock_that_came(shop):
    wa_id = shop.owner()
    offered = shop.say(wa_id, '/add_stock{"product": "pista", "quantity": "5", "unit": "kg", "amount": "900"}')
    assert "pista" in texts(offered) and buttons(offered) == ["/affirm", "/deny", "/stop"]
    assert catalog.find_products(shop.ctx, "pista") == []
    confirm = texts(shop.say(wa_id, "/affirm"))
    assert "5 kg Pista" in confirm and "₹900" in confirm
    shop.say(wa_id, "/affirm")
    pista = shop.product("pista")
    assert (pista.name, pista.unit.value, shop.on_hand("pista")) == ("Pista", "kg", Decimal(5))


# ---------------------------------------------------------------------- payments


@pytest.mark.parametrize("message, customer, amount, done_text", [
    ("Sharma ji ne 500 diye", "Sharma ji", 500, "likh liya"),
    ("शर्मा जी ने 300 रुपये दिए", "Sharma ji", 300, "लिख लिया"),
    ("शर्मा जीले २०० रुपैयाँ दिनुभयो", "Sharma ji", 200, "लेखियो"),
    ("Verma ji paid 150 rupees by upi", "Verma ji", 150, "Recorded"),
])
def test_a_payment_is_booked_in_each_language(shop, message, customer, amount, done_text):
    wa_id = shop.owner()
    before = shop.balance(customer)
    asked = shop.say(wa_id, message)
    assert buttons(asked) == ["/affirm", "/stop"] and f"₹{amount}" in texts(asked)
    done = texts(shop.say(wa_id, "/affirm"))
    assert done_text in done
    assert shop.balance(customer) == before - amount


def test_a_repeated_confirmation_message_id_books_once(shop):
    wa_id = shop.owner()
    before = shop.balance("Gupta ji")
    payments = len(ledger.list_payments(shop.ctx, party_id=shop.party("Gupta ji").id, limit=1000))
    for _ in range(2):
        shop.say(wa_id, '/record_payment{"customer": "Gupta ji", "amount": "250"}', message_id="wamid.first")
        shop.say(wa_id, "/affirm", message_id="wamid.confirm-250")
    assert shop.balance("Gupta ji") == before - 250
    assert len(ledger.list_payments(shop.ctx, party_id=shop.party("Gupta ji").id, limit=1000)) == payments + 1
    for _ in range(2):  # without the channel's id, Rasa's own message id tells two confirmations apart
        shop.say(wa_id, '/record_payment{"customer": "Gupta ji", "amount": "250"}')
        shop.say(wa_id, "/affirm")
    assert shop.balance("Gupta ji") == before - 750


# ---------------------------------------------------------------------- stock, expenses, invoices, undo


def test_stock_received_and_then_undone(shop):
    wa_id = shop.owner()
    before = shop.on_hand("Cheeni")
    asked = texts(shop.say(wa_id, "20 kilo cheeni aayi"))
    assert "20 kg Cheeni" in asked
    shop.say(wa_id, "/affirm")
    assert shop.on_hand("Cheeni") == before + 20
    preview = shop.say(wa_id, "galat entry")
    assert "Cheeni" in texts(preview) and buttons(preview) == ["/affirm", "/stop"]
    assert shop.on_hand("Cheeni") == before + 20
    undone = texts(shop.say(wa_id, "haan"))
    assert "Cheeni" in undone
    assert shop.on_hand("Cheeni") == before


def test_an_expense_asks_for_its_category_and_undo_reverses_it(shop):
    wa_id = shop.owner()
    today = shop_period(shop.ctx, "today").first_day  # the shop's date (IST), not the machine's
    before = expenses.expense_summary(shop.ctx, today, today).total
    asked = shop.say(wa_id, '/add_expense{"amount": "450"}')
    assert '/add_expense{"expense_category": "fuel"}' in options(asked)
    confirm = texts(shop.say(wa_id, '/add_expense{"expense_category": "fuel"}'))
    assert "₹450" in confirm and "fuel" in confirm
    shop.say(wa_id, "/affirm")
    assert expenses.expense_summary(shop.ctx, today, today).total == before + 450
    shop.say(wa_id, "/undo")
    shop.say(wa_id, "/affirm")
    assert expenses.expense_summary(shop.ctx, today, today).total == before


def test_undo_with_nothing_to_undo_says_so(shop):
    assert texts(shop.say(shop.owner(), "undo")) == "There is no entry of yours left to undo."


def test_an_invoice_is_sent_as_a_pdf_with_a_upi_link(shop):
    wa_id = shop.owner()
    before = shop.balance("Gupta ji")
    asked = texts(shop.say(wa_id, "Gupta ji ka bill banao 2 kilo dal"))
    assert "2 kg Toor Dal" in asked
    sent = shop.say(wa_id, "/affirm")
    [document] = custom(sent, "document")
    [qr] = custom(sent, "image")
    pdf = Path(document["path"])
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF") and pdf.is_relative_to(shop.documents)
    number = re.search(r"Bill (\S+) bana", texts(sent)).group(1)
    invoice = invoice_views.find_invoice(shop.ctx, number)
    assert invoice.party_id == shop.party("Gupta ji").id and [(x.description, x.quantity) for x in invoice.lines] == [
        ("Toor Dal", Decimal(2))]
    assert qr["caption"] == upi.pay_link("ganesh.kirana@okicici", invoice.seller_name, invoice.due, invoice.number)
    assert Path(qr["path"]).read_bytes().startswith(b"\x89PNG")
    assert shop.balance("Gupta ji") == before + invoice.total


# ---------------------------------------------------------------------- permissions


def test_a_customer_orders_for_themselves_and_may_not_book_money_or_stock(shop):
    before = len(shop.orders_of("Sharma ji"))
    gupta = shop.balance("Gupta ji")
    notice, *asked = shop.say(SHARMA_WA_ID, "mujhe 2 packet maggi bhej do")
    assert buttons([notice]) == ["/consent_reminders_yes", "/consent_reminders_no"]  # the privacy notice comes first
    assert "Sharma ji" in texts(asked) and "Maggi Noodles 70g" in texts(asked)
    assert buttons(asked) == ["/affirm", "/stop"]
    shop.say(SHARMA_WA_ID, "/affirm")
    assert len(shop.orders_of("Sharma ji")) == before + 1
    placed = shop.orders_of("Sharma ji")[-1]
    assert [(line.name, line.quantity) for line in placed.lines] == [("Maggi Noodles 70g", 2)]
    refused = texts(shop.say(SHARMA_WA_ID, "Gupta ji ne 500 diye"))
    assert refused == "Maaf kijiye, aapko iski permission nahi hai."
    shop.say(SHARMA_WA_ID, "/affirm")
    assert shop.balance("Gupta ji") == gupta
    refused = texts(shop.say(SHARMA_WA_ID, '/add_stock{"product": "cheeni", "quantity": "5"}'))
    assert "permission" in refused


def test_a_new_number_orders_and_its_khata_account_opens_with_the_order(shop):
    stranger = "919766554433"
    notice, *asked = shop.say(stranger, "mujhe 3 packet maggi bhej do", profile_name="Kavita Joshi")
    assert buttons([notice]) == ["/consent_reminders_yes", "/consent_reminders_no"]  # the privacy notice comes first
    assert "Kavita Joshi" in texts(asked) and buttons(asked) == ["/affirm", "/stop"]
    assert parties.find_parties(shop.ctx, "Kavita Joshi") == []  # nothing is written before the yes
    shop.say(stranger, "/affirm", message_id="wamid.kavita-1", profile_name="Kavita Joshi")
    kavita = shop.party("Kavita Joshi")
    assert parties.party_details(shop.ctx, kavita.id).phone == stranger
    [order] = shop.orders_of("Kavita Joshi")
    assert [(line.name, line.quantity) for line in order.lines] == [("Maggi Noodles 70g", 3)]
    again = shop.say(stranger, "2 packet maggi aur bhej do", profile_name="Kavita Joshi")
    assert "Kavita Joshi" in texts(again)
    shop.say(stranger, "/affirm", profile_name="Kavita Joshi")
    assert len(shop.orders_of("Kavita Joshi")) == 2 and len(parties.find_parties(shop.ctx, "Kavita Joshi")) == 1


def test_staff_may_not_undo(shop):
    before = shop.balance("Sharma ji")
    refused = texts(shop.say(DEMO_STAFF_WA_ID, "undo"))
    assert refused == "Sorry, you are not allowed to do that."
    assert shop.balance("Sharma ji") == before


def test_a_bare_amount_gives_a_bill_of_supply_without_items(shop):
    wa_id = shop.owner()
    before = shop.balance("Verma ji")
    asked = shop.say(wa_id, "Verma ji ka 500 ka bill banao")
    assert "₹500" in texts(asked) and buttons(asked) == ["/affirm", "/stop"]
    sent = shop.say(wa_id, "haan")
    [document] = custom(sent, "document")
    invoice = invoice_views.find_invoice(shop.ctx, re.search(r"Bill (\S+) bana", texts(sent)).group(1))
    assert (invoice.total, invoice.party_id) == (Decimal(500), shop.party("Verma ji").id)
    assert invoice.lines[0].product_id is None
    assert Path(document["path"]).read_bytes().startswith(b"%PDF")
    assert shop.balance("Verma ji") == before + 500
