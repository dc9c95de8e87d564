"""The notice worker on a clock of the test's own (nothing sleeps), sending to the WhatsApp simulator's Graph API
through a real outbox, reading a real (SQLite) tracker store: three weeks of reminders, quiet hours, opt-out, the
24-hour window, the daily cap, the owner's closing with its chart, the owner's weekly list of what to order, two
workers racing on PostgreSQL, and a worker process killed in the middle of a send."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
import yaml
from sqlalchemy import create_engine, insert

from bot.notify.compose import Composer
from bot.notify.conversations import Conversations
from bot.notify.worker import NoticeWorker
from bot.review.tracker import events
from connectors.delivery import Sender
from connectors.events import Status
from connectors.graph import GraphClient
from connectors.ratelimit import RateLimiter
from connectors.store import SQLiteStore
from erp_core import (
    consents,
    inventory,
    ledger,
    nightly_forecasts,
    notices,
    parties,
    reminders,
    sales,
    scheduler,
    shop_settings,
    tenants,
    upi,
)
from erp_core.context import Context
from erp_core.enums import ConsentPurpose, NoticeKind, NoticeState, PartyKind, Role
from erp_core.notices import LEASE
from erp_core.permissions import Actor
from erp_core.sales import LineIn
from erp_core.tenants import add_tenant
from tests.connectors.simulator_process import ACCESS_TOKEN

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
IST = ZoneInfo("Asia/Kolkata")
D = Decimal
OWNER = "919800004001"
SHOP_UPI = "ganesh@okaxis"


def ist(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=IST)


class Harness:
    """One shop, a worker serving only it, a tracker store to write "the person wrote" into, one event loop."""

    def __init__(self, ctx: Context, simulator, tmp_path: Path, name: str = "worker-a") -> None:
        self.ctx, self.simulator, self.tmp_path = ctx, simulator, tmp_path
        self.loop = asyncio.new_event_loop()
        self.tracker = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
        events.metadata.create_all(self.tracker)
        with ctx.read() as session:
            self.business = ctx.tenant(session).phone_number_id
        self.worker = self.make_worker(name)

    def make_worker(self, name: str, store: Path | None = None) -> NoticeWorker:
        sender = Sender(GraphClient(self.simulator.graph_url, ACCESS_TOKEN),
                        SQLiteStore(store or self.tmp_path / "outbox.db"), RateLimiter(1000), base_delay=0.01)
        return NoticeWorker(self.ctx.db, sender, Conversations(self.tracker),
                            Composer(DOMAIN, self.tmp_path / "charts"), name=name, tenant_ids={self.ctx.tenant_id})

    def tick(self, at: datetime, worker: NoticeWorker | None = None):
        return self.loop.run_until_complete((worker or self.worker).tick(at))

    def wrote(self, wa_id: str, at: datetime, language: str = "hinglish") -> None:
        """The person wrote to the shop at `at`, and the bot answered them in `language`."""
        conversation = f"{self.business}:{wa_id}"
        with self.tracker.begin() as conn:
            conn.execute(insert(events), [
                {"sender_id": conversation, "type_name": "user", "timestamp": at.timestamp(), "intent_name": "greet",
                 "action_name": None, "data": json.dumps({"event": "user", "text": "hi"})},
                {"sender_id": conversation, "type_name": "slot", "timestamp": at.timestamp(), "intent_name": None,
                 "action_name": "language", "data": json.dumps({"event": "slot", "name": "language",
                                                                "value": language})}])

    def received(self, wa_id: str) -> list[dict]:
        """What the person's WhatsApp got from the shop, oldest first."""
        return [item["message"] for item in self.simulator.conversation(self.business, wa_id)]

    def close(self) -> None:
        self.loop.run_until_complete(self.worker.sender.client.close())
        self.loop.run_until_complete(self.worker.sender.store.close())
        self.loop.close()


def template_of(message: dict) -> str:
    return message["template"]["name"] if message["type"] == "template" else message["type"]


def body_params(message: dict) -> list[str]:
    return [p["text"] for c in message["template"]["components"] if c["type"] == "body" for p in c["parameters"]]


@pytest.fixture
def harness(new_shop, simulator, tmp_path):
    simulator.reset()
    ctx = new_shop(name="Ganesh Kirana", state="Maharashtra")
    tenants.add_user(ctx, wa_id=OWNER, role=Role.OWNER, name="owner")
    shop_settings.update_settings(ctx, upi_vpa=SHOP_UPI)
    found = Harness(ctx, simulator, tmp_path)
    yield found
    found.close()
    for job in scheduler.jobs_of(ctx.db, ctx.tenant_id):   # nothing of this shop is left for another test to run
        scheduler.cancel(ctx.db, ctx.tenant_id, job.kind, job.key)


