"""Profit and best sellers in chat, through the real Rasa server and action server, in a shop of the test's own
whose every sale is made here, so each figure is worked out by hand below, not by the code under test."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp_core import catalog, inventory, sales, tenants
from erp_core.context import Context
from erp_core.enums import Role
from erp_core.permissions import Actor
from erp_core.sales import LineIn
from tests.shop_stack import Shop, Stack, texts

STAFF_WA_ID = "919700009902"
CUSTOMER_WA_ID = "919700009903"
# Maggi: 100 in at ₹10, sold at ₹14; Tata Salt: 50 in at ₹20, sold at ₹25; Surf Excel: 10 in at ₹100, unsold.
# Bill 1: 30 Maggi = ₹420. Bill 2: 4 Tata Salt + 5 Maggi = ₹100 + ₹70 = ₹170. No tax on any of them.
# Sales ₹590; cost of goods 35 × ₹10 + 4 × ₹20 = ₹430; gross profit ₹160; margin 160 / 590 = 27.12 %.
SALES, COST, PROFIT, MARGIN = "₹590", "₹430", "₹160", "27.12%"
BEST_BY_QUANTITY = "1. Maggi Noodles: 35 · ₹490\n2. Tata Salt: 4 · ₹100"
SLOWEST_BY_QUANTITY = "1. Surf Excel: 0 · ₹0\n2. Tata Salt: 4 · ₹100\n3. Maggi Noodles: 35 · ₹490"


@pytest.fixture(scope="module")
def shop(rasa_stack: Stack) -> Shop:
    tenant = tenants.add_tenant(rasa_stack.db, phone_number_id="100000000009901", name="Munafa Kirana")
    ctx = Context(rasa_stack.db, tenant.id, Actor.system())
    tenants.add_user(ctx, wa_id=STAFF_WA_ID, role=Role.STAFF, name="staff")
    ids = {}
    for name, price, cost, received in (("Maggi Noodles", 14, 10, 100), ("Tata Salt", 25, 20, 50),
                                        ("Surf Excel", 120, 100, 10)):
        ids[name] = catalog.add_product(ctx, name=name, unit="packet", selling_price=price, cost_price=cost).id
        inventory.receive_stock(ctx, ids[name], received, cost)
    sales.post_sale(ctx, [LineIn(product_id=ids["Maggi Noodles"], quantity=Decimal(30))])
    sales.post_sale(ctx, [LineIn(product_id=ids["Tata Salt"], quantity=Decimal(4)),
                          LineIn(product_id=ids["Maggi Noodles"], quantity=Decimal(5))])
    return Shop(rasa_stack.rasa_url, ctx, rasa_stack.documents, tenant.phone_number_id)


@pytest.mark.parametrize("question, heading", [
    ("is mahine kitna munafa bana", "Is mahine ka munafa:"),
    ("इस महीने का मुनाफ़ा कितना हुआ", "इस महीने का मुनाफ़ा:"),
    ("यो महिनाको नाफा कति भयो", "यो महिना को नाफा:"),
    ("how much profit did we make this month", "This month's profit:"),
    ("yo mahina ko nafa kati bhayo", "Yo mahina ko naafa:"),
], ids=["hinglish", "hi", "ne", "en", "ne_roman"])
def test_the_owner_gets_this_months_profit_in_each_language(shop, question, heading):
    said = texts(shop.say(shop.owner(), question))
    assert said.startswith(heading)
    for figure in (SALES, COST, PROFIT, MARGIN):
        assert figure in said, (figure, said)
    assert "₹0" in said, "no tax on these goods"


def test_last_months_profit_says_there_were_no_sales(shop):
    said = texts(shop.say(shop.owner(), "pichle mahine ka munafa kitna hua"))
    assert said == "Pichhle mahine koi bikri nahi hui, isliye munafa bhi nahi."


@pytest.mark.parametrize("wa_id, question, refusal", [
    (STAFF_WA_ID, "is mahine kitna munafa bana", "Maaf kijiye, aapko iski permission nahi hai."),
    (STAFF_WA_ID, "इस महीने का मुनाफ़ा कितना हुआ", "माफ़ कीजिए, आपको इसकी अनुमति नहीं है।"),
    (STAFF_WA_ID, "यो महिनाको नाफा कति भयो", "माफ गर्नुहोस्, तपाईंलाई यो गर्ने अनुमति छैन।"),
    (STAFF_WA_ID, "how much profit did we make this month", "Sorry, you are not allowed to do that."),
    (CUSTOMER_WA_ID, "is mahine kitna munafa bana", "Maaf kijiye, aapko iski permission nahi hai."),
], ids=["staff-hinglish", "staff-hi", "staff-ne", "staff-en", "customer"])
def test_staff_and_customers_may_not_see_profit(shop, wa_id, question, refusal):
    said = texts(shop.say(wa_id, question))
    assert refusal in said
    assert PROFIT not in said and COST not in said


@pytest.mark.parametrize("question, heading", [
    ("sabse dheere kya bik raha hai", "Is mahine sabse zyada bika (maatra se):"),
    ("इस हफ़्ते सबसे ज़्यादा क्या बिका", "इस हफ़्ते सबसे ज़्यादा बिका (मात्रा से):"),
    ("यो हप्ता सबैभन्दा धेरै बिक्ने सामान कुन कुन भयो", "यो हप्ता सबभन्दा धेरै बिक्यो (परिमाणले):"),
    ("what sold the most this week", "This week's best sellers by quantity:"),
], ids=["hinglish", "hi", "ne", "en"])
def test_best_and_slowest_sellers_by_quantity_and_value_in_each_language(shop, question, heading):
    said = texts(shop.say(shop.owner(), question))
    assert said.startswith(heading)
    best = said.index(BEST_BY_QUANTITY)
    assert said.index("1. Maggi Noodles: 35 · ₹490\n2. Tata Salt: 4 · ₹100", best + 1) > best, "by value too"
    slowest = said.index(SLOWEST_BY_QUANTITY)
    assert said.index("1. Surf Excel: 0 · ₹0\n2. Tata Salt: 4 · ₹100", slowest + 1) > slowest
    assert best < slowest


def test_staff_may_see_the_best_sellers(shop):
    said = texts(shop.say(STAFF_WA_ID, "what sold the most this week"))
    assert BEST_BY_QUANTITY in said
