"""A durable scheduler: jobs are rows (`ScheduledJob`), claimed by workers under a lease.

`claim` takes due jobs with `FOR UPDATE SKIP LOCKED` on PostgreSQL (on SQLite every writer holds the database
lock, which serialises claims the same way), so two workers never take the same job. A worker that dies leaves
its job `running` until the lease passes; then another claims it. A recurring job that was due several times
while nothing ran (downtime) runs once, and is next due at its first occurrence after now. Times are passed in
(`now`), so tests drive a clock of their own and nothing sleeps.

No library fits this shape: APScheduler 3's job stores are for one scheduler process (several sharing one
store run jobs twice), APScheduler 4 is not released, and procrastinate and the other PostgreSQL queues have no
SQLite, the embedded default.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from erp_core.db import Database
from erp_core.errors import ValidationError
from erp_core.models import Tenant
from erp_core.models.scheduling import ScheduledJob

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))


@dataclass(frozen=True)
class Job:
    """A claimed job, as its handler sees it."""

    id: int
    tenant_id: int
    kind: str
    key: str
    payload: dict[str, Any]
    due_at: datetime
    """When this run was due (the idempotency point of whatever the run sends)."""


Handler = Callable[[Database, Job, datetime], None]


def next_daily(at: time, timezone: str, after: datetime) -> datetime:
    """The first moment after `after` when the clock in `timezone` shows `at` (UTC)."""
    zone = ZoneInfo(timezone)
    local = after.astimezone(zone)
    candidate = datetime.combine(local.date(), at, tzinfo=zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=zone)
    return candidate.astimezone(ZoneInfo("UTC"))


def _next_due(job: ScheduledJob, timezone: str, now: datetime) -> datetime | None:
    if job.daily_at is not None:
        return next_daily(job.daily_at, timezone, now)
    if job.every_days:
        step = timedelta(days=job.every_days)
        due = job.due_at + step
        if due <= now:  # missed runs are not made up: one run, then the next one after now
            due += step * ((now - due) // step + 1)
        return due
    return None


def _the_job(session: Session, tenant_id: int, kind: str, key: str) -> ScheduledJob | None:
    return session.scalar(select(ScheduledJob).where(ScheduledJob.tenant_id == tenant_id, ScheduledJob.kind == kind,
                                                     ScheduledJob.key == key).with_for_update())


def schedule(
    db: Database,
    tenant_id: int,
    kind: str,
    key: str,
    due_at: datetime,
    *,
    payload: dict[str, Any] | None = None,
    every_days: int | None = None,
    daily_at: time | None = None,
) -> int:
    """Add a job, or move the one with the same (tenant, kind, key) to the new time and rule. Returns its id."""
    if due_at.tzinfo is None:
        raise ValidationError(field="due_at", reason="a due time needs its time zone")
    if every_days is not None and every_days < 1:
        raise ValidationError(field="every_days", reason="at least every day")
    with db.session(None) as session, session.begin():
        job = _the_job(session, tenant_id, kind, key)
        if job is None:
            try:
                with session.begin_nested():   # another worker may be adding the same job right now
                    job = ScheduledJob(tenant_id=tenant_id, kind=kind, key=key, payload="{}", due_at=due_at)
                    session.add(job)
                    session.flush()
            except IntegrityError:
                job = _the_job(session, tenant_id, kind, key)
                assert job is not None
        job.payload = json.dumps(payload or {}, sort_keys=True)
        job.due_at, job.every_days, job.daily_at = due_at, every_days, daily_at
        job.status, job.attempts, job.worker, job.lease_until, job.last_error = "pending", 0, None, None, ""
        session.flush()
        return job.id


def cancel(db: Database, tenant_id: int, kind: str, key: str) -> bool:
    """Stop a job (a running one finishes its current run). False when there is none."""
    with db.session(None) as session, session.begin():
        job = session.scalar(select(ScheduledJob).where(ScheduledJob.tenant_id == tenant_id,
                                                        ScheduledJob.kind == kind, ScheduledJob.key == key))
        if job is None or job.status == "cancelled":
            return False
        job.status = "cancelled"
        return True


def claim(db: Database, worker: str, now: datetime, limit: int = 20,
          tenant_ids: Collection[int] | None = None) -> list[Job]:
    """Take up to `limit` due jobs (and jobs whose worker's lease has passed) for `worker`, oldest first; with
    `tenant_ids`, only those shops' (a worker serving some shops)."""
    due = or_(and_(ScheduledJob.status == "pending", ScheduledJob.due_at <= now),
              and_(ScheduledJob.status == "running", ScheduledJob.lease_until < now))
    if tenant_ids is not None:
        due = and_(due, ScheduledJob.tenant_id.in_(list(tenant_ids)))
    with db.session(None) as session, session.begin():
        rows = session.scalars(
            select(ScheduledJob)
            .where(due)
            .order_by(ScheduledJob.due_at, ScheduledJob.id).limit(limit)
            .with_for_update(skip_locked=True)).all()
        for job in rows:
            job.status, job.worker, job.lease_until = "running", worker, now + LEASE
            job.attempts += 1
        return [Job(job.id, job.tenant_id, job.kind, job.key, json.loads(job.payload), job.due_at) for job in rows]


def _owned(session: Session, job_id: int, worker: str) -> ScheduledJob | None:
    """The job, locked, if `worker` still holds it (a job whose lease passed may belong to another now)."""
    job = session.scalar(select(ScheduledJob).where(ScheduledJob.id == job_id).with_for_update())
    return job if job is not None and job.status == "running" and job.worker == worker else None


def complete(db: Database, job_id: int, worker: str, now: datetime) -> None:
    """The run succeeded: a recurring job is next due at its next occurrence after now, another is done."""
    with db.session(None) as session, session.begin():
        job = _owned(session, job_id, worker)
        if job is None:
            return
        timezone = session.scalar(select(Tenant.timezone).where(Tenant.id == job.tenant_id)) or "Asia/Kolkata"
        following = _next_due(job, timezone, now)
        job.last_run_at, job.attempts, job.worker, job.lease_until, job.last_error = now, 0, None, None, ""
        if following is None:
            job.status = "done"
        else:
            job.status, job.due_at = "pending", following


def fail(db: Database, job_id: int, worker: str, now: datetime, error: str) -> None:
    """The run failed: try again after a growing pause, and give up after `MAX_ATTEMPTS`."""
    with db.session(None) as session, session.begin():
        job = _owned(session, job_id, worker)
        if job is None:
            return
        job.worker, job.lease_until, job.last_error = None, None, error[:2000]
        if job.attempts >= MAX_ATTEMPTS:
            job.status = "failed"
        else:
            job.status, job.due_at = "pending", now + BACKOFF[min(job.attempts, len(BACKOFF)) - 1]


def run_due(db: Database, handlers: dict[str, Handler], worker: str, now: datetime, limit: int = 20,
            tenant_ids: Collection[int] | None = None) -> int:
    """Claim what is due and run each job's handler; returns how many ran (successfully or not)."""
    jobs = claim(db, worker, now, limit, tenant_ids)
    for job in jobs:
        handler = handlers.get(job.kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for {job.kind!r}")
            handler(db, job, now)
        except Exception as error:  # noqa: BLE001 - one job's failure must not stop the others
            fail(db, job.id, worker, now, f"{type(error).__name__}: {error}")
        else:
            complete(db, job.id, worker, now)
    return len(jobs)


def jobs_of(db: Database, tenant_id: int) -> list[ScheduledJob]:
    """A shop's jobs, soonest first (detached rows, for reports and tests)."""
    with db.session(None) as session:
        return list(session.scalars(select(ScheduledJob).where(ScheduledJob.tenant_id == tenant_id)
                                    .order_by(ScheduledJob.due_at, ScheduledJob.id)))
