"""`bot notify --dry-run --at <ISO 8601 time>`: every message the notice worker would send at that moment, one a
line (recipient, a tab, the words with links), for checking a shop's set-up; nothing is written or sent.

What is counted: each shop's daily reminder run once its hour has come that day (unless the owner stopped it),
one-off reminders due by then, the daily closing once its time has come, the owners' weekly list of what to order
on a Monday from 09:00, and notices already waiting. Each goes
through the worker's own rules (consent, quiet hours, the daily cap, the 24-hour window); what they would hold or
skip is listed after, as `#` lines, with the reason."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.notify.worker import NoticeWorker, Shop
from erp_core import closing, notices, reminders, scheduler, weekly_reorder
from erp_core.context import Context
from erp_core.enums import NoticeKind
from erp_core.ledger import business_date
from erp_core.models import Tenant
from erp_core.notices import Consent, NoticeView
from erp_core.permissions import Actor


def _drafts(worker: NoticeWorker, shop: Shop, at: datetime) -> list[NoticeView]:
    """What the shop's jobs would queue at `at`, and what is queued already."""
    ctx = Context(worker.db, shop.id, Actor.system())
    local = at.astimezone(ZoneInfo(shop.timezone))
    jobs = scheduler.jobs_of(worker.db, shop.id)
    found: list[NoticeView] = []

    def add(made: list[reminders.Draft]) -> None:
        found.extend(notices.draft(d.kind, d.key, d.recipient, d.params, at, d.party_id) for d in made)

    run = next((job for job in jobs if job.kind == reminders.JOB), None)
    if (run is None or run.status != "cancelled") and local.time() >= reminders.DUE_REMINDERS_AT:
        add(reminders.plan(ctx, at))
    for job in jobs:
        if job.kind == reminders.ONE_OFF and job.status == "pending" and job.due_at <= at:
            add(reminders.plan(ctx, at, party_id=json.loads(job.payload)["party_id"]))
    with ctx.read() as session:
        tenant = session.get(Tenant, shop.id)
        summary_at = tenant.daily_summary_time if tenant is not None else None
        owners = notices.owners(session)
        day = business_date(tenant, at) if tenant is not None else local.date()
    if summary_at is not None and local.time() >= summary_at:
        facts = closing.params(closing.closing(ctx, day))
        found += [notices.draft(NoticeKind.DAILY_SUMMARY, f"summary:{day}:{owner}", owner, facts, at)
                  for owner in owners]
    weekly = next((job for job in jobs if job.kind == weekly_reorder.JOB), None)
    if (weekly is None or weekly.status != "cancelled") and local.weekday() == weekly_reorder.WEEKDAY and \
            local.time() >= weekly_reorder.SENT_AT and (made := weekly_reorder.plan(ctx, at)) is not None:
        found += [notices.draft(NoticeKind.REORDER_PLAN, weekly_reorder.key(made[0], owner), owner, made[1], at)
                  for owner in owners]
    keys = {draft.key for draft in found}
    return found + [notice for notice in notices.pending(ctx, at) if notice.key not in keys]


def preview(worker: NoticeWorker, at: datetime) -> list[str]:
    """The lines `--dry-run` prints: what would go, then `#` lines for what would wait or not go."""
    if at.tzinfo is None:
        raise ValueError("give the time with its offset, like 2026-12-06T21:00:00+05:30")
    sent, held = [], []
    for shop in worker.shops():
        for notice in _drafts(worker, shop, at):
            decision, consent = worker.decide(shop, notice, at)
            if not decision.send:
                until = "" if decision.not_before is None else \
                    f" until {decision.not_before.astimezone(ZoneInfo(shop.timezone)):%Y-%m-%d %H:%M}"
                held.append(f"# {notice.recipient}\t{notice.kind.value}: {decision.reason}{until}")
                continue
            composed = worker.composer.compose(notice, worker.language(shop, notice), shop.name,
                                               template=decision.as_template, ask=consent is Consent.SEND_AND_ASK,
                                               draw=False)
            sent.append(f"{notice.recipient}\t{' / '.join(composed.text.splitlines())}")
    return sent + held
