"""The scale-out profile as real processes on this machine: PostgreSQL 15 (the books and Rasa's conversations), Redis 7
(the channel's shared inbox and outbox, Rasa's lock store), N Rasa and action server pairs started the way
`bot run --replicas N` starts them, the webhook gateway in front, and the simulator standing in for Meta's Graph API.

Messages come in as Meta sends them: signed webhooks to the gateway, sent again until they get a 200.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bot.servers import RASA_START_TIMEOUT, REPLICA_PORT_STEP, Ports, Server, start_gateway, start_replica
from bot.training import ensure_model
from connectors.simulator import webhooks
from erp_core import consents, tenants
from erp_core.context import Context
from erp_core.db import Database
from erp_core.demo import DEMO_PHONE_NUMBER_ID, seed_demo
from erp_core.enums import ConsentPurpose, Role
from erp_core.permissions import Actor
from erp_core.tenants import find_tenant
from tests.connectors.redis_server import RedisProcess
from tests.connectors.simulator_process import ACCESS_TOKEN, APP_SECRET, ROOT, VERIFY_TOKEN, SimulatorClient, \
    start_simulator
from tests.postgres_server import PostgresProcess, free_port

IDENTITY_SECRET = "channel-identity-secret-for-scale-tests"
ACTIONS_TOKEN = "action-server-token-for-scale-tests"
RASA_TOKEN = "rasa-http-api-token-for-scale-tests"
CLAIM_AFTER = 10
"""Seconds before a dead replica's conversation is taken over (30 in production; shorter so the tests are quick, longer
than a Redis restart, during which a working replica cannot keep its conversations fresh)."""
LOCK_LIFETIME = 15
"""Rasa's lock store: seconds a dead replica's lock on a conversation outlives it (60 in production)."""


@dataclass
class Cluster:
    tmp: Path
    pg: PostgresProcess
    redis: RedisProcess
    env: dict[str, str]
    model: Path
    ports: Ports
    sim: SimulatorClient
    gateway_url: str
    replicas: list[tuple[Server, Server]] = field(default_factory=list)
    others: list[Server] = field(default_factory=list)

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.ports.rasa + i * REPLICA_PORT_STEP}" for i in range(len(self.replicas))]

    @property
    def db(self) -> Database:
        return Database(self.pg.url)

    def start_replica(self, index: int) -> tuple[Server, Server]:
        return start_replica(ROOT, self.model, index, self.ports, env=self.env)

    def wait_ready(self, pair: tuple[Server, Server]) -> None:
        rasa, actions = pair
        actions.wait_ready(60)
        rasa.wait_ready(RASA_START_TIMEOUT)

    def kill_replica(self, index: int) -> None:
        """SIGKILL the replica's Rasa server and action server: no shutdown hooks, exactly like a crashed machine."""
        for server in self.replicas[index]:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()

    def restart_replica(self, index: int) -> None:
        self.replicas[index] = self.start_replica(index)
        self.wait_ready(self.replicas[index])

    def post(self, payload: dict[str, Any], within: float = 180) -> None:
        """POST a signed webhook to the gateway, again and again as Meta does until it gets a 200."""
        body, headers = webhooks.signed(payload, APP_SECRET)
        deadline, pause = time.monotonic() + within, 0.2
        while True:
            try:
                if httpx.post(f"{self.gateway_url}/webhooks/whatsapp/webhook", content=body, headers=headers,
                              timeout=30).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("the webhook was never accepted")
            time.sleep(pause)
            pause = min(pause * 2, 3.0)

    def say(self, wa_id: str, text: str) -> str:
        payload = webhooks.text(DEMO_PHONE_NUMBER_ID, wa_id, text)
        self.post(payload)
        return payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]

    def replies(self, wa_id: str) -> list[dict[str, Any]]:
        return [m["message"] for m in self.sim.conversation(DEMO_PHONE_NUMBER_ID, wa_id) if m["direction"] == "out"]

    def owners(self, count: int, first: int) -> list[str]:
        """`count` new owners of the demo shop who already had the privacy notice (so every reply is an answer)."""
        db = self.db
        try:
            ctx = Context(db, find_tenant(db, DEMO_PHONE_NUMBER_ID).id, Actor.system())
            numbers = [str(first + n) for n in range(count)]
            for wa_id in numbers:
                tenants.add_user(ctx, wa_id=wa_id, role=Role.OWNER, name=f"owner {wa_id}")
                consents.record(ctx, wa_id, ConsentPurpose.TRANSACTIONAL, True, "cli")
            return numbers
        finally:
            db.dispose()

    def check_books(self) -> str:
        """`bot check` on the cluster's books: its output; it raises if the check fails."""
        import subprocess

        result = subprocess.run([str(ROOT / ".venv" / "erp" / "bin" / "python"), "-m", "bot", "check"], cwd=ROOT,
                                env={**os.environ, "ERP_DATABASE_URL": self.pg.url}, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout


def shape(message: dict[str, Any]) -> str:
    """A reply with its figures taken out, to compare one customer's conversation with another's."""
    import json

    return re.sub(r"\d+([.,]\d+)*", "#", json.dumps(message, sort_keys=True, ensure_ascii=False))


@contextmanager
def running_cluster(tmp: Path, replicas: int = 2) -> Iterator[Cluster]:
    """Everything started and ready; everything stopped and removed afterwards."""
    pg, redis = PostgresProcess(), RedisProcess()
    started: list[Server] = []
    cluster: Cluster | None = None
    try:
        pg.start()
        pg.create_erp_database()
        tracker_url = pg.create_tracker_database()
        redis.start()
        db = Database(pg.url)
        db.migrate()
        seed_demo(db)
        db.dispose()
        sim_port, gateway_port = free_port(), free_port()
        ports = Ports(rasa=free_port(), actions=free_port())
        env = {
            "ERP_DATABASE_URL": pg.url,
            "HISAAB_TRACKER_STORE_URL": tracker_url,
            "HISAAB_LOCK_STORE_URL": f"redis://127.0.0.1:{redis.port}/1",
            "WHATSAPP_REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
            "WHATSAPP_CLAIM_AFTER": str(CLAIM_AFTER), "TICKET_LOCK_LIFETIME": str(LOCK_LIFETIME),
            "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN, "WHATSAPP_APP_SECRET": APP_SECRET,
            "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN, "WHATSAPP_API_BASE_URL": f"http://127.0.0.1:{sim_port}/v21.0",
            "WHATSAPP_MEDIA_DIR": str(tmp / "media"), "HISAAB_DOCUMENTS_DIR": str(tmp / "documents"),
            "HISAAB_IDENTITY_SECRET": IDENTITY_SECRET, "RASA_AUTH_TOKEN": RASA_TOKEN, "HISAAB_ENV": "production",
            "HISAAB_ACTIONS_TOKEN": ACTIONS_TOKEN,
        }
        if os.environ.get("HISAAB_TEST_WITHOUT_LOCK_STORE"):  # to see the fault tests fail without it, once
            del env["HISAAB_LOCK_STORE_URL"]
        gateway_url = f"http://127.0.0.1:{gateway_port}"
        sim = start_simulator(sim_port, f"{gateway_url}/webhooks/whatsapp/webhook", log=tmp / "simulator.log")
        started.append(sim)
        cluster = Cluster(tmp, pg, redis, env, ensure_model(ROOT), ports,
                          SimulatorClient(f"http://127.0.0.1:{sim_port}"), gateway_url)
        cluster.replicas = [cluster.start_replica(i) for i in range(replicas)]
        gateway = start_gateway(ROOT, gateway_port, cluster.rasa_urls, "127.0.0.1")
        started.append(gateway)
        sim.wait_ready(30)
        gateway.wait_ready(30)
        for pair in cluster.replicas:
            cluster.wait_ready(pair)
        yield cluster
    finally:
        for pair in cluster.replicas if cluster else []:
            for server in pair:
                server.stop()
        for server in started:
            server.stop()
        redis.remove()
        pg.remove()
