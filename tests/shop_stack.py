"""The stack the conversation tests talk to: one Rasa server and one action server for the whole session.

`running_stack` starts the action server on one fresh SQLite ERP database and Rasa (the current model)
wired to it through one SQL tracker store, as in production; `tests/conftest.py` makes that the
session fixture `rasa_stack`, started the first time a test asks for it. With `HISAAB_TEST_PROFILE=scale-out`
the same tests run on the scale-out profile instead: PostgreSQL (books and conversations), Redis (Rasa's lock
store) and two Rasa and action server pairs, each message of a conversation going to the other replica.
Each test module that talks to Rasa gets a shop of its own in that database (a tenant with its own business
number): the demo shop (erp_core.demo) for one module, copies of it under other business numbers for the others.
Conversations are kept apart as the WhatsApp channel keeps them, by a sender id `<phone_number_id>:<wa_id>`.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import httpx

from bot.servers import REPLICA_PORT_STEP, RASA_START_TIMEOUT, Ports, start_action_server, start_rasa_server, \
    start_replica
from bot.training import ensure_model
from connectors.metadata import ChannelMetadata
from erp_core import catalog, inventory, invoice_settings, ledger, orders, parties, tenants
from erp_core.context import Context
from erp_core.db import Database
from erp_core.demo import seed_demo
from erp_core.enums import Role
from erp_core.permissions import Actor
from tests.connectors.redis_server import RedisProcess
from tests.postgres_server import PostgresProcess, free_port

ROOT = Path(__file__).resolve().parent.parent
_numbers = itertools.count(919700001001)
_business_numbers = itertools.count(100000000000101)
"""Business numbers (phone_number_id) of the demo shop's copies; the demo shop itself is 100000000000001."""


def texts(replies: list[dict]) -> str:
    """The text of every reply Rasa's REST webhook gave, a line each."""
    return "\n".join(r.get("text") or "" for r in replies)


def buttons(replies: list[dict]) -> list[str]:
    """The payloads of every button of the replies, in order."""
    return [b["payload"] for r in replies for b in r.get("buttons") or []]


@dataclass
class Shop:
    """One test module's shop: its tenant in the session's ERP database, seen by the owner, and its number."""

    rasa_url: str
    ctx: Context
    documents: Path
    phone_number_id: str
    rasa_urls: list[str] = field(default_factory=list)
    """Replicas to take turns with (the scale-out profile); else `rasa_url` alone."""
    _turns: Iterator[int] = field(default_factory=itertools.count)

    def owner(self) -> str:
        """A new owner's WhatsApp number: a conversation (and an undo history) of its own."""
        wa_id = str(next(_numbers))
        tenants.add_user(self.ctx, wa_id=wa_id, role=Role.OWNER, name=f"owner {wa_id}")
        return wa_id

    def sender(self, wa_id: str) -> str:
        """Rasa's sender id (the conversation) of `wa_id` writing to this shop, as the WhatsApp channel names it."""
        return f"{self.phone_number_id}:{wa_id}"

    def say(self, wa_id: str, text: str, message_id: str | None = None, profile_name: str | None = None) -> list[dict]:
        """One message as the WhatsApp channel hands it to Rasa (metadata: business, sender, message id, name)."""
        metadata = ChannelMetadata(phone_number_id=self.phone_number_id, wa_id=wa_id, message_id=message_id or "",
                                   profile_name=profile_name or "").to_dict()
        url = self.rasa_urls[next(self._turns) % len(self.rasa_urls)] if self.rasa_urls else self.rasa_url
        response = httpx.post(f"{url}/webhooks/rest/webhook",
                              json={"sender": self.sender(wa_id), "message": text, "metadata": metadata}, timeout=60)
        response.raise_for_status()
        return response.json()

    def party(self, name: str):
        return parties.resolve_party(self.ctx, name)

    def product(self, name: str):
        return catalog.resolve_product(self.ctx, name)

    def balance(self, name: str) -> Decimal:
        return ledger.balance(self.ctx, self.party(name).id).balance

    def orders_of(self, name: str) -> list[orders.OrderView]:
        return orders.list_orders(self.ctx, party_id=self.party(name).id, limit=1000)

    def on_hand(self, name: str) -> Decimal:
        return inventory.stock_of(self.ctx, self.product(name).id).on_hand

    def with_look_alikes(self) -> Shop:
        """Invoicing with a UPI id, and two look-alike products ("Good Day Cashew", "Good Day Butter") so that
        "good day" is ambiguous: the shop of the form tests and the stories."""
        invoice_settings.configure_invoicing(self.ctx, upi_vpa="ganesh.kirana@okicici", gst_composition=True)
        for name in ("Good Day Cashew", "Good Day Butter"):
            product = catalog.add_product(self.ctx, name=name, unit="packet", selling_price=30, cost_price=25)
            inventory.receive_stock(self.ctx, product.id, 50)
        return self


