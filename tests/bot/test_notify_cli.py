"""`bot notify --dry-run --at <time>` right after `bot seed-demo`, on a temporary SQLite database: every message
the worker would send at that moment, one a line, with its recipient and words; nothing written or sent."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from erp_core import closing, ledger, reorder
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.db import Database
from erp_core.demo import CUSTOMERS, DEMO_OWNER_WA_ID, DEMO_PHONE_NUMBER_ID
from erp_core.messages import format_decimal, format_money
from erp_core.models.notices import Notice
from erp_core.models.scheduling import ScheduledJob
from erp_core.permissions import Actor
from erp_core.tenants import find_tenant

ROOT = Path(__file__).resolve().parents[2]
IST = ZoneInfo("Asia/Kolkata")


@pytest.fixture
def demo(tmp_path):
    env = {**os.environ, "ERP_DATABASE_URL": f"sqlite:///{tmp_path / 'erp.db'}"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=tmp_path, env={**env, "PYTHONPATH": str(ROOT)},
                              capture_output=True, text=True, timeout=120)

    assert run("seed-demo").returncode == 0
    db = Database(env["ERP_DATABASE_URL"])
    yield run, Context(db, find_tenant(db, DEMO_PHONE_NUMBER_ID).id, Actor.system())
    db.dispose()


def rows(ctx: Context) -> tuple[int, int]:
    with ctx.db.session(ctx.tenant_id) as session:
        return session.scalar(select(func.count(Notice.id))), session.scalar(select(func.count(ScheduledJob.id)))


def test_at_nine_at_night_the_owner_gets_the_days_closing_and_nothing_else_goes(demo):
    run, ctx = demo
    today = utcnow().astimezone(IST).date()
    before = rows(ctx)
    out = run("notify", "--dry-run", "--at", datetime.combine(today, time(21, 0), IST).isoformat())
    assert out.returncode == 0, out.stderr
    view = closing.closing(ctx, today)
    sent = [line for line in out.stdout.splitlines() if not line.startswith("#")]
    assert sent == [f"{DEMO_OWNER_WA_ID}\tShree Ganesh Kirana Store, {today:%d %b} ka hisaab: bikri "
                    f"{format_money(view.sales)}, vasooli {format_money(view.collections)}, kharche "
                    f"{format_money(view.expenses)}, galle mein cash {format_money(view.cash)}."]
    assert rows(ctx) == before, "a dry run writes nothing"


def test_a_week_on_each_overdue_customer_would_get_a_reminder_of_exactly_their_due(demo):
    run, ctx = demo
    at = datetime.combine(utcnow().astimezone(IST).date() + timedelta(days=8), time(10, 30), IST)
    out = run("notify", "--dry-run", "--at", at.isoformat())
    assert out.returncode == 0, out.stderr
    lines = dict(line.split("\t", 1) for line in out.stdout.splitlines() if not line.startswith("#"))
    for name, phone, *_ in CUSTOMERS:
        balance = next((row.total for row in ledger.ageing(ctx) if row.name == name), None)
        if balance:
            assert f"aapke khate mein {format_money(balance)} baaki hai" in lines[phone], name
            assert lines[phone].endswith("Yahan se chuka sakte hain: dukaan par  [Statement bhejo | "
                                         "Haan, yaad dilate raho | Reminder band karo]")
        else:
            assert phone not in lines


def test_on_monday_morning_the_owner_would_get_the_weeks_list_of_what_to_order(demo):
    run, ctx = demo
    today = utcnow().astimezone(IST).date()
    monday = today + timedelta(days=(7 - today.weekday()) % 7)
    at = datetime.combine(monday, time(9, 30), IST)
    out = run("notify", "--dry-run", "--at", at.isoformat())
    assert out.returncode == 0, out.stderr
    lines = reorder.reorder_suggestions(ctx, now=at)
    first = ", ".join(f"{line.name} {format_decimal(line.suggested)} {line.unit.value}" for line in lines[:5])
    sent = [line for line in out.stdout.splitlines() if line.startswith(DEMO_OWNER_WA_ID)]
    assert f"{DEMO_OWNER_WA_ID}\tShree Ganesh Kirana Store: is hafte {len(lines)} saamaan mangwane hain, " \
           f"{sum(line.priority == 'urgent' for line in lines)} turant. Sabse pehle: {first}.  [Poori list]" in sent
    before_nine = run("notify", "--dry-run", "--at", datetime.combine(monday, time(8, 30), IST).isoformat())
    assert "saamaan mangwane hain" not in before_nine.stdout


def test_a_time_without_its_offset_is_refused(demo):
    run, _ = demo
    out = run("notify", "--dry-run", "--at", "2026-12-06T21:00:00")
    assert out.returncode != 0 and "with its offset" in out.stderr
