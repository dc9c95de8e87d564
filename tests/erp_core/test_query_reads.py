"""The reads the chat's one-shot questions added to erp_core: latest order, name matching, the shop's period."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from erp_core import orders
from erp_core.context import Context
from erp_core.enums import Role
from erp_core.parties import names_match
from erp_core.periods import shop_period
from erp_core.permissions import Actor
from erp_core.sales import LineIn


def test_latest_order_of_the_shop_of_a_party_and_of_a_customer_themselves(shop, make_product, make_customer):
    rice = make_product("Chawal", stock=50)
    sharma, gupta = make_customer("Sharma ji"), make_customer("Gupta ji")
    assert orders.latest_order(shop) is None
    first = orders.place_order(shop, sharma.id, [LineIn(product_id=rice.id, quantity=Decimal(2))])
    second = orders.place_order(shop, gupta.id, [LineIn(product_id=rice.id, quantity=Decimal(1))])
    assert orders.latest_order(shop).id == second.id
    assert orders.latest_order(shop, sharma.id).id == first.id
    as_sharma = Context(shop.db, shop.tenant_id, Actor(user_id=None, role=Role.CUSTOMER, party_id=sharma.id))
    assert orders.latest_order(as_sharma, gupta.id).id == first.id
    stranger = Context(shop.db, shop.tenant_id, Actor(user_id=None, role=Role.CUSTOMER, party_id=None))
    assert orders.latest_order(stranger) is None


def test_names_match_across_honorifics_scripts_and_typos():
    assert names_match("sharma", "Sharma ji") and names_match("शर्मा जी", "Sharma ji")
    assert names_match("Sharmaa ji", "Sharma ji")
    assert not names_match("Gupta ji", "Sharma ji") and not names_match("Verma", "Sharma ji")


def test_shop_period_is_in_the_shops_time_zone(new_shop):
    nepal = new_shop(country="NP")
    # 20:00 UTC on 1 March is already 2 March in Kathmandu (UTC+5:45)
    today = shop_period(nepal, "today", now=datetime(2026, 3, 1, 20, 0, tzinfo=timezone.utc))
    assert (today.first_day.isoformat(), today.start) == ("2026-03-02", datetime(2026, 3, 1, 18, 15, tzinfo=timezone.utc))
