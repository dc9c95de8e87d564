"""Write-offs, counts, prices and credit limits through the real Rasa server and action server (`rasa_stack`),
in Hinglish, Hindi, Nepali (both scripts) and English; every test reads the books back through erp_core.

Each test speaks as a new owner (its own conversation); staff and a khata customer are the demo shop's.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from erp_core import catalog, inventory, ledger, prices, sales
from erp_core.demo import CUSTOMERS, DEMO_STAFF_WA_ID
from erp_core.enums import CreditPolicy, StockReason
from erp_core.errors import CreditLimitExceeded
from erp_core.messages import format_decimal, format_money
from erp_core.models import AuditEntry, Tenant
from erp_core.sales import LineIn
from tests.actions.test_book_forms import buttons, options, texts
from tests.shop_stack import Shop, Stack

SHARMA_WA_ID = CUSTOMERS[0][1]
D = Decimal


@pytest.fixture(scope="module")
def shop(rasa_stack: Stack) -> Shop:
    """The demo shop, blocking credit over a customer's limit (the demo only warns), so a limit is seen to bite."""
    shop = rasa_stack.new_shop()
    with shop.ctx.db.session(None) as session:
        session.get(Tenant, shop.ctx.tenant_id).credit_policy = CreditPolicy.BLOCK
        session.commit()
    return shop


def avg_cost(shop: Shop, name: str) -> Decimal:
    product_id = shop.product(name).id
    return next(line.avg_cost for line in inventory.valuation(shop.ctx).lines if line.product_id == product_id)


def latest_entry(shop: Shop, name: str) -> inventory.StockMovement:
    return inventory.movements(shop.ctx, shop.product(name).id, limit=1)[0]


def price_changes(shop: Shop, name: str) -> list[prices.PriceChangeView]:
    return prices.price_history(shop.ctx, shop.product(name).id)


def limit_of(shop: Shop, name: str) -> Decimal | None:
    return ledger.balance(shop.ctx, shop.party(name).id).credit_limit


def selling_price(shop: Shop, name: str) -> Decimal:
    return catalog.product_details(shop.ctx, shop.product(name).id).selling_price


def audited(shop: Shop, action: str) -> int:
    """How many `action` operations the shop's audit log holds."""
    with shop.ctx.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


# ---------------------------------------------------------------------- write-offs


@pytest.mark.parametrize("message, product, qty, reason, asked, done", [
    ("abhi 4 packet parle g kharab ho gaye", "Parle-G Biscuit", 4, StockReason.DAMAGED, "Likh doon?", "hata diya (kharab)"),
    ("मैगी के 2 पैकेट खराब हो गए", "Maggi Noodles 70g", 2, StockReason.DAMAGED, "लिख दूँ?", "हटा दिया (खराब)"),
    ("3 packets of parle g expired", "Parle-G Biscuit", 3, StockReason.EXPIRED, "Record it?", "written off (expired)"),
])
def test_a_write_off_shows_its_cost_and_books_stock_out_with_its_reason(shop, message, product, qty, reason, asked,
                                                                         done):
    wa_id = shop.owner()
    before = shop.on_hand(product)
    confirm = shop.say(wa_id, message)
    assert asked in texts(confirm) and buttons(confirm) == ["/affirm", "/stop"]
    assert format_money(avg_cost(shop, product) * qty) in texts(confirm)
    assert shop.on_hand(product) == before, "nothing is booked before the confirmation"
    booked = texts(shop.say(wa_id, "/affirm"))
    assert done in booked and format_decimal(before - qty) in booked
    entry = latest_entry(shop, product)
    assert shop.on_hand(product) == before - qty
    assert (entry.reason, entry.on_hand_delta, entry.ref_type) == (reason, D(-qty), "write_off")


def test_a_nepali_write_off_picks_the_product_from_a_list(shop):
    wa_id = shop.owner()
    before = shop.on_hand("Maggi Noodles 70g")
    listed = shop.say(wa_id, "२ प्याकेट म्यागी बिग्रियो")
    small = next(p for p in options(listed) if "Maggi Noodles 70g" in p)
    confirm = texts(shop.say(wa_id, small))
    assert "मौज्दातबाट हट्छ (बिग्रियो)" in confirm and "लेखूँ?" in confirm
    assert "हटाइयो" in texts(shop.say(wa_id, "/affirm"))
    assert shop.on_hand("Maggi Noodles 70g") == before - 2
    assert latest_entry(shop, "Maggi Noodles 70g").reason is StockReason.DAMAGED


