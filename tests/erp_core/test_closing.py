"""The owner's daily closing, figured by hand: sales by how they were paid, khata collections (a bill's own
payment is not one), new udhaar, expenses, the day's cash, top sellers, low stock, and the 14 days' series; and
the summary queued once a day per owner, a morning summary closing the day before."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from erp_core import closing, expenses, ledger, notices, parties, purchases, sales, tenants
from erp_core.enums import NoticeKind, PartyKind, Role
from erp_core.sales import LineIn

IST = ZoneInfo("Asia/Kolkata")
D = Decimal
DAY = date(2026, 12, 5)


def at(hour: int, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=IST)


def test_a_days_closing_adds_up(shop, make_product, make_customer):
    rice = make_product("Chawal", stock=100, cost="40", price="50")
    oil = make_product("Tel", stock=20, cost="90", price="100", reorder_point=18)
    sharma, gupta = make_customer("Sharma ji"), make_customer("Gupta ji")
    supplier = parties.add_party(shop, kind=PartyKind.SUPPLIER, name="Balaji Traders")
    sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(2))], payment_mode="cash", at=at(9))      # 100 cash
    sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(4))], payment_mode="upi", at=at(10))      # 200 UPI
    sales.post_sale(shop, [LineIn(product_id=oil.id, quantity=D(3))], party_id=sharma.id, payment_mode="credit",
                    at=at(11))                                                                             # 300 udhaar
    sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(8))], party_id=gupta.id, payment_mode="cash",
                    paid="150", at=at(12))                                                     # 400: 150 cash, 250 due
    ledger.record_payment(shop, sharma.id, "500", "cash", at=at(13))                           # khata collection
    expenses.record_expense(shop, "50", "food", "cash", at=at(14))
    purchases.pay_supplier(shop, supplier.id, "70", "cash", at=at(15))
    sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(1))], payment_mode="cash", at=at(9, DAY - timedelta(1)))

    view = closing.closing(shop, DAY)
    assert (view.bills, view.sales, view.cash_sales, view.digital_sales, view.credit_sales) == (
        4, D("1000"), D("250"), D("200"), D("550"))
    assert (view.collections, view.expenses, view.cash) == (D("500"), D("50"), D("250") + D("500") - D("50") - D("70"))
    assert view.top == ["Chawal", "Tel"] and view.low == ["Tel"]
    assert view.last_days[-2:] == [(DAY - timedelta(1), D("50")), (DAY, D("1000"))] and len(view.last_days) == 14


def test_the_summary_goes_once_a_day_to_each_owner_and_a_morning_one_closes_yesterday(shop, make_product):
    tenants.add_user(shop, wa_id="919800006001", role=Role.OWNER, name="owner")
    tenants.add_user(shop, wa_id="919800006002", role=Role.STAFF, name="staff")
    rice = make_product("Chawal", stock=10)
    sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(1))], at=at(10))
    assert closing.queue_summary(shop, at(21)) == 1
    assert closing.queue_summary(shop, at(22)) == 0, "once a day"
    assert closing.queue_summary(shop, at(7, DAY + timedelta(1))) == 0, "07:00 closes the 5th: sent already"
    [sent] = notices.log(shop, datetime(2000, 1, 1, tzinfo=IST), {NoticeKind.DAILY_SUMMARY})
    assert sent.recipient == "919800006001" and sent.params["day"] == "2026-12-05" and sent.params["sales"] == "50.00"