@dataclass
class Stack:
    """Rasa and the action server, running on the ERP database `db`."""

    rasa_url: str
    db: Database
    documents: Path
    rasa_urls: list[str] = field(default_factory=list)

    def parse(self, text: str) -> dict:
        """Rasa's /model/parse answer for `text`."""
        return httpx.post(f"{self.rasa_url}/model/parse", json={"text": text}, timeout=30).raise_for_status().json()

    def demo_shop(self) -> Shop:
        """The demo shop itself (business number DEMO_PHONE_NUMBER_ID), as `bot.chat.send` talks to it by default."""
        return self._shop(seed_demo(self.db))

    def new_shop(self) -> Shop:
        """A copy of the demo shop under a new business number."""
        return self._shop(seed_demo(self.db, phone_number_id=str(next(_business_numbers))))

    def _shop(self, tenant: tenants.TenantInfo) -> Shop:
        return Shop(self.rasa_url, Context(self.db, tenant.id, Actor.system()), self.documents, tenant.phone_number_id,
                    self.rasa_urls)


@contextmanager
def running_stack(tmp: Path) -> Iterator[Stack]:
    """The embedded default's stack, or the scale-out profile's with `HISAAB_TEST_PROFILE=scale-out`."""
    profile = os.environ.get("HISAAB_TEST_PROFILE", "embedded")
    if profile not in ("embedded", "scale-out"):
        raise ValueError(f"HISAAB_TEST_PROFILE is embedded or scale-out, not {profile}")
    with (scale_out_stack(tmp) if profile == "scale-out" else embedded_stack(tmp)) as stack:
        yield stack


@contextmanager
def scale_out_stack(tmp: Path, replicas: int = 2) -> Iterator[Stack]:
    """PostgreSQL and Redis started here, `replicas` Rasa and action server pairs started as `bot run --replicas`
    starts them (bot.servers.start_replica), all configured through the environment only."""
    pg, redis = PostgresProcess(), RedisProcess()
    pairs = []
    try:
        pg.start()
        pg.create_erp_database()
        tracker_url = pg.create_tracker_database()
        redis.start()
        db = Database(pg.url)
        db.migrate()
        env = {"ERP_DATABASE_URL": pg.url, "HISAAB_DOCUMENTS_DIR": str(tmp / "documents"),
               "HISAAB_TRACKER_STORE_URL": tracker_url,
               "HISAAB_LOCK_STORE_URL": f"redis://127.0.0.1:{redis.port}/1",
               "WHATSAPP_REDIS_URL": f"redis://127.0.0.1:{redis.port}/0"}
        ports = Ports(rasa=free_port(), actions=free_port())
        model = ensure_model(ROOT)
        pairs = [start_replica(ROOT, model, index, ports, env=env) for index in range(replicas)]
        for rasa, actions in pairs:
            actions.wait_ready(60)
            rasa.wait_ready(RASA_START_TIMEOUT)
        urls = [f"http://127.0.0.1:{ports.rasa + index * REPLICA_PORT_STEP}" for index in range(replicas)]
        yield Stack(urls[0], db, tmp / "documents", urls)
        db.dispose()
    finally:
        for pair in pairs:
            for server in pair:
                server.stop()
        redis.remove()
        pg.remove()


@contextmanager
def embedded_stack(tmp: Path) -> Iterator[Stack]:
    """A fresh ERP database in `tmp`, the action server on it and Rasa (the current model) wired to it through a
    SQL tracker store in `tmp`, as in production. Documents go to `tmp/documents`."""
    erp_url = f"sqlite:///{tmp / 'erp.db'}"
    db = Database(erp_url)
    db.migrate()
    model = ensure_model(ROOT)
    actions_port, rasa_port = free_port(), free_port()
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp / 'tracker.db'}\n"
    )
    actions = start_action_server(ROOT, actions_port,
                                  env={"ERP_DATABASE_URL": erp_url, "HISAAB_DOCUMENTS_DIR": str(tmp / "documents")})
    rasa = start_rasa_server(ROOT, model, rasa_port, endpoints)
    try:
        actions.wait_ready(60)
        rasa.wait_ready(RASA_START_TIMEOUT)
        yield Stack(f"http://127.0.0.1:{rasa_port}", db, tmp / "documents")
    finally:
        rasa.stop()
        actions.stop()
        db.dispose()
