"""The production profile, started the way `bot run` starts it, with every door tried from outside.

Only the webhook (through the gateway), the REST API and the review app listen beyond loopback; Rasa's HTTP API
wants its token, the REST channel is gone, the action server wants the Rasa server's token, and a replayed webhook
is answered but not processed twice.
"""

from __future__ import annotations

import fcntl
import os
import socket
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.servers import Ports, RunningBot, Server, start_bot
from bot.training import ensure_model
from connectors.simulator import webhooks
from erp_core.db import Database
from erp_core.demo import DEMO_OWNER_WA_ID, DEMO_PHONE_NUMBER_ID, seed_demo
from tests.connectors.simulator_process import (
    ACCESS_TOKEN, APP_SECRET, ROOT, VERIFY_TOKEN, SimulatorClient, start_simulator,
)
from tests.postgres_server import free_port

RASA_TOKEN = "rasa-http-api-token-for-the-production-test"
ACTIONS_TOKEN = "action-server-token-for-the-production-test"
STOCK_TAP = '/check_stock{"product": "Maggi"}'


def listening_addresses(pid: int) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket listening in the process group `pid` leads (a server's workers too)."""
    inodes: set[str] = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if int((proc / "stat").read_text().rsplit(")", 1)[1].split()[2]) != pid:
                continue
            for fd in (proc / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    found = set()
    for table, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] != "0A" or fields[9] not in inodes:  # 0A: LISTEN
                continue
            address, port = fields[1].split(":")
            raw = bytes.fromhex(address)
            raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))  # kernel order per 32-bit word
            found.add((socket.inet_ntop(family, raw), int(port, 16)))
    return found


