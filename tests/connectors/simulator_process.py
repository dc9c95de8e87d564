"""Starting the simulator (its Graph API fake and chat page) as a child process for tests and the bench."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx

from bot.servers import Server

ROOT = Path(__file__).resolve().parents[2]
APP_SECRET = "test-app-secret"
ACCESS_TOKEN = "test-access-token"
VERIFY_TOKEN = "test-verify-token"


def start_simulator(port: int, webhook_url: str, statuses: bool = False, log: Path | None = None) -> Server:
    command = [sys.executable, "-m", "connectors.simulator", "--port", str(port), "--webhook-url", webhook_url,
               "--app-secret", APP_SECRET, "--access-token", ACCESS_TOKEN]
    if not statuses:
        command.append("--no-statuses")
    return Server("simulator", command, f"http://127.0.0.1:{port}/sim/config", ROOT, {},
                  log or ROOT / "var" / "log" / "simulator.log")


class SimulatorClient:
    """The simulator's test API: faults, the Graph calls it received, the chats."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.graph_url = f"{url}/v21.0"

    def reset(self) -> None:
        httpx.post(f"{self.url}/sim/reset").raise_for_status()

    def faults(self, *faults: dict) -> None:
        httpx.post(f"{self.url}/sim/faults", json={"faults": list(faults)}).raise_for_status()

    def requests(self) -> list[dict]:
        return httpx.get(f"{self.url}/sim/requests").json()["requests"]

    def sends(self) -> list[dict]:
        """The message bodies the channel POSTed (not mark-as-read calls)."""
        return [r["body"] for r in self.requests() if r["path"].endswith("/messages") and "status" not in r["body"]]

    def conversation(self, business: str, customer: str) -> list[dict]:
        return httpx.get(f"{self.url}/sim/conversation", params={"business": business, "customer": customer}
                         ).json()["messages"]

    def send(self, **message) -> dict:
        response = httpx.post(f"{self.url}/sim/send", json=message, timeout=30)
        response.raise_for_status()
        return response.json()

    def upload(self, data: bytes, filename: str, mime_type: str) -> str:
        response = httpx.post(f"{self.url}/sim/upload", files={"file": (filename, data, mime_type)})
        response.raise_for_status()
        return response.json()["id"]
