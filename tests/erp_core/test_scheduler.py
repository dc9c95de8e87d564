"""The durable scheduler with a clock of the test's own: recurring jobs, missed runs after downtime, time zones,
retries, two workers racing, and a worker process killed in the middle of a job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from datetime import time as clock
from pathlib import Path

import pytest

from erp_core import scheduler
from erp_core.errors import ValidationError
from erp_core.scheduler import LEASE

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 12, 7, 3, 30, tzinfo=timezone.utc)   # 09:00 in India


@pytest.fixture
def tenant(db, shop):
    yield shop.tenant_id
    for job in scheduler.jobs_of(db, shop.tenant_id):   # nothing of this shop is left for the next test to claim
        scheduler.cancel(db, shop.tenant_id, job.kind, job.key)


def ticks(start: datetime, hours: int):
    return (start + timedelta(hours=h) for h in range(hours + 1))


def test_a_weekly_reminder_over_three_weeks_runs_exactly_four_times(db, tenant):
    scheduler.schedule(db, tenant, "reminder_cycle", "party:1", T0, every_days=7)
    runs = []
    handlers = {"reminder_cycle": lambda _db, job, now: runs.append((job.due_at, now))}
    for now in ticks(T0, 21 * 24):
        scheduler.run_due(db, handlers, "w1", now, tenant_ids={tenant})
    assert [due for due, _ in runs] == [T0, T0 + timedelta(days=7), T0 + timedelta(days=14), T0 + timedelta(days=21)]
    assert all(now == due for due, now in runs)


def test_missed_runs_after_downtime_run_once(db, tenant):
    scheduler.schedule(db, tenant, "daily_summary", "shop", T0, daily_at=clock(21, 0))
    runs = []
    handlers = {"daily_summary": lambda _db, job, now: runs.append(now)}
    back = T0 + timedelta(days=3, hours=2)     # the machine was off for three days
    scheduler.run_due(db, handlers, "w1", back, tenant_ids={tenant})
    scheduler.run_due(db, handlers, "w1", back + timedelta(minutes=1), tenant_ids={tenant})
    assert runs == [back]
    [job] = scheduler.jobs_of(db, tenant)
    # next at 21:00 shop time (15:30 UTC) after the run: the same evening
    assert job.due_at == datetime(2026, 12, 10, 15, 30, tzinfo=timezone.utc)


def test_daily_times_are_the_shops_own():
    nepal = scheduler.next_daily(clock(21, 0), "Asia/Kathmandu", T0)
    india = scheduler.next_daily(clock(21, 0), "Asia/Kolkata", T0)
    assert (nepal, india) == (datetime(2026, 12, 7, 15, 15, tzinfo=timezone.utc),
                              datetime(2026, 12, 7, 15, 30, tzinfo=timezone.utc))
    assert scheduler.next_daily(clock(9, 0), "Asia/Kolkata", T0) == T0 + timedelta(days=1)


def test_a_failing_job_is_retried_with_backoff_then_given_up(db, tenant):
    scheduler.schedule(db, tenant, "reminder", "once", T0)

    def broken(_db, job, now):
        raise RuntimeError("the channel is down")

    tries = []
    now = T0
    for _ in range(8):
        if scheduler.run_due(db, {"reminder": broken}, "w1", now, tenant_ids={tenant}):
            tries.append(now)
        now += timedelta(hours=2)
    [job] = scheduler.jobs_of(db, tenant)
    assert (job.status, job.attempts, len(tries)) == ("failed", 5, 5)
    assert "the channel is down" in job.last_error


def test_a_one_off_job_is_done_once_and_a_cancelled_one_never_runs(db, tenant):
    scheduler.schedule(db, tenant, "reminder", "friday", T0, payload={"party_id": 7})
    scheduler.schedule(db, tenant, "reminder", "called-off", T0)
    assert scheduler.cancel(db, tenant, "reminder", "called-off")
    seen = []
    for now in ticks(T0, 5):
        scheduler.run_due(db, {"reminder": lambda _db, job, now: seen.append(job.payload)}, "w1", now,
                          tenant_ids={tenant})
    assert seen == [{"party_id": 7}]
    with pytest.raises(ValidationError, match="time zone"):
        scheduler.schedule(db, tenant, "reminder", "naive", datetime(2026, 12, 7, 9, 0))


def test_two_workers_racing_take_each_job_once(db, tenant):
    for n in range(40):
        scheduler.schedule(db, tenant, "reminder", f"party:{n}", T0)
    taken: dict[str, list[int]] = {"a": [], "b": []}
    start = threading.Barrier(2)

    def work(name: str) -> None:
        start.wait()
        while jobs := scheduler.claim(db, name, T0, limit=3, tenant_ids={tenant}):
            taken[name] += [job.id for job in jobs if job.tenant_id == tenant]

    threads = [threading.Thread(target=work, args=(name,)) for name in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    everything = taken["a"] + taken["b"]
    assert len(everything) == len(set(everything)) == 40
    if db.dialect == "postgresql":   # SKIP LOCKED lets both work at once; SQLite's one writer takes turns
        assert taken["a"] and taken["b"]


DOOMED = """
import sys, time
from datetime import datetime
from erp_core.db import Database
from erp_core import scheduler
from erp_core.errors import ValidationError
db = Database(sys.argv[1])
jobs = scheduler.claim(db, "doomed", datetime.fromisoformat(sys.argv[2]), tenant_ids={int(sys.argv[3])})
print(len(jobs), flush=True)
time.sleep(600)   # the job's work, killed before it ends
"""


def test_a_worker_killed_mid_job_leaves_it_to_be_done_once_by_the_next(db, tenant):
    scheduler.schedule(db, tenant, "reminder", "killed", T0)
    worker = subprocess.Popen([sys.executable, "-c", DOOMED, db.url.render_as_string(hide_password=False),
                               T0.isoformat(), str(tenant)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert worker.stdout.readline().strip() == "1"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
    runs = []
    handlers = {"reminder": lambda _db, job, now: runs.append(now)}
    assert scheduler.run_due(db, handlers, "next", T0 + timedelta(minutes=1), tenant_ids={tenant}) == 0   # still under its lease
    later = T0 + LEASE + timedelta(seconds=1)
    scheduler.run_due(db, handlers, "next", later, tenant_ids={tenant})
    scheduler.run_due(db, handlers, "next", later + timedelta(hours=1), tenant_ids={tenant})
    assert runs == [later]
    [job] = scheduler.jobs_of(db, tenant)
    assert job.status == "done"


def test_two_workers_setting_up_the_same_job_at_once_make_one(db, tenant):
    start, errors = threading.Barrier(4), []

    def add() -> None:
        start.wait()
        try:
            scheduler.schedule(db, tenant, "due_reminders", "daily", T0, daily_at=clock(10, 0))
        except Exception as error:  # noqa: BLE001 - what a racing worker would have died of
            errors.append(error)

    threads = [threading.Thread(target=add) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and [job.key for job in scheduler.jobs_of(db, tenant)] == ["daily"]
