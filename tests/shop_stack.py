"""A shop with its Rasa server and action server running: what the conversation tests talk to.

The demo shop (erp_core.demo) in a fresh SQLite database, invoicing set up with a
UPI id, and two look-alike products ("Good Day Cashew", "Good Day Butter") so that
"good day" is ambiguous; Rasa (the current model) and the action server wired to it
through a SQL tracker store, as in production.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import httpx

from bot.servers import RASA_START_TIMEOUT, start_action_server, start_rasa_server
from bot.training import ensure_model
from erp_core import catalog, inventory, invoice_settings, ledger, orders, parties, tenants
from erp_core.context import Context
from erp_core.db import Database
from erp_core.demo import DEMO_PHONE_NUMBER_ID, seed_demo
from erp_core.enums import Role
from erp_core.permissions import Actor
from tests.postgres_server import free_port

ROOT = Path(__file__).resolve().parent.parent
_numbers = itertools.count(919700001001)


@dataclass
class Shop:
    rasa_url: str
    ctx: Context
    documents: Path

    def owner(self) -> str:
        """A new owner's WhatsApp number: a conversation (and an undo history) of its own."""
        wa_id = str(next(_numbers))
        tenants.add_user(self.ctx, wa_id=wa_id, role=Role.OWNER, name=f"owner {wa_id}")
        return wa_id

    def say(self, wa_id: str, text: str, message_id: str | None = None, profile_name: str | None = None) -> list[dict]:
        """One message as the WhatsApp channel hands it to Rasa (metadata: business, sender, message id, name)."""
        metadata = {"phone_number_id": DEMO_PHONE_NUMBER_ID, "wa_id": wa_id}
        if message_id:
            metadata["message_id"] = message_id
        if profile_name:
            metadata["profile_name"] = profile_name
        response = httpx.post(f"{self.rasa_url}/webhooks/rest/webhook",
                              json={"sender": wa_id, "message": text, "metadata": metadata}, timeout=60)
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


@contextmanager
def running_servers(tmp: Path, erp_url: str) -> Iterator[str]:
    """The action server on the books at `erp_url` and Rasa (the current model) wired to it through a SQL
    tracker store in `tmp`, as in production; yields Rasa's URL. Documents go to `tmp/documents`."""
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
        yield f"http://127.0.0.1:{rasa_port}"
    finally:
        rasa.stop()
        actions.stop()


@contextmanager
def demo_books(tmp: Path) -> Iterator[tuple[str, Context]]:
    """The demo shop in a fresh SQLite database in `tmp`: its URL and the owner's (system) context."""
    url = f"sqlite:///{tmp / 'erp.db'}"
    db = Database(url)
    db.migrate()
    tenant = seed_demo(db)
    try:
        yield url, Context(db, tenant.id, Actor.system())
    finally:
        db.dispose()


@contextmanager
def running_shop(tmp: Path) -> Iterator[Shop]:
    """The demo shop with invoicing and the "good day" look-alikes, and its servers, in `tmp`."""
    with demo_books(tmp) as (url, ctx):
        invoice_settings.configure_invoicing(ctx, upi_vpa="ganesh.kirana@okicici", gst_composition=True)
        for name in ("Good Day Cashew", "Good Day Butter"):
            product = catalog.add_product(ctx, name=name, unit="packet", selling_price=30, cost_price=25)
            inventory.receive_stock(ctx, product.id, 50)
        with running_servers(tmp, url) as rasa_url:
            yield Shop(rasa_url, ctx, tmp / "documents")
