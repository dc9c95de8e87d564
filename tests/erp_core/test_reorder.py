"""Reorder suggestions cover the lead time plus a week of recent sales."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from erp_core import sales
from erp_core.columns import utcnow
from erp_core.reorder import reorder_suggestions
from erp_core.sales import LineIn


def test_low_products_get_lead_time_plus_a_week_of_sales(shop, make_product):
    rice = make_product("Chawal", stock=100, reorder_point=20, lead_time_days=3)
    make_product("Cheeni", stock=100, reorder_point=20)
    # 90 kg sold over the last 30 days: 3 kg a day.
    sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=Decimal(90))], at=utcnow() - timedelta(days=2))
    [line] = reorder_suggestions(shop)
    assert (line.name, line.available, line.daily_sales) == ("Chawal", Decimal(10), Decimal(3))
    # reorder point 20 + 3/day x (3 lead + 7 cover) days - 10 available = 40
    assert line.suggested == Decimal(40)


def test_a_low_product_without_sales_is_brought_back_to_its_reorder_point(shop, make_product):
    make_product("Surf", stock="2.5", reorder_point=10, unit="packet")
    [line] = reorder_suggestions(shop)
    assert line.suggested == Decimal(8) and line.daily_sales == 0


def test_nothing_low_nothing_to_suggest(shop, make_product):
    make_product("Chawal", stock=50, reorder_point=5)
    assert reorder_suggestions(shop) == []
