"""The whole path a WhatsApp message takes, as real processes: simulator → Rasa with our channel → actions → books.

The Rasa server runs the channel exactly as in production, pointed at the
simulator's Graph API through the WHATSAPP_* environment; the action server
reads a freshly seeded demo shop.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import httpx

from bot.servers import RASA_START_TIMEOUT, Server, start_action_server, start_rasa_server
from bot.training import ensure_model
from connectors.simulator import webhooks
from erp_core import consents
from erp_core.context import Context
from erp_core.db import Database
from erp_core.demo import DEMO_PHONE_NUMBER_ID, seed_demo
from erp_core.enums import ConsentPurpose
from erp_core.permissions import Actor
from erp_core.tenants import find_tenant
from tests.connectors.simulator_process import (
    ACCESS_TOKEN, APP_SECRET, ROOT, VERIFY_TOKEN, SimulatorClient, start_simulator,
)
from tests.postgres_server import free_port

IDENTITY_SECRET = "channel-identity-secret-for-tests"
"""What the channel signs identities with and the action server checks them against."""
ACTIONS_TOKEN = "action-server-token-for-tests"
"""The action server answers only calls carrying this, as in production."""
RASA_TOKEN = "rasa-http-api-token-for-tests"
"""Rasa's HTTP API answers only with this token here, as in production."""

@dataclass
class Stack:
    tmp: Path
    rasa_url: str
    sim: SimulatorClient
    rasa: Server
    start_rasa: Callable[[], Server]
    store_path: Path

    @property
    def webhook_url(self) -> str:
        return f"{self.rasa_url}/webhooks/whatsapp/webhook"

    def post(self, payload: dict[str, Any] | bytes, headers: dict[str, str] | None = None) -> httpx.Response:
        """POST a webhook signed with the app secret (unless headers are given)."""
        if isinstance(payload, dict):
            body, signed_headers = webhooks.signed(payload, APP_SECRET)
        else:
            body, signed_headers = payload, {}
        return httpx.post(self.webhook_url, content=body, headers=headers if headers is not None else signed_headers,
                          timeout=30)

    def tracker(self, business: str, wa_id: str) -> dict[str, Any]:
        response = httpx.get(f"{self.rasa_url}/conversations/{business}:{wa_id}/tracker",
                             params={"token": RASA_TOKEN}, timeout=30)
        response.raise_for_status()
        return response.json()

    def user_events(self, business: str, wa_id: str) -> list[dict[str, Any]]:
        return [e for e in self.tracker(business, wa_id)["events"] if e["event"] == "user"]

    def wait_for_user_events(self, business: str, wa_id: str, count: int = 1,
                             timeout: float = 30) -> list[dict[str, Any]]:
        """The conversation's user events once there are at least `count`: Rasa saves the tracker after the
        replies have gone out, so a test that has its reply may read the tracker a moment too early."""
        deadline = time.monotonic() + timeout
        while len(events := self.user_events(business, wa_id)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{count} user events expected, got {events}")
            time.sleep(0.2)
        return events

    def replies(self, business: str, wa_id: str) -> list[dict[str, Any]]:
        return [m["message"] for m in self.sim.conversation(business, wa_id) if m["direction"] == "out"]

    def wait_for_replies(self, business: str, wa_id: str, count: int, timeout: float = 60) -> list[dict[str, Any]]:
        """The bot's replies to this customer once there are at least `count` of them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            replies = self.replies(business, wa_id)
            if len(replies) >= count:
                return replies
            time.sleep(0.2)
        raise AssertionError(f"{count} replies expected, got {self.replies(business, wa_id)}")

    def kill_rasa(self) -> None:
        """SIGKILL: no shutdown hooks, exactly like a crash."""
        os.killpg(self.rasa.process.pid, signal.SIGKILL)
        self.rasa.process.wait()

    def restart_rasa(self) -> None:
        self.rasa = self.start_rasa()
        self.rasa.wait_ready(RASA_START_TIMEOUT)

    def introduce(self, *wa_ids: str) -> None:
        """Record that these customers already had the demo shop's privacy notice, so that the replies a test
        waits for are answers, not the notice a new number gets first (actions/privacy.py)."""
        db = Database(f"sqlite:///{self.tmp / 'erp.db'}")
        try:
            ctx = Context(db, find_tenant(db, DEMO_PHONE_NUMBER_ID).id, Actor.system())
            for wa_id in wa_ids:
                consents.record(ctx, wa_id, ConsentPurpose.TRANSACTIONAL, True, "cli")
        finally:
            db.dispose()

    def delivery_log(self) -> list[dict[str, Any]]:
        with sqlite3.connect(self.store_path) as db:
            db.row_factory = sqlite3.Row
            return [dict(row) for row in db.execute("SELECT * FROM delivery_log ORDER BY id")]


def start_stack(tmp: Path, channel_env: dict[str, str] | None = None,
                rasa_timeout: float = RASA_START_TIMEOUT) -> tuple[Stack, list[Server]]:
    url = f"sqlite:///{tmp / 'erp.db'}"
    db = Database(url)
    db.migrate()
    seed_demo(db)
    db.dispose()
    model = ensure_model(ROOT)
    actions_port, rasa_port, sim_port = free_port(), free_port(), free_port()
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp / 'tracker.db'}\n"
    )
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    sim = start_simulator(sim_port, f"{rasa_url}/webhooks/whatsapp/webhook", statuses=True,
                          log=tmp / "simulator.log")
    # the actions run as in production: only an identity the channel signed speaks for a shop's people
    actions = start_action_server(ROOT, actions_port, env={"ERP_DATABASE_URL": url, "HISAAB_ENV": "production",
                                                           "HISAAB_IDENTITY_SECRET": IDENTITY_SECRET,
                                                           "HISAAB_ACTIONS_TOKEN": ACTIONS_TOKEN,
                                                           "HISAAB_DOCUMENTS_DIR": str(tmp / "documents")})
    store_path = tmp / "whatsapp.db"
    channel_env = {
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN, "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN, "WHATSAPP_API_BASE_URL": f"http://127.0.0.1:{sim_port}/v21.0",
        "WHATSAPP_STORE_PATH": str(store_path), "WHATSAPP_MEDIA_DIR": str(tmp / "media"),
        "HISAAB_IDENTITY_SECRET": IDENTITY_SECRET, "RASA_AUTH_TOKEN": RASA_TOKEN, "HISAAB_ENV": "production",
        "HISAAB_ACTIONS_TOKEN": ACTIONS_TOKEN,
        **(channel_env or {}),
    }

    def start_rasa() -> Server:
        return start_rasa_server(ROOT, model, rasa_port, endpoints, env=channel_env)

    rasa = start_rasa()
    try:
        sim.wait_ready(30)
        actions.wait_ready(60)
        rasa.wait_ready(rasa_timeout)
    except BaseException:  # leave no server behind
        for server in (rasa, actions, sim):
            server.stop()
        raise
    stack = Stack(tmp, rasa_url, SimulatorClient(f"http://127.0.0.1:{sim_port}"), rasa, start_rasa, store_path)
    return stack, [sim, actions]