def credit_customers(h: Harness, make_product, make_customer, people: dict[str, str], day: date):
    """₹1,000 of oil on credit to each of `people` (name: phone) at noon on `day`."""
    oil = make_product("Tel", ctx=h.ctx, price="1000", stock=100, unit="l")
    made = {name: make_customer(name, ctx=h.ctx, phone=phone or None) for name, phone in people.items()}
    for person in made.values():
        sales.post_sale(h.ctx, [LineIn(product_id=oil.id, quantity=D(1))], party_id=person.id,
                        payment_mode="credit", at=ist(day, 12))
    return made


def agree(h: Harness, phone: str, granted: bool = True) -> None:
    consents.record(h.ctx, phone, ConsentPurpose.REMINDERS, granted, "test")


def sent_reminders(h: Harness) -> list[tuple[str, date]]:
    return sorted((n.params["name"], n.sent_at.astimezone(IST).date())
                  for n in notices.log(h.ctx, datetime(2000, 1, 1, tzinfo=IST), {NoticeKind.REMINDER})
                  if n.state is NoticeState.SENT)


def test_three_weeks_send_exactly_the_receipts_and_the_reminders_each_customer_is_due(harness, make_product,
                                                                                      make_customer):
    h = harness
    people = {"Sharma ji": "919811120001", "Gupta ji": "919811120002", "Verma ji": "919811120003",
              "Mehta ji": "919811120004", "Walk-in": ""}
    made = credit_customers(h, make_product, make_customer, people, date(2026, 12, 1))
    for name in ("Sharma ji", "Gupta ji", "Verma ji"):
        agree(h, people[name])                     # Mehta ji was never asked and never answers
    reminders.set_every(h.ctx, made["Gupta ji"].id, 3)
    reminders.set_every(h.ctx, made["Verma ji"].id, 0)
    clock = ist(date(2026, 12, 1), 12)
    while clock <= ist(date(2026, 12, 22), 12):
        h.tick(clock)
        clock += timedelta(hours=1)

    assert sent_reminders(h) == sorted(
        [("Sharma ji", date(2026, 12, d)) for d in (8, 15, 22)] + [("Gupta ji", date(2026, 12, d)) for d in
                                                                   (8, 11, 14, 17, 20)])
    roman = "payment_reminder_roman"   # nobody wrote in the last 24 hours: templates, in the shop's Hinglish
    assert [template_of(m) for m in h.received(people["Sharma ji"])] == ["credit_receipt_roman"] + [roman] * 3
    assert [template_of(m) for m in h.received(people["Gupta ji"])] == ["credit_receipt_roman"] + [roman] * 5
    assert [template_of(m) for m in h.received(people["Verma ji"])] == ["credit_receipt_roman"], "reminders: never"
    assert [template_of(m) for m in h.received(people["Mehta ji"])] == ["credit_receipt_roman"], \
        "asked with the receipt, never said yes: no reminders"
    assert h.received(OWNER) == []
    first = h.received(people["Sharma ji"])[1]
    shop, amount, days, link = body_params(first)
    assert (shop, amount, days) == ("Ganesh Kirana", "₹1,000", "7")
    assert (upi.parse_link(link).amount, upi.parse_link(link).payee) == (D("1000.00"), SHOP_UPI)
    skipped = {n.params["name"]: n.reason for n in notices.log(h.ctx, datetime(2000, 1, 1, tzinfo=IST))
               if n.state is NoticeState.SKIPPED}
    assert skipped["Mehta ji"] == "not_agreed"


def test_inside_the_24_hour_window_the_words_go_in_the_persons_language_outside_it_the_template(
        harness, make_product, make_customer):
    h = harness
    customers = credit_customers(h, make_product, make_customer, {"Iyer": "919811120011", "Rao": "919811120012"},
                                 date(2026, 12, 1))
    h.tick(ist(date(2026, 12, 1), 12))
    h.wrote("919811120011", ist(date(2026, 12, 2), 9), language="hi")       # wrote this morning, in Hindi
    h.wrote("919811120012", ist(date(2026, 12, 1), 6), language="hi")       # wrote 30 hours ago
    for person in customers.values():
        ledger.record_payment(h.ctx, person.id, "400", "upi", at=ist(date(2026, 12, 2), 12))
    h.tick(ist(date(2026, 12, 2), 12))
    inside = h.received("919811120011")[-1]
    assert inside["type"] == "interactive"
    assert inside["interactive"]["body"]["text"] == "🧾 Ganesh Kirana: आपके ₹400 मिल गए, धन्यवाद! अब खाते में बाकी: ₹600"
    assert [b["reply"]["title"] for b in inside["interactive"]["action"]["buttons"]] == ["स्टेटमेंट भेजो"]
    outside = h.received("919811120012")[-1]
    assert (outside["template"]["name"], outside["template"]["language"]["code"]) == ("payment_receipt", "hi")
    assert body_params(outside) == ["Ganesh Kirana", "₹400", "₹600"]


