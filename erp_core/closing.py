"""The owner's daily closing: the day's sales by how they were paid, money collected on the khata, new udhaar,
expenses, the day's cash (in less out), the best sellers, what is running low, and the last 14 days' sales.

`queue_summary` (the scheduler's `daily_summary` job, kept at the shop's `daily_summary_time` by
`follow_setting`) queues one notice per
owner; the figures travel as the notice's params and the chart is drawn when it is sent (`sales_chart`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erp_core import expenses, inventory, notices, reports, scheduler
from erp_core.context import Context
from erp_core.db import Database
from erp_core.enums import NoticeKind, PaymentMode
from erp_core.ledger import business_date
from erp_core.models import Payment, Sale
from erp_core.models.books import Expense
from erp_core.models.purchases import SupplierPayment
from erp_core.permissions import Actor, Permission

JOB = "daily_summary"
CHART_DAYS = 14
TOP_ITEMS = 3
LOW_ITEMS = 5
MORNING_CUTOFF = time(12, 0)
_ZERO = Decimal(0)


class Closing(BaseModel):
    model_config = ConfigDict(frozen=True)
    day: date
    bills: int
    sales: Decimal
    """Everything sold that day (bills, invoices, orders), less returns."""
    cash_sales: Decimal
    digital_sales: Decimal
    """Paid at the counter by UPI, card, bank transfer or cheque."""
    credit_sales: Decimal
    """Left on the khata: the day's new udhaar."""
    collections: Decimal
    """Money customers paid towards their khata (not with a bill)."""
    expenses: Decimal
    cash: Decimal
    """The day's cash: cash sales and cash collections, less cash expenses and cash paid to suppliers."""
    top: list[str]
    low: list[str]
    last_days: list[tuple[date, Decimal]]
    """Sales of each of the last `CHART_DAYS` days, oldest first (the chart)."""


def _sum(session: Session, column: Any, *where: Any) -> Decimal:
    return Decimal(session.scalar(select(func.coalesce(func.sum(column), 0)).where(*where)) or _ZERO)


def closing(ctx: Context, day: date) -> Closing:
    """The closing of business day `day` (shop time)."""
    ctx.actor.require(Permission.VIEW_SALES)
    with ctx.read() as session:
        zone = ZoneInfo(ctx.tenant(session).timezone)
    start, end = datetime.combine(day, time(0), zone), datetime.combine(day + timedelta(days=1), time(0), zone)
    book = reports.sales_summary(ctx, start, end)
    on_day = (Sale.sold_at >= start, Sale.sold_at < end)
    paid_on_day = (Payment.received_at >= start, Payment.received_at < end)
    with ctx.read() as session:
        cash_sales = _sum(session, Sale.paid, *on_day, Sale.payment_mode == PaymentMode.CASH)
        all_paid = _sum(session, Sale.paid, *on_day)
        with_bills = _sum(session, Sale.paid, *on_day, Sale.party_id.is_not(None))
        cash_with_bills = _sum(session, Sale.paid, *on_day, Sale.party_id.is_not(None),
                               Sale.payment_mode == PaymentMode.CASH)
        payments = _sum(session, Payment.amount, *paid_on_day)
        cash_payments = _sum(session, Payment.amount, *paid_on_day, Payment.mode == PaymentMode.CASH)
        cash_expenses = _sum(session, Expense.amount, Expense.spent_on == day, Expense.mode == PaymentMode.CASH)
        cash_to_suppliers = _sum(session, SupplierPayment.amount, SupplierPayment.paid_at >= start,
                                 SupplierPayment.paid_at < end, SupplierPayment.mode == PaymentMode.CASH)
    spent = expenses.expense_summary(ctx, day, day).total
    cash_in = cash_sales + cash_payments - cash_with_bills   # a bill paid by a known customer is also a payment
    best = reports.top_products(ctx, day, day, limit=TOP_ITEMS).best_by_value
    series = reports.sales_by_period(ctx, day - timedelta(days=CHART_DAYS - 1), day)
    return Closing(day=day, bills=book.bills, sales=book.total, cash_sales=cash_sales,
                   digital_sales=all_paid - cash_sales, credit_sales=book.due, collections=payments - with_bills,
                   expenses=spent, cash=cash_in - cash_expenses - cash_to_suppliers,
                   top=[row.name for row in best if row.value > 0],
                   low=[row.name for row in inventory.low_stock(ctx)[:LOW_ITEMS]],
                   last_days=[(row.start, row.total) for row in series])


def params(view: Closing) -> dict[str, object]:
    """The closing as a notice keeps it (amounts as decimal strings; the words are chosen when it is sent)."""
    return {"day": view.day.isoformat(), "bills": view.bills,
            **{name: notices.money_param(getattr(view, name)) for name in
               ("sales", "cash_sales", "digital_sales", "credit_sales", "collections", "expenses", "cash")},
            "top": view.top, "low": view.low,
            "last_days": [[d.isoformat(), notices.money_param(total)] for d, total in view.last_days]}


def queue_summary(ctx: Context, now: datetime) -> int:
    """Queue the closing of the shop's business day at `now` for each owner (once a day each)."""
    with ctx.read() as session:
        tenant = ctx.tenant(session)
        day = business_date(tenant, now)
        if now.astimezone(ZoneInfo(tenant.timezone)).time() < MORNING_CUTOFF:   # a morning summary closes yesterday
            day -= timedelta(days=1)
    facts = params(closing(ctx, day))
    with ctx.db.session(ctx.tenant_id) as session:
        queued = sum(notices.queue(session, NoticeKind.DAILY_SUMMARY, f"summary:{day.isoformat()}:{owner}", owner,
                                   facts, at=now) for owner in notices.owners(session))
        session.commit()
    return queued


def follow_setting(db: Database, tenant_id: int, now: datetime) -> None:
    """Keep the shop's `daily_summary` job at its `daily_summary_time` (set by chat, the API or the CLI): scheduled
    when set or moved, cancelled when cleared, left alone otherwise."""
    with db.session(tenant_id, readonly=True) as session:
        tenant = Context(db, tenant_id, Actor.system()).tenant(session)
        at, zone = tenant.daily_summary_time, tenant.timezone
    job = next((j for j in scheduler.jobs_of(db, tenant_id) if j.kind == JOB), None)
    active = job is not None and job.status != "cancelled"
    if at is None:
        if active:
            scheduler.cancel(db, tenant_id, JOB, "daily")
    elif not active or job.daily_at != at:
        scheduler.schedule(db, tenant_id, JOB, "daily", due_at=scheduler.next_daily(at, zone, now), daily_at=at)


def run_daily(db: Database, job: scheduler.Job, now: datetime) -> None:
    """The scheduler's handler of the daily closing."""
    queue_summary(Context(db, job.tenant_id, Actor.system()), now)
