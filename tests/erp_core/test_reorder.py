"""Reorder decisions from each product's forecast: urgent when it runs out before an order could arrive, the
quantity covering lead time and the order cycle plus safety stock, stock-outs not taken for lack of demand, the
owner's reorder point never undercut; owners and managers only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from erp_core import inventory, sales
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.errors import PermissionDenied, ValidationError
from erp_core.reorder import product_forecast, reorder_plan, reorder_suggestions
from erp_core.sales import LineIn
from erp_core.tenants import actor_for, add_user

D = Decimal


def sell_daily(ctx: Context, product_id: int, per_day: int, days: int, *, skip_last: int = 0) -> None:
    """Sell `per_day` a day for `days` days up to yesterday (none in the last `skip_last` of them)."""
    now = utcnow()
    for back in range(days, skip_last, -1):
        sales.post_sale(ctx, [LineIn(product_id=product_id, quantity=D(per_day))], at=now - timedelta(days=back))


def test_a_product_that_runs_out_before_an_order_could_arrive_is_urgent(shop, make_product):
    rice = make_product("Chawal", lead_time_days=3)
    inventory.receive_stock(shop, rice.id, 250, 40, at=utcnow() - timedelta(days=70))
    sell_daily(shop, rice.id, 4, 60)                                        # 240 sold, 10 left
    [line] = reorder_suggestions(shop)
    assert (line.name, line.priority, line.available) == ("Chawal", "urgent", D(10))
    assert line.daily_demand == pytest.approx(D(4), abs=D("0.5"))
    assert line.days_to_stockout in (2, 3) and line.reason.startswith("runs out in")
    # lead time 3 + a week's cycle of 4 a day, plus safety stock, less the 10 there are
    assert D(30) <= line.suggested <= D(30) + line.safety_stock + 2


def test_a_stock_out_is_not_taken_for_a_lack_of_demand(shop, make_product):
    atta = make_product("Atta", lead_time_days=2)
    inventory.receive_stock(shop, atta.id, 150, 40, at=utcnow() - timedelta(days=70))
    sell_daily(shop, atta.id, 3, 60, skip_last=10)                       # 150 sold by ten days ago: none left since
    [line] = [line for line in reorder_plan(shop) if line.name == "Atta"]
    assert line.priority == "urgent" and line.days_to_stockout == 0
    assert line.daily_demand >= D("2.5"), "the empty shelf's zeros are not demand"


def test_the_owners_reorder_point_is_never_undercut_and_plenty_is_only_monitored(shop, make_product):
    make_product("Surf", stock="2.5", reorder_point=10, unit="packet")
    make_product("Namak", stock=500, reorder_point=5)
    suggestions = reorder_suggestions(shop)
    assert [(line.name, line.priority) for line in suggestions] == [("Surf", "soon")]
    assert suggestions[0].suggested >= D(8) and suggestions[0].reorder_point >= D(10)
    assert suggestions[0].reason == "at or below your reorder point of 10"
    assert [line.priority for line in reorder_plan(shop) if line.name == "Namak"] == ["monitor"]


def test_staff_do_not_plan_purchases(shop, make_product, db):
    make_product("Chawal", stock=5, reorder_point=20)
    add_user(shop, wa_id="919800000021", role="staff", name="counter")
    staff = Context(db, shop.tenant_id, actor_for(db, shop.tenant_id, "919800000021"))
    with pytest.raises(PermissionDenied):
        reorder_suggestions(staff)


def test_a_products_forecast_for_the_coming_days(shop, make_product):
    maggi = make_product("Maggi", unit="pcs")
    inventory.receive_stock(shop, maggi.id, 400, 12, at=utcnow() - timedelta(days=70))
    sell_daily(shop, maggi.id, 5, 60)
    week = product_forecast(shop, maggi.id, 7)
    assert week.expected == pytest.approx(D(35), abs=D(5)) and week.lower <= week.expected <= week.upper
    assert week.available == D(100) and week.days_to_stockout in (19, 20, 21)
    with pytest.raises(ValidationError):
        product_forecast(shop, maggi.id, 400)


def test_a_product_with_plenty_in_stock_is_planned_from_its_average_and_only_monitored(shop, make_product):
    salt = make_product("Namak", lead_time_days=2)
    inventory.receive_stock(shop, salt.id, 1000, 20, at=utcnow() - timedelta(days=40))
    sell_daily(shop, salt.id, 2, 30)                                        # 940 left: over a year of sales
    [line] = [line for line in reorder_plan(shop) if line.name == "Namak"]
    assert (line.priority, line.method, line.suggested) == ("monitor", "WindowAverage (plenty in stock)", 0)
    assert line.daily_demand == D(2) and line.days_to_stockout is None
