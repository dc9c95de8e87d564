"""Counter sales and sale returns in chat, through the real Rasa server and action server.

Each test speaks as its own WhatsApp number in a shop of this module's own, and checks the books through
erp_core afterwards: the bill in the sales book, stock on hand, the khata, the return's document.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from actions.language import reply_language
from erp_core import catalog, credit_limits, inventory, invoices, reports, sales
from erp_core.demo import CUSTOMERS, DEMO_STAFF_WA_ID
from erp_core.enums import PaymentMode, RefundMode
from erp_core.invoices import InvoiceLineIn
from erp_core.messages import CATALOG, format_money
from erp_core.models import SaleReturn
from erp_core.periods import shop_period
from erp_core.sales import LineIn
from tests.shop_stack import Shop, Stack, buttons, texts

CUSTOMER_WA_ID = CUSTOMERS[0][1]
"""Sharma ji's own number: a customer of the shop, not its staff."""

CONFIRM = {"hinglish": "Pakka karein?", "hi": "पक्का करें?", "ne": "पक्का गर्ने?", "en": "Confirm?"}


@pytest.fixture(scope="module")
def shop(rasa_stack: Stack) -> Shop:
    return rasa_stack.new_shop()


def bills(shop: Shop) -> list[sales.SaleView]:
    """Every bill of the shop, in order."""
    found, after = [], 0
    while page := sales.list_sales(shop.ctx, after_id=after, limit=500):
        found += page
        after = page[-1].id
    return found


def return_documents(shop: Shop) -> list[SaleReturn]:
    with shop.ctx.db.session(shop.ctx.tenant_id) as session:
        return list(session.scalars(select(SaleReturn).order_by(SaleReturn.id)))


def price(shop: Shop, product: str) -> Decimal:
    """The product's selling price now."""
    [found] = catalog.list_products(shop.ctx, ids=[shop.product(product).id], limit=1)
    return found.selling_price


# ---------------------------------------------------------------------- sales


@pytest.mark.parametrize("message, language, customer, product, qty, paid, mode", [
    ("Verma ji ko 4 packet maggi becha udhaar", "hinglish", "Verma ji", "Maggi Noodles 70g", 4, None, "credit"),
    ("शर्मा जी को 2 किलो चीनी बेची, 50 रुपये दिए", "hi", "Sharma ji", "Cheeni", 2, 50, "cash"),
    ("गुप्ता जीलाई २ किलो चिनी बेचें", "ne", "Gupta ji", "Cheeni", 2, "all", "cash"),
    ("sold 2 packets of maggi to Sharma ji, he paid 20 upi", "en", "Sharma ji", "Maggi Noodles 70g", 2, 20, "upi"),
])
def test_a_sale_is_confirmed_then_booked_once_in_each_language(shop, message, language, customer, product, qty,
                                                                paid, mode):
    wa_id = shop.owner()
    before, stock, balance = len(bills(shop)), shop.on_hand(product), shop.balance(customer)
    total = price(shop, product) * qty
    paid_now = Decimal(0) if paid is None else total if paid == "all" else Decimal(paid)
    asked = shop.say(wa_id, message)
    assert CONFIRM[language] in texts(asked) and format_money(total) in texts(asked)
    assert buttons(asked) == ["/affirm", "/stop"]
    assert len(bills(shop)) == before and shop.on_hand(product) == stock, "nothing is booked before the yes"
    done = texts(shop.say(wa_id, "/affirm"))
    [bill] = bills(shop)[before:]
    assert (bill.party_id, bill.total, bill.paid, bill.payment_mode) == (
        shop.party(customer).id, total, paid_now, PaymentMode(mode))
    assert [(line.name, line.quantity) for line in bill.lines] == [(product, qty)]
    assert f"#{bill.number}" in done and format_money(balance + total - paid_now) in done
    assert shop.on_hand(product) == stock - qty
    assert shop.balance(customer) == balance + total - paid_now