def test_a_reminder_in_the_window_has_its_upi_link_buttons_and_qr_code(harness, make_product, make_customer):
    h = harness
    credit_customers(h, make_product, make_customer, {"Iyer": "919811120081"}, date(2026, 12, 1))
    agree(h, "919811120081")
    h.tick(ist(date(2026, 12, 1), 12))
    h.wrote("919811120081", ist(date(2026, 12, 8), 9, 45), language="en")
    h.tick(ist(date(2026, 12, 8), 10))
    reminder, qr = h.received("919811120081")[-2:]
    text = reminder["interactive"]["body"]["text"]
    assert text.startswith("Hello Iyer 🙏\nA reminder from Ganesh Kirana: ₹1,000 is due on your account (for 7 days).")
    link = text.rsplit(" ", 1)[1]
    assert (upi.parse_link(link).amount, upi.parse_link(link).payee) == (D("1000.00"), SHOP_UPI)
    assert [b["reply"]["id"] for b in reminder["interactive"]["action"]["buttons"]] == ["/my_statement", "/opt_out"]
    assert qr["type"] == "image" and qr["image"]["caption"] == "UPI · ₹1,000"
    assert httpx.get(f"{h.simulator.url}/sim/media/{qr['image']['id']}").content.startswith(b"\x89PNG")


def test_quiet_hours_hold_a_receipt_till_eight_unless_the_person_just_wrote(harness, make_product, make_customer):
    h = harness
    customers = credit_customers(h, make_product, make_customer, {"Iyer": "919811120021", "Rao": "919811120022"},
                                 date(2026, 12, 1))
    h.tick(ist(date(2026, 12, 1), 12))
    h.wrote("919811120022", ist(date(2026, 12, 1), 22, 10))
    for person in customers.values():
        ledger.record_payment(h.ctx, person.id, "100", "cash", at=ist(date(2026, 12, 1), 22, 30))
    h.tick(ist(date(2026, 12, 1), 22, 30))
    assert len(h.received("919811120021")) == 1, "held: it is 22:30"
    assert len(h.received("919811120022")) == 2, "they wrote 20 minutes ago: it goes"
    h.tick(ist(date(2026, 12, 2), 7, 59))
    assert len(h.received("919811120021")) == 1
    h.tick(ist(date(2026, 12, 2), 8, 0))
    assert len(h.received("919811120021")) == 2
    h.tick(ist(date(2026, 12, 2), 9, 0))
    assert len(h.received("919811120021")) == 2, "once"


def test_an_opt_out_is_honoured_at_once_for_receipts_and_reminders(harness, make_product, make_customer):
    h = harness
    [person] = credit_customers(h, make_product, make_customer, {"Iyer": "919811120031"}, date(2026, 12, 1)).values()
    agree(h, "919811120031", granted=False)
    ledger.record_payment(h.ctx, person.id, "100", "cash", at=ist(date(2026, 12, 2), 12))
    reminders.remind_at(h.ctx, person.id, ist(date(2026, 12, 3), 10))
    for day in (1, 2, 3, 10):
        h.tick(ist(date(2026, 12, day), 12))
    assert h.received("919811120031") == []
    reasons = {n.kind: n.reason for n in notices.log(h.ctx, datetime(2000, 1, 1, tzinfo=IST))
               if n.kind in notices.CUSTOMER_KINDS}
    assert reasons == {NoticeKind.CREDIT_RECEIPT: "opted_out", NoticeKind.PAYMENT_RECEIPT: "opted_out",
                       NoticeKind.REMINDER: "opted_out"}