def test_a_missing_reason_is_asked_with_buttons_and_a_replayed_confirmation_books_once(shop):
    wa_id = shop.owner()
    before = shop.on_hand("Cheeni")
    for _ in range(2):  # the same conversation delivered twice: the confirming message id is the same
        asked = shop.say(wa_id, '/write_off{"product": "cheeni", "quantity": "1", "unit": "kg"}')
        reasons = buttons(asked)
        # a first message that is only a tap has no words: an Indian shop answers it in Hinglish
        assert "1 kg Cheeni kyon hataana hai?" in texts(asked) and len(reasons) == 5
        own_use = next(p for p in reasons if "own_use" in p)
        confirm = texts(shop.say(wa_id, own_use))
        assert "(apne use mein)" in confirm and format_money(avg_cost(shop, "Cheeni")) in confirm
        assert "hata diya" in texts(shop.say(wa_id, "/affirm", message_id="wamid.write-off-cheeni"))
    assert shop.on_hand("Cheeni") == before - 1
    assert latest_entry(shop, "Cheeni").reason is StockReason.OWN_USE


# ---------------------------------------------------------------------- counts


@pytest.mark.parametrize("message, product, counted, asked, done", [
    ("ginti ki, cheeni asal me 90 kilo hai", "Cheeni", 90, "Kar doon?", "ginti likh li"),
    ("चीनी असल में 85 किलो है", "Cheeni", 85, "कर दूँ?", "गिनती लिख ली"),
    ("गन्ती गर्दा चिनी ८० किलो रहेछ", "Cheeni", 80, "बनाउँ?", "गन्ती लेखियो"),
    ("counted 150 packets of parle g", "Parle-G Biscuit", 150, "Set stock to 150 packet?", "recorded"),
])
def test_a_count_shows_books_count_and_difference_then_sets_stock_to_the_count(shop, message, product, counted, asked,
                                                                               done):
    wa_id = shop.owner()
    before = shop.on_hand(product)
    confirm = texts(shop.say(wa_id, message))
    assert asked.lower() in confirm.lower()
    assert f"{format_decimal(before)} " in confirm and f"{counted} " in confirm
    assert f"−{format_decimal(before - counted)}" in confirm or f"+{format_decimal(counted - before)}" in confirm
    assert shop.on_hand(product) == before
    assert done in texts(shop.say(wa_id, "/affirm"))
    entry = latest_entry(shop, product)
    assert shop.on_hand(product) == counted
    assert (entry.reason, entry.on_hand_delta, entry.ref_type) == (StockReason.COUNT, counted - before, "count")


def test_a_count_is_corrected_and_a_count_that_agrees_changes_nothing(shop):
    wa_id = shop.owner()
    first = texts(shop.say(wa_id, "maggi ginti ki 100 packet hai"))
    assert "Ginti mein: 100 packet" in first
    corrected = texts(shop.say(wa_id, "nahi, 38 packet"))
    assert "Ginti mein: 38 packet" in corrected and "100 packet" not in corrected
    shop.say(wa_id, "haan")
    assert shop.on_hand("Maggi Noodles 70g") == 38
    entries = len(inventory.movements(shop.ctx, shop.product("Maggi Noodles 70g").id, limit=1000))
    same = texts(shop.say(wa_id, "maggi ginti ki 38 packet hai"))
    assert "Stock nahi badlega" in same
    shop.say(wa_id, "haan")
    assert shop.on_hand("Maggi Noodles 70g") == 38
    entry = latest_entry(shop, "Maggi Noodles 70g")
    assert (entry.reason, entry.on_hand_delta) == (StockReason.COUNT, 0)
    assert len(inventory.movements(shop.ctx, shop.product("Maggi Noodles 70g").id, limit=1000)) == entries + 1


# ---------------------------------------------------------------------- prices


