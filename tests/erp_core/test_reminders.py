"""Messages the shop sends on its own, as erp_core queues them, on a clock of the test's own (nothing sleeps):
three weeks of the daily reminder run, a one-off reminder, receipts queued with the payment or credit sale they
are about, and a low-stock alert once a day when a sale crosses the reorder point."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from erp_core import ledger, notices, reminders, sales, scheduler, tenants
from erp_core.enums import NoticeKind, NoticeState, Role
from erp_core.errors import ValidationError
from erp_core.sales import LineIn

IST = ZoneInfo("Asia/Kolkata")
D = Decimal


def ist(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=IST)


def reminders_sent(ctx) -> list[tuple[str, str, str, int]]:
    """(customer, shop day, amount, days overdue) of every queued reminder, oldest first."""
    return sorted((n.params["name"], n.key.rsplit(":", 1)[1], n.params["amount"], n.params["days"])
                  for n in notices.log(ctx, datetime(2000, 1, 1, tzinfo=IST), {NoticeKind.REMINDER}))


@pytest.fixture
def khata_shop(new_shop, make_product, make_customer):
    ctx = new_shop(name="Ganesh Kirana", state="Maharashtra")
    tenants.add_user(ctx, wa_id="919800003001", role=Role.OWNER, name="owner")
    oil = make_product("Tel", ctx=ctx, price="1000", stock=100, unit="l")
    people = {name: make_customer(name, ctx=ctx, phone=phone) for name, phone in (
        ("Sharma ji", "919811110001"), ("Gupta ji", "919811110002"), ("Verma ji", "919811110003"))}
    people["Walk-in"] = make_customer("Walk-in", ctx=ctx)  # no WhatsApp number: nothing can be sent
    reminders.set_every(ctx, people["Gupta ji"].id, 3)
    reminders.set_every(ctx, people["Verma ji"].id, 0)
    for person in people.values():  # ₹1,000 of oil on credit each, 1 December at noon
        sales.post_sale(ctx, [LineIn(product_id=oil.id, quantity=D(1))], party_id=person.id, payment_mode="credit",
                        at=ist(date(2026, 12, 1), 12))
    return ctx, people


def test_three_weeks_of_daily_runs_remind_each_overdue_customer_on_their_cycle_and_never_twice_a_day(khata_shop):
    ctx, people = khata_shop
    start = date(2026, 12, 1)
    reminders.enable(ctx, ist(start, 0))
    handlers = {reminders.JOB: reminders.run_daily}
    for offset in range(22):
        day = start + timedelta(days=offset)
        if day == date(2026, 12, 16):
            ledger.record_payment(ctx, people["Sharma ji"].id, 400, at=ist(day, 12))
        if day == date(2026, 12, 18):
            ledger.record_payment(ctx, people["Gupta ji"].id, 1000, at=ist(day, 12))
        shop = {ctx.tenant_id}
        assert scheduler.run_due(ctx.db, handlers, "worker-1", ist(day, 10), tenant_ids=shop) == 1, "once a day"
        assert scheduler.run_due(ctx.db, handlers, "worker-2", ist(day, 15), tenant_ids=shop) == 0
        assert reminders.queue_due(ctx, ist(day, 18)) == 0, "a second run the same day queues nothing"
    assert reminders_sent(ctx) == [
        # every 3 days once overdue (from the 8th) until paid in full on the 18th
        ("Gupta ji", "2026-12-08", "1000.00", 7), ("Gupta ji", "2026-12-11", "1000.00", 10),
        ("Gupta ji", "2026-12-14", "1000.00", 13), ("Gupta ji", "2026-12-17", "1000.00", 16),
        # every 7 days, the last one for what is left after ₹400 was paid
        ("Sharma ji", "2026-12-08", "1000.00", 7), ("Sharma ji", "2026-12-15", "1000.00", 14),
        ("Sharma ji", "2026-12-22", "600.00", 21),
    ]  # Verma ji asked for none (0), Walk-in has no number


def test_a_one_off_reminder_goes_on_its_day_whatever_the_cycle_and_not_when_nothing_is_due(khata_shop):
    ctx, people = khata_shop
    handlers = {reminders.ONE_OFF: reminders.run_one_off}
    reminders.remind_at(ctx, people["Verma ji"].id, ist(date(2026, 12, 4), 9))
    reminders.remind_at(ctx, people["Sharma ji"].id, ist(date(2026, 12, 5), 9))
    ledger.record_payment(ctx, people["Sharma ji"].id, 1000, at=ist(date(2026, 12, 4), 18))
    shop = {ctx.tenant_id}
    assert scheduler.run_due(ctx.db, handlers, "w", ist(date(2026, 12, 4), 8, 59), tenant_ids=shop) == 0, "not yet"
    assert scheduler.run_due(ctx.db, handlers, "w", ist(date(2026, 12, 5), 9), tenant_ids=shop) == 2
    # Verma ji is reminded though not overdue and off the cycle; Sharma ji paid up, so nothing goes
    assert reminders_sent(ctx) == [("Verma ji", "2026-12-05", "1000.00", 4)]


def test_a_reminder_carries_a_upi_link_for_exactly_what_is_due(khata_shop):
    ctx, people = khata_shop
    from erp_core import invoice_settings
    invoice_settings.configure_invoicing(ctx, upi_vpa="ganesh.kirana@okicici")
    [draft] = [d for d in reminders.plan(ctx, ist(date(2026, 12, 8), 10)) if d.party_id == people["Sharma ji"].id]
    assert draft.recipient == "919811110001"
    assert "pa=ganesh.kirana@okicici" in draft.params["link"] and "am=1000.00" in draft.params["link"]
    with pytest.raises(ValidationError):
        reminders.set_every(ctx, people["Sharma ji"].id, 400)


def test_receipts_are_queued_with_the_payment_or_credit_sale_and_only_once(khata_shop):
    ctx, people = khata_shop
    sharma = people["Sharma ji"].id
    [credit] = [n for n in notices.log(ctx, ist(date(2026, 11, 1), 0), {NoticeKind.CREDIT_RECEIPT})
                if n.party_id == sharma]
    assert (credit.recipient, credit.params["amount"], credit.params["balance"]) == ("919811110001", "1000.00",
                                                                                     "1000.00")
    for _ in range(2):  # the same request twice (a webhook retried): one payment, one receipt
        ledger.record_payment(ctx, sharma, 250, idempotency_key="upi-txn-1")
    [receipt] = notices.log(ctx, ist(date(2026, 11, 1), 0), {NoticeKind.PAYMENT_RECEIPT})
    assert (receipt.params["amount"], receipt.params["balance"], receipt.state) == ("250.00", "750.00",
                                                                                   NoticeState.PENDING)
    walk_in = [n for n in notices.log(ctx, ist(date(2026, 11, 1), 0)) if n.party_id == people["Walk-in"].id]
    assert walk_in == [], "no number, no notice"


def test_a_sale_that_crosses_the_reorder_point_alerts_the_owner_once_a_day(new_shop, make_product):
    ctx = new_shop(name="Ganesh Kirana")
    tenants.add_user(ctx, wa_id="919800003101", role=Role.OWNER, name="owner")
    tenants.add_user(ctx, wa_id="919800003102", role=Role.STAFF, name="counter")
    maggi = make_product("Maggi", ctx=ctx, price="14", stock=12, unit="packet", reorder_point=10)

    def sell(quantity: int, when: datetime) -> None:
        sales.post_sale(ctx, [LineIn(product_id=maggi.id, quantity=D(quantity))], at=when)

    sell(1, ist(date(2026, 12, 1), 10))  # 11 left: still above 10
    sell(2, ist(date(2026, 12, 1), 11))  # 9 left: crossed
    sell(1, ist(date(2026, 12, 1), 12))  # 8 left: already under
    alerts = notices.log(ctx, ist(date(2026, 11, 1), 0), {NoticeKind.LOW_STOCK})
    assert [(a.recipient, a.params["product"], a.params["left"], a.params["reorder"]) for a in alerts] == [
        ("919800003101", "Maggi", "9", "10")]
