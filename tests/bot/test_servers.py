"""`make run` starts the WhatsApp simulator when no Meta credentials are set."""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.servers import start_whatsapp_simulator
from tests.postgres_server import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_real_meta_credentials_mean_no_simulator(monkeypatch):
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "EAAG-real-token")
    assert start_whatsapp_simulator(ROOT, rasa_port=5005, port=free_port()) is None


def test_without_credentials_the_channel_is_pointed_at_a_running_simulator(monkeypatch):
    monkeypatch.delenv("WHATSAPP_ACCESS_TOKEN", raising=False)
    port = free_port()
    server, channel = start_whatsapp_simulator(ROOT, rasa_port=5005, port=port)
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