@pytest.mark.parametrize("message, product, old, new, asked, done", [
    ("Maggi ka rate 13 kar do", "Maggi Noodles 70g", 14, 13, "Badal doon?", "bikri rate ab ₹13"),
    ("चीनी का भाव 48 करो", "Cheeni", 45, 48, "बदल दूँ?", "बिक्री दाम अब ₹48"),
    ("चामलको मूल्य ९५ गर्नुहोस्", "Basmati Chawal", 90, 95, "बदलूँ?", "बिक्री मूल्य अब ₹95"),
    ("set price of parle g to 9", "Parle-G Biscuit", 10, 9, "Change it?", "now sells at ₹9"),
])
def test_a_price_change_shows_old_and_new_and_joins_the_price_history(shop, message, product, old, new, asked, done):
    wa_id = shop.owner()
    history = len(price_changes(shop, product))
    confirm = texts(shop.say(wa_id, message))
    assert asked in confirm and f"₹{old} → ₹{new}" in confirm
    assert len(price_changes(shop, product)) == history
    assert done in texts(shop.say(wa_id, "/affirm"))
    latest = price_changes(shop, product)[0]
    assert len(price_changes(shop, product)) == history + 1
    assert (latest.old_selling_price, latest.new_selling_price) == (old, new)
    assert selling_price(shop, product) == new
    assert prices.price_in_force(shop.ctx, shop.product(product).id, latest.changed_at).selling_price == new


def test_a_message_about_the_mrp_changes_the_mrp_and_leaves_the_selling_price(shop):
    wa_id = shop.owner()
    selling = selling_price(shop, "Tata Tea Premium 250g")
    confirm = texts(shop.say(wa_id, '/update_price{"product": "chai patti", "amount": "160"}'))
    assert "Selling price of Tata Tea Premium 250g: ₹145 → ₹160" in confirm
    shop.say(wa_id, "/stop")
    confirm = texts(shop.say(wa_id, "tata tea ka MRP 160 kar do"))
    assert "MRP: ₹150 → ₹160" in confirm
    shop.say(wa_id, "/affirm")
    latest = price_changes(shop, "Tata Tea Premium 250g")[0]
    assert (latest.old_mrp, latest.new_mrp, latest.new_selling_price) == (150, 160, selling)


def test_a_price_is_cancelled_and_a_replayed_confirmation_changes_it_once(shop):
    wa_id = shop.owner()
    history = len(price_changes(shop, "Toor Dal"))
    shop.say(wa_id, '/update_price{"product": "toor dal", "amount": "170"}')
    assert "Nothing was recorded" in texts(shop.say(wa_id, "rehne do"))
    assert len(price_changes(shop, "Toor Dal")) == history
    for _ in range(2):  # delivered again, the confirmation answers as before and changes nothing more
        shop.say(wa_id, '/update_price{"product": "toor dal", "amount": "165"}')
        assert "now sells at ₹165" in texts(shop.say(wa_id, "/affirm", message_id="wamid.price-dal"))
    assert len(price_changes(shop, "Toor Dal")) == history + 1 and selling_price(shop, "Toor Dal") == 165


@pytest.mark.parametrize("message, refusal", [
    ("Maggi ka rate 20 kar do", "Maaf kijiye, aapko iski permission nahi hai."),
    ("चीनी का भाव 60 करो", "माफ़ कीजिए, आपको इसकी अनुमति नहीं है।"),
])
def test_staff_may_not_change_a_price(shop, message, refusal):
    product = "Cheeni" if "चीनी" in message else "Maggi Noodles 70g"
    history = len(price_changes(shop, product))
    assert texts(shop.say(DEMO_STAFF_WA_ID, message)) == refusal
    shop.say(DEMO_STAFF_WA_ID, "/affirm")
    assert len(price_changes(shop, product)) == history


# ---------------------------------------------------------------------- credit limits


def test_a_first_credit_limit_is_set_and_a_credit_sale_over_it_is_refused(shop):
    wa_id = shop.owner()
    assert limit_of(shop, "Iyer Madam") is None
    confirm = texts(shop.say(wa_id, "Iyer madam ki udhaar limit 3000 kar do"))
    assert "abhi koi udhaar limit nahi" in confirm and "₹3,000" in confirm and "Pakka karein?" in confirm
    assert "udhaar limit ab ₹3,000" in texts(shop.say(wa_id, "/affirm"))
    iyer, due = shop.party("Iyer Madam"), shop.balance("Iyer Madam")
    assert limit_of(shop, "Iyer Madam") == 3000
    chawal = shop.product("Basmati Chawal")
    with pytest.raises(CreditLimitExceeded):
        sales.post_sale(shop.ctx, [LineIn(product_id=chawal.id, quantity=40)], party_id=iyer.id,
                        payment_mode="credit")
    assert shop.balance("Iyer Madam") == due