def test_a_sale_in_roman_nepali_is_booked(shop):
    wa_id = shop.owner()
    before, balance = len(bills(shop)), shop.balance("Sharma ji")
    total = price(shop, "maggi") * 2
    asked = shop.say(wa_id, "Sharma ji lai 2 packet maggi bechen, 20 rupaiya diye")
    assert buttons(asked) == ["/affirm", "/stop"] and format_money(total) in texts(asked)
    shop.say(wa_id, "/affirm")
    [bill] = bills(shop)[before:]
    assert (bill.party_id, bill.total, bill.paid) == (shop.party("Sharma ji").id, total, Decimal(20))
    assert shop.balance("Sharma ji") == balance + total - 20


def test_a_walk_in_cash_sale_needs_no_customer_and_counts_in_the_days_sales(shop):
    wa_id = shop.owner()
    span = shop_period(shop.ctx, "today")
    today = reports.sales_summary(shop.ctx, span.start, span.end).total
    before, stock = len(bills(shop)), shop.on_hand("maggi")
    asked = texts(shop.say(wa_id, "aaj 3 packet maggi bika"))
    assert "3 packet Maggi Noodles 70g × ₹14 = ₹42" in asked and "Pakka karein?" in asked
    done = texts(shop.say(wa_id, "/affirm"))
    [bill] = bills(shop)[before:]
    assert (bill.party_id, bill.total, bill.paid, bill.due) == (None, Decimal(42), Decimal(42), Decimal(0))
    assert f"#{bill.number}" in done and shop.on_hand("maggi") == stock - 3
    summary = texts(shop.say(wa_id, "aaj kitni bikri hui hai"))
    assert reports.sales_summary(shop.ctx, span.start, span.end).total == today + 42
    assert format_money(today + 42) in summary


def test_less_paid_than_the_bill_asks_whose_khata_and_books_the_rest_there(shop):
    wa_id = shop.owner()
    before, balance = len(bills(shop)), shop.balance("Iyer Madam")
    total = price(shop, "chawal") * 5
    asked = texts(shop.say(wa_id, "5 kilo chawal becha, 200 cash diye"))
    assert format_money(total - 200) in asked and "khate" in asked
    assert len(bills(shop)) == before
    confirm = texts(shop.say(wa_id, "Iyer Madam"))
    assert format_money(total) in confirm and "₹200" in confirm and "Iyer Madam ke khate mein" in confirm
    shop.say(wa_id, "/affirm")
    [bill] = bills(shop)[before:]
    assert (bill.party_id, bill.total, bill.paid, bill.due) == (
        shop.party("Iyer Madam").id, total, Decimal(200), total - 200)
    assert shop.balance("Iyer Madam") == balance + total - 200


def test_an_amount_without_a_quantity_asks_the_quantity_at_todays_price_and_never_books_more_paid(shop):
    wa_id = shop.owner()
    before = len(bills(shop))
    rate = price(shop, "chawal")
    asked = texts(shop.say(wa_id, "200 ka chawal becha"))
    assert "Basmati Chawal kitna becha?" in asked and format_money(rate) in asked
    overpaid = texts(shop.say(wa_id, "2"))
    assert format_money(rate * 2) in overpaid and "₹200" in overpaid and "Kitne mile?" in overpaid
    confirm = texts(shop.say(wa_id, str(rate * 2)))
    assert "2 kg Basmati Chawal" in confirm and "Pakka karein?" in confirm
    shop.say(wa_id, "haan")
    [bill] = bills(shop)[before:]
    assert (bill.party_id, bill.total, bill.paid) == (None, rate * 2, rate * 2)


def test_a_correction_reconfirms_and_books_the_corrected_quantity(shop):
    wa_id = shop.owner()
    before, stock = len(bills(shop)), shop.on_hand("parle g")
    first = texts(shop.say(wa_id, "aaj 3 packet parle g bika"))
    assert "3 packet Parle-G Biscuit" in first
    corrected = texts(shop.say(wa_id, "nahi, 6 packet"))
    assert "6 packet Parle-G Biscuit" in corrected and "3 packet" not in corrected
    shop.say(wa_id, "/affirm")
    [bill] = bills(shop)[before:]
    assert [(line.name, line.quantity) for line in bill.lines] == [("Parle-G Biscuit", 6)]
    assert shop.on_hand("parle g") == stock - 6