def test_the_daily_cap_holds_a_second_reminder_to_one_number_to_the_next_day(harness, make_product, make_customer):
    h = harness
    credit_customers(h, make_product, make_customer, {"Iyer": "919811120041", "Iyer Stores": "919811120041"},
                     date(2026, 12, 1))                     # two khatas, one WhatsApp number
    agree(h, "919811120041")
    h.tick(ist(date(2026, 12, 1), 12))
    h.tick(ist(date(2026, 12, 8), 10))
    assert len(sent_reminders(h)) == 1, "one reminder a day to a number"
    h.tick(ist(date(2026, 12, 8), 15))
    h.tick(ist(date(2026, 12, 9), 0, 1))
    assert len(sent_reminders(h)) == 1, "the next day starts in the quiet hours"
    h.tick(ist(date(2026, 12, 9), 8))
    assert [day for _, day in sent_reminders(h)] == [date(2026, 12, 8), date(2026, 12, 9)]


def test_the_owner_gets_the_closing_with_its_chart_at_the_time_they_chose(harness, make_product, make_customer):
    h = harness
    second_owner = "919800004002"
    tenants.add_user(h.ctx, wa_id=second_owner, role=Role.OWNER, name="partner")
    credit_customers(h, make_product, make_customer, {"Iyer": "919811120051"}, date(2026, 12, 6))
    shop_settings.update_settings(h.ctx, daily_summary_time="21:30")
    h.tick(ist(date(2026, 12, 6), 21))                     # the job is set up at the settings' time
    assert h.received(OWNER) == []
    h.wrote(OWNER, ist(date(2026, 12, 6), 21, 29), language="en")
    h.tick(ist(date(2026, 12, 6), 21, 30))                 # the quiet hours, but the owners chose the time
    summary, chart = h.received(OWNER)
    assert summary["text"]["body"] == (
        "📊 The day's accounts, 06 Dec\nSales: ₹1,000 (1 bills)\n  cash ₹0 · UPI/card ₹0 · credit ₹1,000\n"
        "Collected: ₹0\nNew credit: ₹1,000\nExpenses: ₹0\nCash in hand today (in − out): ₹0\nTop sellers: Tel\n"
        "Low stock: —")
    assert chart["type"] == "image" and chart["image"]["caption"] == "Sales, the last 14 days"
    png = httpx.get(f"{h.simulator.url}/sim/media/{chart['image']['id']}").content
    assert png.startswith(b"\x89PNG")
    [template] = h.received(second_owner)                  # never wrote: the approved template
    assert template["template"]["name"] == "daily_summary_roman"
    assert body_params(template) == ["Ganesh Kirana", "06 Dec", "₹1,000", "₹0", "₹0", "₹0"]
    h.tick(ist(date(2026, 12, 6), 22))
    assert len(h.received(OWNER)) == 2, "once a day"


