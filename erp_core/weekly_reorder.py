"""The owner's weekly "what to order" message: every Monday morning (the scheduler's `weekly_reorder` job, at
09:00 shop time, after the night's forecasts), the products to order this week, most urgent first, as a notice
to each owner. Nothing to order, no message."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from erp_core import notices, reorder, scheduler
from erp_core.context import Context
from erp_core.db import Database
from erp_core.enums import NoticeKind
from erp_core.ledger import business_date
from erp_core.permissions import Actor

JOB = "weekly_reorder"
SENT_AT = time(9, 0)
WEEKDAY = 0
"""Monday."""
ITEMS = 8
"""Lines the message lists (the rest are counted, and a button shows the full list)."""


def plan(ctx: Context, now: datetime) -> tuple[str, dict[str, object]] | None:
    """(The week's key, the notice's params) of this week's list at `now`; None when nothing is to be ordered."""
    lines = reorder.reorder_suggestions(ctx, now=now)
    if not lines:
        return None
    with ctx.read() as session:
        today = business_date(ctx.tenant(session), now)
    week = (today - timedelta(days=today.weekday())).isoformat()
    return week, {
        "week": week, "count": len(lines), "urgent": sum(line.priority == "urgent" for line in lines),
        "items": [{"name": line.name, "unit": line.unit.value, "suggested": notices.quantity_param(line.suggested),
                   "available": notices.quantity_param(line.available), "days": line.days_to_stockout,
                   "priority": line.priority, "lead_time_days": line.lead_time_days,
                   "reorder_point": notices.quantity_param(line.reorder_point), "festival": line.festival,
                   "lift": f"{line.festival_lift:.1f}"} for line in lines[:ITEMS]]}


def key(week: str, owner: str) -> str:
    """The notice's key: one list a week to each owner."""
    return f"reorder:{week}:{owner}"


def queue_plan(ctx: Context, now: datetime) -> int:
    """Queue this week's reorder list for each owner (once a week each); how many were queued."""
    made = plan(ctx, now)
    if made is None:
        return 0
    week, params = made
    with ctx.db.session(ctx.tenant_id) as session:
        queued = sum(notices.queue(session, NoticeKind.REORDER_PLAN, key(week, owner), owner, params, at=now)
                     for owner in notices.owners(session))
        session.commit()
    return queued


def next_monday(timezone: str, after: datetime) -> datetime:
    """The first Monday `SENT_AT` (shop time) after `after`, in UTC."""
    due = scheduler.next_daily(SENT_AT, timezone, after)
    while due.astimezone(ZoneInfo(timezone)).weekday() != WEEKDAY:
        due = scheduler.next_daily(SENT_AT, timezone, due)
    return due


def ensure(db: Database, tenant_id: int, now: datetime) -> bool:
    """A shop without the weekly message gets one; True when it was added."""
    if any(job.kind == JOB for job in scheduler.jobs_of(db, tenant_id)):
        return False
    ctx = Context(db, tenant_id, Actor.system())
    with ctx.read() as session:
        zone = ctx.tenant(session).timezone
    scheduler.schedule(db, tenant_id, JOB, "weekly", due_at=next_monday(zone, now), every_days=7)
    return True


def run_weekly(db: Database, job: scheduler.Job, now: datetime) -> None:
    """The scheduler's handler of the weekly message."""
    queue_plan(Context(db, job.tenant_id, Actor.system()), now)
