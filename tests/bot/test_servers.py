"""Servers started by `bot run` and the tests: the WhatsApp simulator without Meta credentials, no orphans."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot.servers import start_whatsapp_simulator
from tests.postgres_server import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_real_meta_credentials_mean_no_simulator(monkeypatch):
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "EAAG-real-token")
    assert start_whatsapp_simulator(ROOT, webhook_port=5005, port=free_port()) is None


def test_without_credentials_the_channel_is_pointed_at_a_running_simulator(monkeypatch):
    monkeypatch.delenv("WHATSAPP_ACCESS_TOKEN", raising=False)
    port = free_port()
    server, channel = start_whatsapp_simulator(ROOT, webhook_port=5005, port=port)
    try:
        server.wait_ready(30)
        assert channel["WHATSAPP_API_BASE_URL"] == f"http://127.0.0.1:{port}/v21.0"
        assert httpx.get(f"http://127.0.0.1:{port}/").text.startswith("<!doctype html>")
        send = {"messaging_product": "whatsapp", "to": "919800000001", "type": "text", "text": {"body": "hi"}}
        url = f"{channel['WHATSAPP_API_BASE_URL']}/100000000000001/messages"
        ok = httpx.post(url, json=send, headers={"Authorization": f"Bearer {channel['WHATSAPP_ACCESS_TOKEN']}"})
        assert ok.status_code == 200 and ok.json()["messages"][0]["id"].startswith("wamid.")
        assert httpx.post(url, json=send, headers={"Authorization": "Bearer guess"}).status_code == 401
    finally:
        server.stop()


def test_a_server_does_not_outlive_a_killed_parent(tmp_path):
    """A test run or `bot run` killed with SIGKILL leaves no server behind (PR_SET_PDEATHSIG)."""
    pid_file = tmp_path / "child.pid"
    parent = subprocess.Popen([sys.executable, "-c", f"""
import sys, time
from pathlib import Path
from bot.servers import Server
server = Server("sleeper", [sys.executable, "-c", "import time; time.sleep(300)"], "http://127.0.0.1:1/",
                Path({str(tmp_path)!r}), {{}}, Path({str(tmp_path / 'sleeper.log')!r}))
Path({str(pid_file)!r}).write_text(str(server.process.pid))
time.sleep(300)
"""], cwd=ROOT)
    deadline = time.monotonic() + 30
    while not pid_file.exists():
        assert time.monotonic() < deadline and parent.poll() is None
        time.sleep(0.1)
    child = int(pid_file.read_text())
    os.kill(child, 0)  # alive while the parent lives
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(child, signal.SIGKILL)
    raise AssertionError("the server outlived its parent")