def test_two_workers_racing_on_postgresql_send_each_message_once(postgresql_db, simulator, tmp_path):
    simulator.reset()
    tenant = add_tenant(postgresql_db, phone_number_id="5551777001", name="Race Kirana", state="Maharashtra")
    ctx = Context(postgresql_db, tenant.id, Actor.system())
    h = Harness(ctx, simulator, tmp_path)
    people = [parties.add_party(ctx, kind=PartyKind.CUSTOMER, name=f"Race {n}", phone=f"9198112{n:05d}")
              for n in range(40)]
    for person in people:
        ledger.record_payment(ctx, person.id, "10", "cash", at=ist(date(2026, 12, 2), 11))
    workers = [h.make_worker("a", tmp_path / "a.db"), h.make_worker("b", tmp_path / "b.db")]
    start = threading.Barrier(2)
    tallies = {}

    def run(worker: NoticeWorker) -> None:
        loop = asyncio.new_event_loop()
        start.wait()
        tallies[worker.name] = loop.run_until_complete(worker.tick(ist(date(2026, 12, 2), 12)))
        loop.run_until_complete(worker.sender.client.close())
        loop.close()

    threads = [threading.Thread(target=run, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    received = [len(h.received(person_phone)) for person_phone in (f"9198112{n:05d}" for n in range(40))]
    assert received == [1] * 40, "every receipt once"
    assert tallies["a"].sent + tallies["b"].sent == 40
    h.close()
    for job in scheduler.jobs_of(postgresql_db, tenant.id):
        scheduler.cancel(postgresql_db, tenant.id, job.kind, job.key)


KILLED = """
import asyncio, sys
from datetime import datetime
from tests.bot.test_notify_worker import Harness, DOMAIN
from erp_core.context import Context
from erp_core.db import Database
from erp_core.permissions import Actor
from tests.connectors.simulator_process import SimulatorClient
from pathlib import Path
db = Database(sys.argv[1])
h = Harness(Context(db, int(sys.argv[2]), Actor.system()), SimulatorClient(sys.argv[3]), Path(sys.argv[4]), "doomed")
h.tick(datetime.fromisoformat(sys.argv[5]))   # the send hangs: killed before it ends
"""


def test_a_worker_killed_mid_send_leaves_the_message_to_be_sent_once_by_the_next(harness, make_product,
                                                                                   make_customer):
    h = harness
    credit_customers(h, make_product, make_customer, {"Iyer": "919811120061"}, date(2026, 12, 1))
    h.simulator.faults({"type": "template", "hang": 60, "status": 500, "code": 1})
    at = ist(date(2026, 12, 1), 12)
    doomed = subprocess.Popen([sys.executable, "-c", KILLED, h.ctx.db.url.render_as_string(hide_password=False),
                               str(h.ctx.tenant_id), h.simulator.url, str(h.tmp_path), at.isoformat()],
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 60
        while not [r for r in h.simulator.requests() if r["body"].get("to") == "919811120061"]:
            assert time.monotonic() < deadline and doomed.poll() is None, "the doomed worker never sent"
            time.sleep(0.2)
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(30)
    h.simulator.faults()
    h.tick(at + timedelta(minutes=1))
    assert h.received("919811120061") == [], "still under the dead worker's lease"
    h.tick(at + LEASE + timedelta(seconds=1))
    h.tick(at + LEASE + timedelta(minutes=1))
    assert [template_of(m) for m in h.received("919811120061")] == ["credit_receipt_roman"]
    [notice] = notices.log(h.ctx, datetime(2000, 1, 1, tzinfo=IST))
    assert notice.state is NoticeState.SENT and notice.message_id.startswith("wamid.")


def test_what_whatsapp_says_of_a_message_reaches_its_notice_and_read_is_not_undone(harness, make_product,
                                                                                     make_customer):
    h = harness
    credit_customers(h, make_product, make_customer, {"Iyer": "919811120071"}, date(2026, 12, 1))
    h.tick(ist(date(2026, 12, 1), 12))
    [notice] = notices.log(h.ctx, datetime(2000, 1, 1, tzinfo=IST))
    store = h.worker.sender.store
    for status in ("delivered", "read"):
        h.loop.run_until_complete(store.log_delivery(Status(notice.message_id, status, "919811120071", h.business)))
    h.tick(ist(date(2026, 12, 1), 12, 1))
    h.loop.run_until_complete(store.log_delivery(Status(notice.message_id, "delivered", "919811120071", h.business)))
    h.tick(ist(date(2026, 12, 1), 12, 2))
    [notice] = notices.log(h.ctx, datetime(2000, 1, 1, tzinfo=IST))
    assert notice.delivery == "read"


def test_on_monday_morning_the_owner_gets_what_to_order_this_week(harness, make_product):
    h = harness
    partner = "919800004003"
    tenants.add_user(h.ctx, wa_id=partner, role=Role.OWNER, name="partner")
    monday = date(2026, 11, 30)
    rice = make_product("Chawal", ctx=h.ctx, stock=0, unit="kg", lead_time_days=3)
    inventory.receive_stock(h.ctx, rice.id, 250, 40, at=ist(monday - timedelta(days=70), 9))
    for back in range(60, 0, -1):
        sales.post_sale(h.ctx, [LineIn(product_id=rice.id, quantity=D(4))], at=ist(monday - timedelta(days=back), 11))
    h.tick(ist(monday - timedelta(days=1), 20))            # Sunday evening: the standing jobs are set up
    assert h.received(OWNER) == []
    h.tick(ist(monday, 3))                                 # the night's forecasts
    assert rice.id in nightly_forecasts.kept(h.ctx, monday)
    h.wrote(OWNER, ist(monday, 8, 50), language="hi")
    h.tick(ist(monday, 9))
    [plan] = h.received(OWNER)
    body = plan["interactive"]["body"]["text"]
    assert body.startswith("🛒 इस हफ़्ते क्या मँगवाएँ (1 सामान, 1 तुरंत):\n• 🔴 Chawal: ")
    assert "दिन में खत्म" in body and "kg मँगवाइए (10 बचा) · माल आने में 3 दिन" in body
    assert [b["reply"]["title"] for b in plan["interactive"]["action"]["buttons"]] == ["📋 पूरी सूची"]
    assert plan["interactive"]["action"]["buttons"][0]["reply"]["id"] == "/reorder_suggestions"
    [template] = h.received(partner)                       # never wrote: the approved template
    assert template["template"]["name"] == "reorder_plan_roman"
    shop, count, urgent, items = body_params(template)
    assert (shop, count, urgent) == ("Ganesh Kirana", "1", "1") and items.startswith("Chawal ")
    h.tick(ist(monday, 10))
    assert len(h.received(OWNER)) == 1, "once a week"
