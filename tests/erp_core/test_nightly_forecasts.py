"""The nightly forecast run and the weekly "what to order" list: demand read from every way a sale is made, the
night's forecasts kept and read by a reorder question (no model fitted while the owner waits), stale ones not
used, several processes giving the same forecasts as one, the weekly list queued once a week to each owner."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from erp_core import inventory, nightly_forecasts, notices, reorder, sales, scheduler, stock_corrections, tenants
from erp_core import weekly_reorder
from erp_core.columns import utcnow
from erp_core.enums import NoticeKind, Role
from erp_core.forecasting.history import demand_history
from erp_core.forecasting.shop import forecast_products
from erp_core.sales import LineIn
from tests.sales_every_way import GST_SHOP, sell_every_way

D = Decimal
IST = ZoneInfo("Asia/Kolkata")


def test_demand_is_every_way_a_sale_is_made_and_never_a_return_or_a_write_off(new_shop):
    ctx = new_shop(**GST_SHOP)
    booked = sell_every_way(ctx)                  # bills, an invoice, a dispatched order, a credit note, a packed order
    [soap] = [p for p in demand_history(ctx, days=10).products if p.name == "Sabun"]
    stock_corrections.write_off(ctx, soap.product_id, 2, "damaged")
    tomorrow = datetime.combine(booked.day + timedelta(days=1), datetime.min.time(), IST) + timedelta(hours=10)
    history = demand_history(ctx, days=10, now=tomorrow)
    sold = {p.name: p.sold for p in history.products}
    assert history.last_day == booked.day
    assert sold["Chawal"][-1] == 11 and sold["Chawal"][-4] == 1 and sold["Chawal"].sum() == 12   # 4 + 2 + 5; earlier 1
    assert sold["Tel"][-1] == 6 and sold["Tel"].sum() == 6      # 2 + 3 + 1: the credit note's 1 back is no demand
    assert sold["Sabun"].sum() == 0 and sold["Namak"].sum() == 0
    by_name = {p.name: p for p in history.products}
    assert by_name["Namak"].out_of_stock.all() and not by_name["Chawal"].out_of_stock[-1]
    assert by_name["Sabun"].on_hand == 8


def sell_daily(ctx, product_id: int, per_day: int, days: int, now: datetime) -> None:
    for back in range(days, 0, -1):
        sales.post_sale(ctx, [LineIn(product_id=product_id, quantity=D(per_day))], at=now - timedelta(days=back))


@pytest.fixture
def busy_shop(shop, make_product):
    """Rice running out in 2-3 days (an order takes 3), salt with plenty."""
    now = utcnow()
    rice = make_product("Chawal", lead_time_days=3)
    salt = make_product("Namak", lead_time_days=2)
    inventory.receive_stock(shop, rice.id, 250, 40, at=now - timedelta(days=70))
    inventory.receive_stock(shop, salt.id, 900, 10, at=now - timedelta(days=70))
    sell_daily(shop, rice.id, 4, 60, now)
    sell_daily(shop, salt.id, 2, 60, now)
    return shop


def test_the_nights_forecasts_are_kept_and_a_reorder_question_reads_them(busy_shop, monkeypatch):
    asked = reorder.reorder_plan(busy_shop)
    run = nightly_forecasts.refresh(busy_shop, workers=1)
    assert run.products == 2 and sum(run.methods.values()) == 2
    today = datetime.now(IST).date()
    kept = nightly_forecasts.kept(busy_shop, today)
    assert len(kept) == 2 and all(len(k.forecast.mean) == nightly_forecasts.HORIZON for k in kept.values())

    def no_models(*args, **kwargs):
        raise AssertionError("a model was fitted while the owner waited")

    monkeypatch.setattr(reorder, "demand_history", no_models)
    monkeypatch.setattr(reorder, "forecast_products", no_models)
    after = reorder.reorder_plan(busy_shop)
    assert [(line.name, line.priority) for line in after] == [("Chawal", "urgent"), ("Namak", "monitor")]
    assert [line.name for line in after] == [line.name for line in asked]
    [rice] = [line for line in after if line.name == "Chawal"]
    assert rice.days_to_stockout in (2, 3) and D(30) <= rice.suggested
    assert reorder.product_forecast(busy_shop, rice.product_id, 7).expected == pytest.approx(D(28), abs=D(4))

    # the forecast a night later still serves (from its second day); older ones do not
    second = nightly_forecasts.kept(busy_shop, today + timedelta(days=1))
    assert len(second[rice.product_id].forecast.mean) == nightly_forecasts.HORIZON - 1
    assert second[rice.product_id].forecast.start == today + timedelta(days=1)
    assert nightly_forecasts.kept(busy_shop, today + timedelta(days=2)) == {}


def test_a_product_added_after_the_night_is_forecast_when_asked(busy_shop, make_product):
    nightly_forecasts.refresh(busy_shop, workers=1)
    dal = make_product("Toor Dal", stock=3, lead_time_days=2)
    sales.post_sale(busy_shop, [LineIn(product_id=dal.id, quantity=D(1))], at=utcnow() - timedelta(days=1))
    names = [line.name for line in reorder.reorder_plan(busy_shop)]
    assert "Toor Dal" in names and "Chawal" in names


def test_several_processes_forecast_exactly_what_one_does(shop, make_product):
    now = utcnow()
    rng = np.random.default_rng(3)
    for n in range(12):
        product = make_product(f"Item {n}", lead_time_days=2)
        inventory.receive_stock(shop, product.id, 500, 10, at=now - timedelta(days=50))
        for back in range(45, 0, -1):
            quantity = int(rng.poisson(3 if n % 2 else 0.4))
            if quantity:
                sales.post_sale(shop, [LineIn(product_id=product.id, quantity=D(quantity))],
                                at=now - timedelta(days=back))
    history = demand_history(shop, days=60)
    alone = forecast_products(history, 14, workers=1)
    shared = forecast_products(history, 14, workers=2, parallel_from=1)
    assert alone.keys() == shared.keys() and len(alone) == 12
    for product_id, result in alone.items():
        assert result.method == shared[product_id].method
        assert np.allclose(result.mean, shared[product_id].mean)


def test_the_weekly_list_goes_to_each_owner_once_a_week(busy_shop):
    tenants.add_user(busy_shop, wa_id="919800007001", role=Role.OWNER, name="owner")
    tenants.add_user(busy_shop, wa_id="919800007002", role=Role.OWNER, name="partner")
    tenants.add_user(busy_shop, wa_id="919800007003", role=Role.STAFF, name="helper")
    now = utcnow()
    assert weekly_reorder.queue_plan(busy_shop, now) == 2
    assert weekly_reorder.queue_plan(busy_shop, now + timedelta(hours=1)) == 0, "once a week"
    [notice, _] = [n for n in notices.log(busy_shop, now - timedelta(days=1), {NoticeKind.REORDER_PLAN})]
    assert notice.params["count"] == 1 and notice.params["urgent"] == 1
    [item] = notice.params["items"]
    assert (item["name"], item["priority"], item["lead_time_days"]) == ("Chawal", "urgent", 3)
    assert D(item["suggested"]) >= 30 and item["days"] in (2, 3)
    next_week = now + timedelta(days=7)
    assert weekly_reorder.queue_plan(busy_shop, next_week) == 2


def test_nothing_to_order_sends_nothing(shop, make_product):
    tenants.add_user(shop, wa_id="919800007011", role=Role.OWNER, name="owner")
    make_product("Namak", stock=900, lead_time_days=2)
    assert weekly_reorder.queue_plan(shop, utcnow()) == 0


def test_the_forecasts_come_at_once_then_nightly_at_half_past_two_and_the_list_on_monday_at_nine(shop):
    sunday_evening = datetime(2026, 11, 29, 20, 0, tzinfo=IST)
    assert nightly_forecasts.ensure(shop.db, shop.tenant_id, sunday_evening)
    assert weekly_reorder.ensure(shop.db, shop.tenant_id, sunday_evening)
    assert not nightly_forecasts.ensure(shop.db, shop.tenant_id, sunday_evening), "once"
    jobs = {job.kind: job for job in scheduler.jobs_of(shop.db, shop.tenant_id)}
    assert jobs[nightly_forecasts.JOB].due_at == sunday_evening, "a new shop's first forecasts at once"
    assert jobs[weekly_reorder.JOB].due_at.astimezone(IST) == datetime(2026, 11, 30, 9, 0, tzinfo=IST)
    assert jobs[weekly_reorder.JOB].every_days == 7
    handlers = {nightly_forecasts.JOB: lambda db, job, now: None, weekly_reorder.JOB: lambda db, job, now: None}
    assert scheduler.run_due(shop.db, handlers, "w", sunday_evening, tenant_ids={shop.tenant_id}) == 1
    jobs = {job.kind: job for job in scheduler.jobs_of(shop.db, shop.tenant_id)}
    assert jobs[nightly_forecasts.JOB].due_at.astimezone(IST) == datetime(2026, 11, 30, 2, 30, tzinfo=IST)
    assert scheduler.run_due(shop.db, handlers, "w", datetime(2026, 11, 30, 9, 0, tzinfo=IST),
                             tenant_ids={shop.tenant_id}) == 2
    jobs = {job.kind: job for job in scheduler.jobs_of(shop.db, shop.tenant_id)}
    assert jobs[weekly_reorder.JOB].due_at.astimezone(IST) == datetime(2026, 12, 7, 9, 0, tzinfo=IST)
    for job in jobs.values():
        scheduler.cancel(shop.db, shop.tenant_id, job.kind, job.key)
