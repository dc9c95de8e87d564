"""Scheduled jobs: the shop's daily summary, a customer's reminder cycle, a one-off reminder, as rows a worker
claims. A system table like `tenants` (no row-level security): the worker looks across every shop for what is
due, then does each job inside its shop's own tenant session. It holds no personal data, only ids and times."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from erp_core.columns import UTCDateTime, utcnow
from erp_core.models.base import Base


class ScheduledJob(Base):
    __tablename__ = "scheduled_jobs"
    __table_args__ = (UniqueConstraint("tenant_id", "kind", "key"), Index("ix_scheduled_jobs_due", "status", "due_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    """What to do: `daily_summary`, `reminder_cycle`, `reminder` …, one handler each."""
    key: Mapped[str] = mapped_column(String(100))
    """Which one of its kind (`party:12`): scheduling the same key again moves the job, never doubles it."""
    payload: Mapped[str] = mapped_column(Text, default="{}")
    """JSON: what the handler needs."""
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    every_days: Mapped[int | None] = mapped_column(Integer)
    """Repeat this many days after each run."""
    daily_at: Mapped[time | None] = mapped_column(Time)
    """Repeat every day at this time of the shop's day (its time zone)."""
    status: Mapped[str] = mapped_column(String(10), default="pending")
    """`pending`, `running` (claimed, under a lease), `done`, `failed` or `cancelled`."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    """Attempts of the current run (back to 0 once a run succeeds)."""
    worker: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """A running job whose lease has passed is claimed again: its worker died."""
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
