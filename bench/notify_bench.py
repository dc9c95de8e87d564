"""Notice worker benchmark: how many scheduled messages one worker prepares and sends a minute.

A fresh shop with N customers who each just paid (N payment receipts queued, as `ledger.record_payment` queues
them), the WhatsApp simulator's Graph API (a real process, no status webhooks) and one `NoticeWorker` with the
channel's own outbox (SQLite), rate limiter (Meta's default 80 messages a second) and retries. The worker's passes
run back to back until every receipt is sent; each notice is decided (consent, quiet hours, the 24-hour window),
composed (the approved template: nobody wrote, so every one is outside the window), handed to the outbox,
delivered and marked sent. Prints the figures as a Markdown table for docs/benchmarks.md (target: 1,000 a minute).

    .venv/erp/bin/python bench/notify_bench.py                 # 1,000 receipts on SQLite
    .venv/erp/bin/python bench/notify_bench.py --notices 3000 --postgres postgresql+psycopg://...
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bot.notify.compose import Composer  # noqa: E402
from bot.notify.conversations import Conversations  # noqa: E402
from bot.notify.worker import NoticeWorker  # noqa: E402
from connectors.delivery import Sender  # noqa: E402
from connectors.graph import GraphClient  # noqa: E402
from connectors.ratelimit import RateLimiter  # noqa: E402
from connectors.settings import DEFAULT_MAX_SEND_RATE  # noqa: E402
from connectors.store import SQLiteStore  # noqa: E402
from erp_core import ledger, notices, parties, tenants  # noqa: E402
from erp_core.context import Context  # noqa: E402
from erp_core.db import Database  # noqa: E402
from erp_core.enums import NoticeState, PartyKind, Role  # noqa: E402
from erp_core.permissions import Actor  # noqa: E402
from tests.connectors.simulator_process import ACCESS_TOKEN, SimulatorClient, start_simulator  # noqa: E402
from tests.postgres_server import free_port  # noqa: E402

NOON = datetime(2026, 12, 7, 12, 0, tzinfo=ZoneInfo("Asia/Kolkata"))


def shop_with_receipts(db: Database, count: int) -> Context:
    """A shop whose `count` customers each paid ₹100 at noon: `count` receipts waiting."""
    tenant = tenants.add_tenant(db, phone_number_id=f"55599{free_port()}", name="Bench Kirana", state="Maharashtra")
    system = Context(db, tenant.id, Actor.system())
    owner = tenants.add_user(system, wa_id="919800009999", role=Role.OWNER, name="owner")
    ctx = Context(db, tenant.id, Actor(user_id=owner.id, role=Role.OWNER))   # the owner books: no notes to himself
    for n in range(count):
        party = parties.add_party(ctx, kind=PartyKind.CUSTOMER, name=f"Customer {n}", phone=f"91987{n:07d}")
        ledger.record_payment(ctx, party.id, "100", "upi", at=NOON)
    return ctx


async def drain(worker: NoticeWorker) -> tuple[float, int]:
    """Passes at noon until a pass sends nothing; (seconds, messages sent)."""
    sent, started = 0, time.perf_counter()
    while True:
        tally = await worker.tick(NOON)
        sent += tally.sent
        if not tally.sent and not tally.failed:
            return time.perf_counter() - started, sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=1000)
    parser.add_argument("--postgres", help="a PostgreSQL URL for the ERP database (default: SQLite in a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db = Database(args.postgres or f"sqlite:///{tmp / 'erp.db'}")
        db.migrate()
        prepare = time.perf_counter()
        ctx = shop_with_receipts(db, args.notices)
        prepare = time.perf_counter() - prepare
        port = free_port()
        simulator = start_simulator(port, f"http://127.0.0.1:{free_port()}/webhooks/whatsapp/webhook",
                                    log=tmp / "simulator.log")
        try:
            simulator.wait_ready(30)
            sim = SimulatorClient(f"http://127.0.0.1:{port}")
            sender = Sender(GraphClient(sim.graph_url, ACCESS_TOKEN), SQLiteStore(tmp / "outbox.db"),
                            RateLimiter(DEFAULT_MAX_SEND_RATE))
            domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
            worker = NoticeWorker(db, sender, Conversations(None), Composer(domain, tmp / "charts"),
                                  name="bench", tenant_ids={ctx.tenant_id})
            loop = asyncio.new_event_loop()
            seconds, sent = loop.run_until_complete(drain(worker))
            loop.run_until_complete(sender.client.close())
            loop.run_until_complete(sender.store.close())
            loop.close()
            received = len(sim.sends())
        finally:
            simulator.stop()
        left = [n for n in notices.log(ctx, datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC")))
                if n.state is not NoticeState.SENT]
        db.dispose()
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"| database | receipts | booking them | sending | per minute | Graph API calls | not sent |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {database} | {args.notices:,} | {prepare:.1f} s | {seconds:.1f} s | **{sent / seconds * 60:,.0f}** | "
          f"{received:,} | {len(left)} |")


if __name__ == "__main__":
    main()