def test_a_credit_sale_above_the_customers_limit_is_booked_and_the_owner_told(shop):
    wa_id = shop.owner()
    gupta = shop.party("Gupta ji")
    balance = shop.balance("Gupta ji")
    limit = balance + 10
    credit_limits.set_credit_limit(shop.ctx, gupta.id, limit)
    total = price(shop, "cheeni") * 2
    shop.say(wa_id, "Gupta ji ko 2 kilo cheeni becha udhaar")
    done = texts(shop.say(wa_id, "/affirm"))
    assert shop.balance("Gupta ji") == balance + total
    assert f"Gupta ji ka udhaar ab {format_money(balance + total)} ho gaya, limit {format_money(limit)}" in done
    credit_limits.set_credit_limit(shop.ctx, gupta.id, None)


def test_cancel_writes_nothing(shop):
    wa_id = shop.owner()
    before, stock, balance = len(bills(shop)), shop.on_hand("cheeni"), shop.balance("Gupta ji")
    asked = texts(shop.say(wa_id, "Gupta ji ko 3 kilo cheeni becha udhaar"))
    assert "Pakka karein?" in asked
    assert "cancel kar diya" in texts(shop.say(wa_id, "rehne do"))
    shop.say(wa_id, "/affirm")
    assert (len(bills(shop)), shop.on_hand("cheeni"), shop.balance("Gupta ji")) == (before, stock, balance)


def test_a_replayed_confirmation_books_one_bill(shop):
    wa_id = shop.owner()
    before, stock = len(bills(shop)), shop.on_hand("namak")
    for _ in range(2):
        shop.say(wa_id, "aaj 2 packet namak bika", message_id="wamid.sale-namak")
        shop.say(wa_id, "/affirm", message_id="wamid.sale-namak-yes")
    assert len(bills(shop)) == before + 1 and shop.on_hand("namak") == stock - 2


def test_staff_sell_and_a_customer_may_not(shop):
    before, stock = len(bills(shop)), shop.on_hand("chawal")
    refused = texts(shop.say(CUSTOMER_WA_ID, "5 kilo chawal becha"))
    assert CATALOG["permission_denied"][reply_language("5 kilo chawal becha")] in refused
    shop.say(CUSTOMER_WA_ID, "/affirm")
    assert (len(bills(shop)), shop.on_hand("chawal")) == (before, stock)
    shop.say(DEMO_STAFF_WA_ID, "aaj 1 kilo chawal bech diya")
    shop.say(DEMO_STAFF_WA_ID, "/affirm")
    assert len(bills(shop)) == before + 1 and shop.on_hand("chawal") == stock - 1


# ---------------------------------------------------------------------- returns


@pytest.mark.parametrize("message, language, product, qty", [
    ("Sharma ji ne 1 tel ka dabba wapas kiya", "hinglish", "Fortune Sarson Tel 1L", 1),
    ("शर्मा जी ने 2 पैकेट मैगी वापस की", "hi", "Maggi Noodles 70g", 2),
    ("शर्मा जीले २ किलो चिनी फिर्ता गर्नुभयो", "ne", "Cheeni", 2),
    ("Sharma ji has returned 2 packets of maggi", "en", "Maggi Noodles 70g", 2),
])
def test_a_return_against_the_customers_bill_credits_the_khata_in_each_language(shop, message, language,
                                                                                 product, qty):
    sharma = shop.party("Sharma ji")
    bill = sales.post_sale(shop.ctx, [LineIn(product_id=shop.product(product).id, quantity=Decimal(3))],
                           party_id=sharma.id, payment_mode="credit")
    wa_id = shop.owner()
    stock, balance, documents = shop.on_hand(product), shop.balance("Sharma ji"), len(return_documents(shop))
    worth = bill.lines[0].unit_price * qty
    asked = shop.say(wa_id, message)
    assert CONFIRM[language] in texts(asked) and f"#{bill.number}" in texts(asked)
    assert format_money(worth) in texts(asked)
    assert buttons(asked) == ["/affirm", '/sale_return{"payment_mode": "cash"}', "/stop"]
    assert len(return_documents(shop)) == documents
    done = texts(shop.say(wa_id, "/affirm"))
    [document] = return_documents(shop)[documents:]
    assert (document.sale_id, document.party_id, document.refund_mode, document.total) == (
        bill.sale_id, sharma.id, RefundMode.KHATA, worth)
    assert f"#{document.number}" in done and format_money(balance - worth) in done
    assert shop.on_hand(product) == stock + qty
    assert shop.balance("Sharma ji") == balance - worth


