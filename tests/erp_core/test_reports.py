"""Reports over the sales book: a sale counted once whichever way it was made, profit, best and slowest sellers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from erp_core import credit_notes, inventory, invoices, reports, returns, sales
from erp_core.context import Context
from erp_core.credit_notes import ReturnLineIn
from erp_core.enums import MovementKind, Role
from erp_core.errors import PermissionDenied, ValidationError
from erp_core.invoices import InvoiceLineIn
from erp_core.models import StockMovement
from erp_core.permissions import Actor
from erp_core.sales import LineIn
from erp_core.sales_book import Source, sales_book
from tests.sales_every_way import DAILY, EARLIER_BILL, GST_SHOP, PROFIT, SOLD, sell_every_way

D = Decimal


def as_staff(ctx: Context) -> Context:
    return Context(ctx.db, ctx.tenant_id, Actor(user_id=None, role=Role.STAFF))


def figures(model, names) -> dict:
    return {name: getattr(model, name) for name in names}


def test_every_report_counts_a_sale_once_whichever_way_it_was_made(new_shop):
    ctx = new_shop(**GST_SHOP)
    booked = sell_every_way(ctx)
    day = booked.day

    assert figures(reports.daily_summary(ctx, day), DAILY) == DAILY

    start, end = (datetime.combine(d, datetime.min.time(), ZoneInfo("Asia/Kolkata"))
                  for d in (day, day + timedelta(days=1)))
    summary = reports.sales_summary(ctx, start, end)
    assert (summary.bills, summary.returns, summary.total, summary.paid, summary.due, summary.profit) == (
        5, 1, DAILY["sales_total"], DAILY["paid_at_counter"], DAILY["new_dues"], PROFIT["gross_profit"])

    by_day = reports.sales_by_period(ctx, day - timedelta(days=3), day)
    assert [(p.start, p.bills, p.returns, p.total, p.due) for p in by_day] == [
        (day - timedelta(days=3), 1, 0, EARLIER_BILL["total"], D(0)),
        (day - timedelta(days=2), 0, 0, D(0), D(0)),
        (day - timedelta(days=1), 0, 0, D(0), D(0)),
        (day, 5, 1, DAILY["sales_total"], DAILY["new_dues"]),
    ]

    assert figures(reports.profit_summary(ctx, day, day), PROFIT) == PROFIT
    longer = reports.profit_summary(ctx, day - timedelta(days=3), day)
    assert (longer.sales, longer.cost_of_goods, longer.gross_profit, longer.margin) == (
        D("1115.00"), D("925.00"), D("165.00"), D("15.14"))  # 165 / 1090

    top = reports.top_products(ctx, day, day)
    assert [(p.name, p.quantity, p.value) for p in top.best_by_quantity] == [
        ("Chawal", *SOLD["Chawal"]), ("Tel", *SOLD["Tel"])]
    assert [p.name for p in top.best_by_value] == ["Chawal", "Tel"]
    assert [(p.name, p.quantity, p.value) for p in top.slowest_by_quantity] == [
        ("Sabun", *SOLD["Sabun"]), ("Tel", *SOLD["Tel"]), ("Chawal", *SOLD["Chawal"])]
    assert [p.name for p in top.slowest_by_value] == ["Sabun", "Tel", "Chawal"]
    assert [p.name for p in reports.top_products(ctx, day, day, limit=1).slowest_by_value] == ["Sabun"]

    book = sales_book(ctx, start, end)
    assert sorted(d.source for d in book) == sorted(
        [Source.BILL] * 3 + [Source.INVOICE, Source.ORDER, Source.RETURN])
    assert booked.invoiced_bill_id in {d.id for d in book if d.source is Source.BILL}
    assert booked.invoice_id in {d.id for d in book if d.source is Source.INVOICE}
    note = next(d for d in book if d.source is Source.RETURN)
    assert (note.id, note.total, note.tax, note.cost, note.due) == (
        booked.credit_note_id, D("-105.00"), D("-5.00"), D("-95.00"), D("-105.00"))


def test_staff_see_sales_and_sellers_but_no_profit(new_shop):
    ctx = new_shop(**GST_SHOP)
    day = sell_every_way(ctx).day
    staff = as_staff(ctx)
    daily = reports.daily_summary(staff, day)
    assert (daily.sales_total, daily.profit) == (DAILY["sales_total"], None)
    assert reports.top_products(staff, day, day).best_by_value[0].name == "Chawal"
    with pytest.raises(PermissionDenied):
        reports.profit_summary(staff, day, day)


def test_a_bill_for_a_product_with_a_rate_that_is_no_gst_rate_counts_as_untaxed(new_shop, make_product):
    ctx = new_shop(**GST_SHOP)
    odd = make_product("Odd", stock=5, cost="40", price="107", gst_rate="7", ctx=ctx)
    at = datetime(2024, 6, 3, 6, 0, tzinfo=timezone.utc)
    sales.post_sale(ctx, [LineIn(product_id=odd.id, quantity=D(1))], at=at)
    profit = reports.profit_summary(ctx, at.date(), at.date())
    assert (profit.sales, profit.tax, profit.gross_profit) == (D("107.00"), D(0), D("67.00"))


def test_a_lump_sum_invoice_is_a_sale_without_goods_or_cost(new_shop, make_customer):
    ctx = new_shop()  # not registered for GST: a Bill of Supply may be for a lump sum
    sharma = make_customer(ctx=ctx)
    at = datetime(2024, 6, 3, 6, 0, tzinfo=timezone.utc)
    invoices.invoice_for_amount(ctx, "500", party_id=sharma.id, at=at)
    day = at.date()
    assert figures(reports.daily_summary(ctx, day), ("bills", "sales_total", "new_dues", "profit")) == {
        "bills": 1, "sales_total": D("500.00"), "new_dues": D("500.00"), "profit": D("500.00")}
    profit = reports.profit_summary(ctx, day, day)
    assert (profit.net_sales, profit.cost_of_goods, profit.margin) == (D("500.00"), D(0), D("100.00"))
    assert reports.top_products(ctx, day, day).best_by_value == []


def test_a_walk_in_return_is_money_given_back(new_shop, make_product):
    ctx = new_shop()
    rice = make_product("Chawal", stock=10, cost="40", price="50", ctx=ctx)
    at = datetime(2024, 6, 3, 6, 0, tzinfo=timezone.utc)
    invoice = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=rice.id, quantity=D(2))], payment_mode="cash",
                                      at=at)
    credit_notes.credit_note(ctx, invoice.id, [ReturnLineIn(product_id=rice.id, quantity=D(1))], reason="spilt",
                             at=at + timedelta(hours=1))
    summary = reports.daily_summary(ctx, at.date())
    assert (summary.bills, summary.returns, summary.sales_total, summary.paid_at_counter, summary.new_dues,
            summary.profit) == (1, 1, D("50.00"), D("50.00"), D(0), D("10.00"))


def test_an_outgoing_movement_written_without_its_cost_is_costed_from_the_ledger(new_shop, make_product):
    ctx = new_shop()
    oil = make_product("Tel", stock=4, cost="100", price="150", unit="pcs", ctx=ctx)
    at = datetime(2024, 6, 3, 6, 0, tzinfo=timezone.utc)
    invoice = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=oil.id, quantity=D(2))], at=at)
    with ctx.db.session(ctx.tenant_id) as session, session.begin():  # as rows were written before costs were kept
        session.execute(update(StockMovement).where(StockMovement.ref_type == "invoice",
                                                    StockMovement.ref_id == invoice.id).values(unit_cost=None))
    inventory.receive_stock(ctx, oil.id, 2, "160")  # the average is 130 now; the goods left at 100
    profit = reports.profit_summary(ctx, at.date(), at.date())
    assert (profit.sales, profit.cost_of_goods) == (D("300.00"), D("200.00"))


def test_goods_going_out_are_recorded_at_the_average_cost_they_left_with(shop, make_product):
    rice = make_product("Chawal", stock=10, cost="40", price="50")
    inventory.receive_stock(shop, rice.id, 10, "60")
    sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(3))])
    out = [m for m in inventory.movements(shop, rice.id) if m.kind is MovementKind.STOCK_OUT]
    assert [m.unit_cost for m in out] == [D("50.0000")]


def test_sales_summary_totals_and_profit_and_hides_profit_from_staff(shop, make_product, make_customer):
    rice = make_product("Chawal", stock=20, cost="40", price="50")
    oil = make_product("Tel", stock=5, cost="150", price="180")
    sharma = make_customer()
    start = datetime(2024, 6, 1, 0, 0, tzinfo=timezone.utc)
    end = start + timedelta(days=1)
    # Inside the window: at its start (inclusive) and within it.
    sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(3))], at=start)  # 150, cost 120
    sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(2)), LineIn(product_id=oil.id, quantity=D(1))],
                    party_id=sharma.id, discount="10", paid="200", at=start + timedelta(hours=5))  # 270, cost 230
    # Outside: just before the start and at the (exclusive) end.
    sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(1))], at=start - timedelta(seconds=1))
    sales.post_sale(shop, [LineIn(product_id=oil.id, quantity=D(1))], at=end)
    summary = reports.sales_summary(shop, start, end)
    assert (summary.bills, summary.total, summary.paid, summary.due) == (2, D("420.00"), D("350.00"), D("70.00"))
    assert summary.profit == D("420.00") - D("120.00") - D("230.00")
    hidden = reports.sales_summary(as_staff(shop), start, end)
    assert hidden.profit is None
    assert (hidden.bills, hidden.total, hidden.paid, hidden.due) == (2, D("420.00"), D("350.00"), D("70.00"))


def test_an_empty_sales_summary_is_zero(shop):
    start = datetime(2024, 6, 1, tzinfo=timezone.utc)
    summary = reports.sales_summary(shop, start, start + timedelta(days=1))
    assert (summary.bills, summary.total, summary.paid, summary.due, summary.profit) == (0, D(0), D(0), D(0), D(0))
    assert reports.profit_summary(shop, start.date(), start.date()).margin is None


def test_a_period_that_ends_before_it_starts_or_a_silly_limit_is_refused(shop):
    day = datetime(2024, 6, 1).date()
    with pytest.raises(ValidationError):
        reports.profit_summary(shop, day, day - timedelta(days=1))
    with pytest.raises(ValidationError):
        reports.top_products(shop, day, day, limit=0)


def test_goods_back_without_a_credit_note_are_negative_sales_at_the_cost_they_left_with(new_shop, make_product,
                                                                                         make_customer):
    """A bill with no invoice and a walk-in return come back through `returns.sale_return`, no credit note:
    the book counts them once, at the bill's price less its discount share and the cost the goods left with."""
    ctx = new_shop()
    soap = make_product("Sabun", stock=10, cost="30", price="50", unit="pcs", ctx=ctx)
    sharma = make_customer(ctx=ctx)
    at = datetime(2024, 6, 3, 6, 0, tzinfo=timezone.utc)
    cash_bill = sales.post_sale(ctx, [LineIn(product_id=soap.id, quantity=D(2))], discount="10", at=at)  # 90
    credit_bill = sales.post_sale(ctx, [LineIn(product_id=soap.id, quantity=D(2))], party_id=sharma.id,
                                  payment_mode="credit", at=at)  # 100 on the khata
    inventory.receive_stock(ctx, soap.id, 4, "42")  # the average moves to 36; the goods left at 30
    later = at + timedelta(hours=2)
    returns.sale_return(ctx, [returns.ReturnLineIn(product_id=soap.id, quantity=D(1))], sale_id=cash_bill.sale_id,
                        refund_mode="cash", at=later)  # 45 paid back
    returns.sale_return(ctx, [returns.ReturnLineIn(product_id=soap.id, quantity=D(1))], sale_id=credit_bill.sale_id,
                        refund_mode="khata", at=later)  # 50 off the khata
    summary = reports.daily_summary(ctx, at.date())
    assert (summary.bills, summary.returns, summary.sales_total, summary.paid_at_counter, summary.new_dues) == (
        2, 2, D("95.00"), D("45.00"), D("50.00"))  # 190 - 45 - 50; 90 - 45; 100 - 50
    profit = reports.profit_summary(ctx, at.date(), at.date())
    assert (profit.sales, profit.cost_of_goods, profit.gross_profit) == (D("95.00"), D("60.00"), D("35.00"))
    top = reports.top_products(ctx, at.date(), at.date())
    assert [(p.name, p.quantity, p.value) for p in top.best_by_quantity] == [("Sabun", D(2), D("95.00"))]
    book = sales_book(ctx, *(datetime.combine(d, datetime.min.time(), ZoneInfo("Asia/Kolkata"))
                             for d in (at.date(), at.date() + timedelta(days=1))))
    assert sorted(d.source for d in book) == sorted([Source.BILL] * 2 + [Source.GOODS_RETURN] * 2)