@pytest.mark.parametrize("message, customer, pick, old, new, asked", [
    ("गुप्ता जी की उधार सीमा 15000 कर दो", "Gupta ji", False, "₹20,000", 15000, "पक्का करें?"),
    ("हजुर, वर्मा जीको उधारो सीमा ८००० राख्नुस्", "Verma ji", True, "₹5,000", 8000, "पक्का गर्ने?"),
    ("set the credit limit of Sharma ji to 12000", "Sharma ji", False, "₹10,000", 12000, "Confirm?"),
])
def test_a_credit_limit_shows_old_new_and_the_due_in_each_language(shop, message, customer, pick, old, new, asked):
    wa_id = shop.owner()
    replies = shop.say(wa_id, message)
    if pick:
        replies = shop.say(wa_id, next(p for p in options(replies) if customer in p))
    confirm = texts(replies)
    assert asked in confirm and f"{old} → {format_money(D(new))}" in confirm
    assert format_money(shop.balance(customer)) in confirm
    shop.say(wa_id, "/affirm")
    assert limit_of(shop, customer) == new


def test_a_credit_limit_is_corrected_cancelled_and_replayed_once(shop):
    wa_id = shop.owner()
    shop.say(wa_id, "Verma ji ki limit 100 kar do")
    assert "cancel kar diya" in texts(shop.say(wa_id, "rehne do"))
    assert limit_of(shop, "Verma ji") != 100
    limits_set = audited(shop, "party.credit_limit")
    for _ in range(2):  # the same conversation delivered twice: the confirming message id is the same
        shop.say(wa_id, '/set_credit_limit{"customer": "Gupta ji", "amount": "9000"}')
        assert "₹11,000" in texts(shop.say(wa_id, "nahi, 11000 rupaye"))
        shop.say(wa_id, "/affirm", message_id="wamid.limit-gupta")
    assert limit_of(shop, "Gupta ji") == 11000 and audited(shop, "party.credit_limit") == limits_set + 1


def test_staff_may_not_set_a_credit_limit(shop):
    before = limit_of(shop, "Sharma ji")
    refused = texts(shop.say(DEMO_STAFF_WA_ID, "set the credit limit of Sharma ji to 100"))
    assert refused == "Sorry, you are not allowed to do that."
    shop.say(DEMO_STAFF_WA_ID, "/affirm")
    assert limit_of(shop, "Sharma ji") == before


# ---------------------------------------------------------------------- a customer may do none of these


def test_a_customer_is_refused_all_four_with_nothing_written(shop):
    maggi = shop.product("Maggi Noodles 70g")
    entries = len(inventory.movements(shop.ctx, maggi.id, limit=1000))
    history = len(price_changes(shop, "Maggi Noodles 70g"))
    limit = limit_of(shop, "Gupta ji")
    for message in ("aaj 2 packet maggi kharab ho gaye", "maggi ginti ki 5 packet hai", "Maggi ka rate 2 kar do",
                    "Gupta ji ki udhaar limit 100 kar do"):
        replies = shop.say(SHARMA_WA_ID, message)
        assert texts(replies[-1:]) == "Maaf kijiye, aapko iski permission nahi hai.", message
        assert "/affirm" not in buttons(replies)
        shop.say(SHARMA_WA_ID, "/affirm")
    assert len(inventory.movements(shop.ctx, maggi.id, limit=1000)) == entries
    assert len(price_changes(shop, "Maggi Noodles 70g")) == history
    assert limit_of(shop, "Gupta ji") == limit


# ---------------------------------------------------------------------- Roman Nepali


def test_roman_nepali_is_read_and_booked(shop):
    """The NLU reads Roman Nepali; its replies' language comes with the `ne_roman` reply language (the
    responses have that variation), so this checks the confirmation and the books."""
    wa_id = shop.owner()
    stock = shop.on_hand("Maggi Noodles 70g")
    assert buttons(shop.say(wa_id, "2 packet maggi bigriyo")) == ["/affirm", "/stop"]
    shop.say(wa_id, "/affirm")
    assert shop.on_hand("Maggi Noodles 70g") == stock - 2
    assert latest_entry(shop, "Maggi Noodles 70g").reason is StockReason.DAMAGED
    assert "₹12" in texts(shop.say(wa_id, "maggi ko rate 12 banaunus"))
    shop.say(wa_id, "/affirm")
    assert selling_price(shop, "Maggi Noodles 70g") == 12
    assert "₹6,000" in texts(shop.say(wa_id, "Verma ji ko udharo sima 6000 rakhnus"))
    shop.say(wa_id, "/affirm")
    assert limit_of(shop, "Verma ji") == 6000