def test_cash_back_instead_of_the_khata_with_a_tap(shop):
    gupta = shop.party("Gupta ji")
    bill = sales.post_sale(shop.ctx, [LineIn(product_id=shop.product("atta").id, quantity=Decimal(2))],
                           party_id=gupta.id)
    wa_id = shop.owner()
    stock, balance = shop.on_hand("atta"), shop.balance("Gupta ji")
    shop.say(wa_id, "Gupta ji ne 1 bag atta wapas kiya")
    switched = shop.say(wa_id, '/sale_return{"payment_mode": "cash"}')
    assert "cash" in texts(switched) and '/sale_return{"payment_mode": "credit"}' in buttons(switched)
    shop.say(wa_id, "/affirm")
    document = return_documents(shop)[-1]
    assert (document.sale_id, document.refund_mode, document.total) == (bill.sale_id, RefundMode.CASH,
                                                                        bill.lines[0].unit_price)
    assert shop.on_hand("atta") == stock + 1 and shop.balance("Gupta ji") == balance


def test_a_walk_in_return_is_cash_back_at_todays_price(shop):
    wa_id = shop.owner()
    stock, documents = shop.on_hand("maggi"), len(return_documents(shop))
    asked = shop.say(wa_id, "2 packet maggi wapas aaye")
    assert format_money(price(shop, "maggi") * 2) in texts(asked) and buttons(asked) == ["/affirm", "/stop"]
    shop.say(wa_id, "/affirm")
    [document] = return_documents(shop)[documents:]
    assert (document.party_id, document.sale_id, document.refund_mode, document.total) == (
        None, None, RefundMode.CASH, price(shop, "maggi") * 2)
    assert shop.on_hand("maggi") == stock + 2


def test_a_return_of_invoiced_goods_gets_a_credit_note(shop):
    iyer = shop.party("Iyer Madam")
    inventory.receive_stock(shop.ctx, shop.product("surf").id, 10)
    invoice = invoices.create_invoice(shop.ctx, [InvoiceLineIn(product_id=shop.product("surf").id,
                                                               quantity=Decimal(2))], party_id=iyer.id)
    wa_id = shop.owner()
    stock, balance = shop.on_hand("surf"), shop.balance("Iyer Madam")
    asked = texts(shop.say(wa_id, "Iyer Madam returned 1 packet of surf"))
    assert invoice.number in asked and "credit note" in asked
    shop.say(wa_id, "/affirm")
    document = return_documents(shop)[-1]
    assert document.party_id == iyer.id and document.credit_note_id is not None
    assert shop.on_hand("surf") == stock + 1 and shop.balance("Iyer Madam") == balance - document.total


def test_a_return_cancelled_replayed_or_refused_books_at_most_once(shop):
    wa_id = shop.owner()
    stock, documents = shop.on_hand("namak"), len(return_documents(shop))
    shop.say(wa_id, "1 packet namak wapas aaya hai")
    assert "cancel kar diya" in texts(shop.say(wa_id, "rehne do"))
    assert (shop.on_hand("namak"), len(return_documents(shop))) == (stock, documents)
    for _ in range(2):
        shop.say(wa_id, "1 packet namak wapas aaya hai", message_id="wamid.return-namak")
        shop.say(wa_id, "/affirm", message_id="wamid.return-namak-yes")
    assert (shop.on_hand("namak"), len(return_documents(shop))) == (stock + 1, documents + 1)
    refused = texts(shop.say(CUSTOMER_WA_ID, "Sharma ji ne 1 packet namak wapas kiya"))
    assert "Maaf kijiye, aapko iski permission nahi hai." in refused
    assert (shop.on_hand("namak"), len(return_documents(shop))) == (stock + 1, documents + 1)