def outside_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback (SIOCGIFADDR per interface)."""
    addresses = []
    for _, name in socket.if_nameindex():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                packed = fcntl.ioctl(probe.fileno(), 0x8915, struct.pack("256s", name[:15].encode()))
            except OSError:
                continue
        address = socket.inet_ntoa(packed[20:24])
        if not address.startswith("127."):
            addresses.append(address)
    return addresses


def reachable(address: str, port: int) -> bool:
    with socket.socket() as client:
        client.settimeout(2)
        return client.connect_ex((address, port)) == 0


class Production:
    def __init__(self, bot: RunningBot, ports: Ports, sim: SimulatorClient, db: Database) -> None:
        self.bot, self.ports, self.sim, self.db = bot, ports, sim, db

    def server(self, name: str) -> Server:
        return next(server for server, _, _ in self.bot.servers if server.name == name)

    def replies(self, wa_id: str, count: int, timeout: float = 60) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            replies = [m for m in self.sim.conversation(DEMO_PHONE_NUMBER_ID, wa_id) if m["direction"] == "out"]
            if len(replies) >= count:
                return replies
            time.sleep(0.2)
        raise AssertionError(f"{count} replies expected")


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> Iterator[Production]:
    tmp = tmp_path_factory.mktemp("production")
    url = f"sqlite:///{tmp / 'erp.db'}"
    db = Database(url)
    db.migrate()
    seed_demo(db)
    ports = Ports(rasa=free_port(), actions=free_port(), api=free_port(), review=free_port(), gateway=free_port(),
                  notify=free_port())
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{ports.actions}/webhook"\n'
                         f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp / 'tracker.db'}\n")
    sim_port = free_port()
    sim = start_simulator(sim_port, f"http://127.0.0.1:{ports.gateway}/webhooks/whatsapp/webhook",
                          log=tmp / "simulator.log")
    environment = {
        "HISAAB_ENV": "production", "HISAAB_PUBLIC_HOST": "0.0.0.0", "ERP_DATABASE_URL": url,
        "HISAAB_IDENTITY_SECRET": "identity-secret-for-the-production-test-0123",
        "RASA_AUTH_TOKEN": RASA_TOKEN, "HISAAB_ACTIONS_TOKEN": ACTIONS_TOKEN,
        "WHATSAPP_APP_SECRET": APP_SECRET, "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN, "WHATSAPP_API_BASE_URL": f"http://127.0.0.1:{sim_port}/v21.0",
        "WHATSAPP_STORE_PATH": str(tmp / "whatsapp.db"), "WHATSAPP_MEDIA_DIR": str(tmp / "media"),
        "REVIEW_DATABASE_URL": f"sqlite:///{tmp / 'review.db'}", "REVIEW_WORK_DIR": str(tmp / "review"),
    }
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    try:
        bot = start_bot(ROOT, ensure_model(ROOT), ports, endpoints)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    try:
        sim.wait_ready(30)
        bot.wait_ready()
        yield Production(bot, ports, SimulatorClient(f"http://127.0.0.1:{sim_port}"), db)
    finally:
        bot.stop()
        sim.stop()
        db.dispose()


def test_only_the_webhook_gateway_the_api_and_the_review_app_listen_beyond_loopback(production):
    ports = production.ports
    public = {"webhook gateway": ports.gateway, "REST API": ports.api, "review app": ports.review}
    internal = {"Rasa server": ports.rasa, "action server": ports.actions}
    for name, port in {**public, **internal}.items():
        listening = listening_addresses(production.server(name).process.pid)
        assert listening, f"the {name} listens nowhere"
        assert {address for address, _ in listening} == ({"0.0.0.0"} if name in public else {"127.0.0.1"}), name
        assert {p for _, p in listening} == {port}, f"the {name} listens on ports it was not given: {listening}"
    for address in outside_addresses():
        assert all(reachable(address, port) for port in public.values())
        assert not any(reachable(address, port) for port in internal.values())


def test_the_gateway_forwards_the_webhook_and_nothing_else(production):
    gateway = f"http://127.0.0.1:{production.ports.gateway}"
    challenge = httpx.get(f"{gateway}/webhooks/whatsapp/webhook", params={
        "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"})
    assert challenge.status_code == 200 and challenge.text == "1158201444"
    assert httpx.get(f"{gateway}/webhooks/whatsapp/webhook", params={
        "hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"}).status_code == 403
    for path in (f"/conversations/{DEMO_PHONE_NUMBER_ID}:{DEMO_OWNER_WA_ID}/tracker", "/status", "/model",
                 "/webhooks/rest/webhook"):
        assert httpx.get(f"{gateway}{path}", params={"token": RASA_TOKEN}).status_code == 404, path


def test_rasas_http_api_refuses_calls_without_its_token(production):
    rasa = f"http://127.0.0.1:{production.ports.rasa}"
    tracker = f"{rasa}/conversations/{DEMO_PHONE_NUMBER_ID}:{DEMO_OWNER_WA_ID}/tracker"
    assert httpx.get(tracker).status_code == 401
    assert httpx.get(tracker, params={"token": "guess"}).status_code == 401
    assert httpx.put(f"{rasa}/model", json={"model_file": "/tmp/evil.tar.gz"}).status_code == 401
    assert httpx.post(f"{tracker[:-len('/tracker')]}/trigger_intent",
                      json={"name": "check_stock"}).status_code == 401
    assert httpx.get(tracker, params={"token": RASA_TOKEN}).status_code == 200


def test_the_rest_channel_cannot_speak_for_a_shops_owner(production):
    forged = {"sender": "owner", "message": STOCK_TAP,
              "metadata": {"phone_number_id": DEMO_PHONE_NUMBER_ID, "wa_id": DEMO_OWNER_WA_ID}}
    assert httpx.post(f"http://127.0.0.1:{production.ports.rasa}/webhooks/rest/webhook",
                      json=forged).status_code == 404


def test_the_action_server_answers_only_the_rasa_server(production):
    """A forged call with a made-up tracker, as `POST /webhook` takes it, is refused before any action runs;
    the Rasa server's own calls (with the token) work, or the owner's tap below would get no stock figure."""
    forged = {"next_action": "action_check_stock", "sender_id": f"{DEMO_PHONE_NUMBER_ID}:{DEMO_OWNER_WA_ID}",
              "tracker": {"sender_id": "x", "slots": {}, "latest_message": {"text": "x", "intent": {},
                                                                                "entities": []},
                          "events": [], "latest_action_name": None}, "domain": {}}
    actions = f"http://127.0.0.1:{production.ports.actions}/webhook"
    assert httpx.post(actions, json=forged).status_code == 401
    assert httpx.post(actions, json=forged, headers={"Authorization": "Bearer guess"}).status_code == 401
    assert httpx.get(f"http://127.0.0.1:{production.ports.actions}/actions").status_code == 401


def test_a_signed_webhook_through_the_gateway_is_answered_once_and_a_replay_is_not_processed_again(production):
    payload = webhooks.message_payload(DEMO_PHONE_NUMBER_ID, DEMO_OWNER_WA_ID, "interactive",
                                       {"type": "button_reply", "button_reply": {"id": STOCK_TAP, "title": "Maggi"}})
    body, headers = webhooks.signed(payload, APP_SECRET)
    gateway = f"http://127.0.0.1:{production.ports.gateway}/webhooks/whatsapp/webhook"
    assert httpx.post(gateway, content=body, headers=headers, timeout=30).status_code == 200
    [reply] = production.replies(DEMO_OWNER_WA_ID, 1)
    assert "maggi" in reply["message"]["text"]["body"].lower()
    assert httpx.post(gateway, content=body, headers=headers, timeout=30).status_code == 200
    time.sleep(3)
    assert len(production.replies(DEMO_OWNER_WA_ID, 1)) == 1
    tampered = body.replace(b"Maggi", b"Mggai")
    assert httpx.post(gateway, content=tampered, headers=headers, timeout=30).status_code == 403
    assert httpx.post(gateway, content=body, timeout=30).status_code in (401, 403)
