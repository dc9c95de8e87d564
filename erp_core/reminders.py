"""Due reminders: which customers get one today, how often, and the one-off ones the owner asks for.

A customer is overdue when part of what they owe is `OVERDUE_AFTER_DAYS` old or older (payments settle the
oldest bills first). While overdue, a reminder goes every `reminder_every_days` days (the customer's own, else
`DEFAULT_EVERY_DAYS`; 0 stops them), never two on one day: each is keyed by customer and shop day. The shop's
daily `due_reminders` job queues them (`queue_due`); what `plan` returns is the same list without writing, for
`bot notify --dry-run`. The reminder carries the amount, how old the debt is and a UPI link for exactly that
amount; whether and when it may go (consent, quiet hours, the 24-hour window) is the sender's to decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, select

from erp_core import ledger, notices, scheduler, upi
from erp_core.context import Context
from erp_core.db import Database
from erp_core.enums import NoticeKind, PartyKind
from erp_core.errors import ValidationError
from erp_core.ledger import business_date
from erp_core.models import Party
from erp_core.models.notices import Notice
from erp_core.permissions import Actor, Permission

OVERDUE_AFTER_DAYS = 7
DEFAULT_EVERY_DAYS = 7
DUE_REMINDERS_AT = time(10, 0)
"""When the shop's daily reminder run is (shop time): after the quiet hours, before the day gets busy."""
JOB = "due_reminders"
ONE_OFF = "reminder"


@dataclass(frozen=True)
class Draft:
    """A notice not yet queued: what `notices.queue` will be given."""

    kind: NoticeKind
    key: str
    recipient: str
    party_id: int | None
    params: dict[str, Any]


def _last_reminded(ctx: Context) -> dict[int, date]:
    """The shop day of each customer's latest reminder (queued, sent or held alike)."""
    with ctx.read() as session:
        rows = session.execute(select(Notice.party_id, func.max(Notice.created_at))
                               .where(Notice.kind == NoticeKind.REMINDER, Notice.party_id.is_not(None))
                               .group_by(Notice.party_id)).tuples().all()
        tenant = ctx.tenant(session)
        return {party_id: business_date(tenant, at) for party_id, at in rows}


def _draft(party: Party, row: ledger.AgeingRow, today: date, shop: str, payee: str | None, by_owner: bool) -> Draft:
    link = upi.pay_link(payee, shop, row.total, f"DUE-{party.id}-{today:%Y%m%d}", note=f"{shop} khata") \
        if payee else ""
    return Draft(NoticeKind.REMINDER, f"reminder:{party.id}:{today.isoformat()}", party.phone or "", party.id,
                 {"shop": shop, "name": party.name, "amount": notices.money_param(row.total),
                  "days": (today - row.oldest_unpaid).days if row.oldest_unpaid else 0, "link": link,
                  "by_owner": by_owner})


def plan(ctx: Context, now: datetime, party_id: int | None = None) -> list[Draft]:
    """The reminders due at `now`: each overdue customer with a WhatsApp number whose cycle has come round; with
    `party_id`, that customer's reminder whenever they owe anything (a one-off the owner asked for)."""
    with ctx.read() as session:
        tenant = ctx.tenant(session)
        today, shop, payee = business_date(tenant, now), tenant.name, tenant.upi_vpa
        customers = {p.id: p for p in session.scalars(select(Party).where(Party.kind == PartyKind.CUSTOMER))}
    last = _last_reminded(ctx)
    drafts = []
    for row in ledger.ageing(ctx, as_of=today, party_id=party_id):
        party = customers.get(row.party_id)
        if party is None or not party.phone or row.oldest_unpaid is None:
            continue
        every = DEFAULT_EVERY_DAYS if party.reminder_every_days is None else party.reminder_every_days
        cycle_due = ((today - row.oldest_unpaid).days >= OVERDUE_AFTER_DAYS and every > 0
                     and (row.party_id not in last or (today - last[row.party_id]).days >= every))
        if party_id is not None or cycle_due:
            drafts.append(_draft(party, row, today, shop, payee, by_owner=party_id is not None))
    return drafts


def queue_due(ctx: Context, now: datetime, party_id: int | None = None) -> int:
    """Queue the reminders `plan` finds; how many were new (a second run on the same day queues none)."""
    drafts = plan(ctx, now, party_id)
    with ctx.db.session(ctx.tenant_id) as session:
        queued = sum(notices.queue(session, d.kind, d.key, d.recipient, d.params, party_id=d.party_id, at=now)
                     for d in drafts)
        session.commit()
    return queued


def set_every(ctx: Context, party_id: int, every_days: int | None) -> None:
    """How often `party_id` is reminded while overdue (None: the shop's default; 0: never)."""
    ctx.actor.require(Permission.RECORD_PAYMENT)
    if every_days is not None and not 0 <= every_days <= 90:
        raise ValidationError(field="every_days", reason="0 (never) to 90 days")
    with ctx.db.session(ctx.tenant_id) as session:
        party = session.get(Party, party_id)
        if party is None or party.kind is not PartyKind.CUSTOMER:
            raise ValidationError(field="party_id", reason="reminders go to customers")
        party.reminder_every_days = every_days
        session.commit()


def enable(ctx: Context, now: datetime) -> None:
    """Start (or keep) the shop's daily reminder run at `DUE_REMINDERS_AT` shop time."""
    ctx.actor.require(Permission.MANAGE_SETTINGS)
    with ctx.read() as session:
        zone = ctx.tenant(session).timezone
    scheduler.schedule(ctx.db, ctx.tenant_id, JOB, "daily", due_at=scheduler.next_daily(DUE_REMINDERS_AT, zone, now),
                       daily_at=DUE_REMINDERS_AT)


def disable(ctx: Context, now: datetime) -> None:
    """Stop the shop's daily reminder run ("reminders band karo"); a shop whose run was never set up keeps a
    cancelled one, so that the worker does not set it up (`ensure`)."""
    enable(ctx, now)
    scheduler.cancel(ctx.db, ctx.tenant_id, JOB, "daily")


def ensure(db: Database, tenant_id: int, now: datetime) -> bool:
    """A shop that never had a daily reminder run gets one (a run the owner stopped stays stopped); True when
    one was added."""
    if any(job.kind == JOB for job in scheduler.jobs_of(db, tenant_id)):
        return False
    enable(Context(db, tenant_id, Actor.system()), now)
    return True


def remind_at(ctx: Context, party_id: int, at: datetime) -> None:
    """A one-off reminder to `party_id` at `at` ("kal subah 9 baje Sharma ji ko yaad dilana"), sent if they still
    owe anything then."""
    ctx.actor.require(Permission.RECORD_PAYMENT)
    scheduler.schedule(ctx.db, ctx.tenant_id, ONE_OFF, f"party:{party_id}:{at.isoformat()}", due_at=at,
                       payload={"party_id": party_id})


def run_daily(db: Database, job: scheduler.Job, now: datetime) -> None:
    """The scheduler's handler of a shop's daily reminder run."""
    queue_due(Context(db, job.tenant_id, Actor.system()), now)


def run_one_off(db: Database, job: scheduler.Job, now: datetime) -> None:
    """The scheduler's handler of a one-off reminder."""
    queue_due(Context(db, job.tenant_id, Actor.system()), now, party_id=job.payload["party_id"])
