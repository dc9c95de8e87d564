"""Starting the Rasa server (Python 3.10) and the action server (Python 3.11) as child processes."""

from __future__ import annotations

import ctypes
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from ruamel.yaml import YAML

from bot.privacy import purge_daily
from bot.training import rasa_environment
from connectors.metadata import production
from erp_core.db import database_url

RASA_START_TIMEOUT = 240.0
"""Rasa loads TensorFlow and the model: about 50 s on this class of machine."""


PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM when the parent dies, even by SIGKILL (Linux)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Server:
    """A child process with a URL that says when it is ready; it never outlives the process that started it."""

    def __init__(self, name: str, command: list[str], ready_url: str, cwd: Path, env: dict[str, str],
                 log: Path) -> None:
        self.name, self.ready_url = name, ready_url
        log.parent.mkdir(parents=True, exist_ok=True)
        self._log = log.open("ab")
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True, preexec_fn=_die_with_parent)
        self.log = log

    def wait_ready(self, timeout: float) -> None:
        """Poll the ready URL until it answers 200; raise with the log's tail if the process dies first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the {self.name} exited ({self.process.returncode}):\n{self._tail()}")
            try:
                if httpx.get(self.ready_url, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1)
        raise RuntimeError(f"the {self.name} was not ready after {timeout:.0f} s:\n{self._tail()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()

    def _tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def start_action_server(root: Path, port: int, env: dict[str, str] | None = None) -> Server:
    """rasa-sdk serving `actions/` from the ERP environment."""
    return Server(
        "action server",
        [str(root / ".venv" / "erp" / "bin" / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        f"http://127.0.0.1:{port}/health", root, {**os.environ, **(env or {})}, root / "var" / "log" / "actions.log",
    )


def channels_file(root: Path, production: bool) -> Path:
    """credentials.yml, or in production a copy without the REST channel: there, whoever could reach it would
    choose whom they speak for, and only the WhatsApp channel (which checks Meta's signature) may."""
    credentials = root / "credentials.yml"
    if not production:
        return credentials
    yaml = YAML()
    channels = yaml.load(credentials.read_text(encoding="utf-8"))
    channels.pop("rest", None)
    safe = root / "var" / "credentials.production.yml"
    safe.parent.mkdir(parents=True, exist_ok=True)
    with safe.open("w", encoding="utf-8") as out:
        yaml.dump(channels, out)
    return safe


def start_rasa_server(root: Path, model: Path, port: int, endpoints: Path | None = None,
                      env: dict[str, str] | None = None) -> Server:
    """`rasa run` (through bot.rasa.server) with the HTTP API and the channels of credentials.yml, from the Rasa
    environment. With `RASA_AUTH_TOKEN` set, the HTTP API (conversations, the model) needs that token; in
    production no other site's pages may call it (no CORS)."""
    environment = rasa_environment(env)
    command = [
        str(root / ".venv" / "rasa" / "bin" / "python"), "-m", "bot.rasa.server", "run", "--enable-api", "--port", str(port),
        "--model", str(model), "--endpoints", str(endpoints or root / "endpoints.yml"),
        "--credentials", str(channels_file(root, production(environment))),
    ]
    status = f"http://127.0.0.1:{port}/status"
    if environment.get("RASA_AUTH_TOKEN"):
        command += ["--auth-token", environment["RASA_AUTH_TOKEN"]]
        status += f"?token={environment['RASA_AUTH_TOKEN']}"
    if not production(environment):
        command += ["--cors", "*"]
    return Server("Rasa server", command, status, root, environment, root / "var" / "log" / "rasa.log")


def start_api_server(root: Path, port: int, env: dict[str, str] | None = None) -> Server:
    """The REST API (`bot api`) from the ERP environment."""
    return Server(
        "REST API",
        [str(root / ".venv" / "erp" / "bin" / "python"), "-m", "bot", "api", "--port", str(port)],
        f"http://127.0.0.1:{port}/api/v1/health", root, {**os.environ, **(env or {})}, root / "var" / "log" / "api.log",
    )


def start_review_server(root: Path, port: int, env: dict[str, str] | None = None) -> Server:
    """The conversation review and trainer app (`bot review`) from the ERP environment."""
    return Server(
        "review app",
        [str(root / ".venv" / "erp" / "bin" / "python"), "-m", "bot", "review", "--port", str(port)],
        f"http://127.0.0.1:{port}/health", root, {**os.environ, **(env or {})}, root / "var" / "log" / "review.log",
    )


API_PORT = int(os.environ.get("HISAAB_API_PORT", "8000"))
REVIEW_PORT = int(os.environ.get("HISAAB_REVIEW_PORT", "8002"))
ACTIONS_PORT = 5055
"""The action server's port, as endpoints.yml names it (Rasa allows no defaults for variables there)."""

SIMULATOR_PORT = 5006


def start_whatsapp_simulator(root: Path, rasa_port: int, port: int = SIMULATOR_PORT
                             ) -> tuple[Server, dict[str, str]] | None:
    """Without Meta credentials (WHATSAPP_ACCESS_TOKEN), the local WhatsApp simulator, and the channel
    settings for Rasa that point at it (fresh secrets each run); None when real credentials are set."""
    if os.environ.get("WHATSAPP_ACCESS_TOKEN"):
        return None
    app_secret, access_token = secrets.token_hex(16), secrets.token_hex(16)
    command = [
        str(root / ".venv" / "erp" / "bin" / "python"), "-m", "connectors.simulator", "--port", str(port),
        "--webhook-url", f"http://127.0.0.1:{rasa_port}/webhooks/whatsapp/webhook",
        "--app-secret", app_secret, "--access-token", access_token,
    ]
    server = Server("WhatsApp simulator", command, f"http://127.0.0.1:{port}/sim/config", root, dict(os.environ),
                    root / "var" / "log" / "simulator.log")
    channel = {"WHATSAPP_APP_SECRET": app_secret, "WHATSAPP_ACCESS_TOKEN": access_token,
               "WHATSAPP_API_BASE_URL": f"http://127.0.0.1:{port}/v21.0"}
    return server, channel


def run_bot(root: Path, model: Path, rasa_port: int = 5005) -> int:
    """Start both servers, chat in the terminal if there is one, and stop both on exit, Ctrl-C or SIGTERM.
    Conversation logs older than each shop's retention are purged now and then daily (`bot.privacy`)."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    stop_purging = threading.Event()
    purge_daily(root, database_url(), stop_purging)
    actions = start_action_server(root, ACTIONS_PORT)
    api = start_api_server(root, API_PORT)
    review = start_review_server(root, REVIEW_PORT, env={"REVIEW_RASA_URL": f"http://127.0.0.1:{rasa_port}"})
    simulator = start_whatsapp_simulator(root, rasa_port)
    rasa = start_rasa_server(root, model, rasa_port, env=simulator[1] if simulator else None)
    try:
        actions.wait_ready(60)
        print(f"action server: http://localhost:{ACTIONS_PORT} (log: {actions.log})", flush=True)
        api.wait_ready(60)
        print(f"REST API:      http://localhost:{API_PORT}/api/v1 (docs: /api/v1/docs, log: {api.log})", flush=True)
        review.wait_ready(60)
        print(f"review app:    http://localhost:{REVIEW_PORT} (users: `bot review-user add`, log: {review.log})",
              flush=True)
        print("starting Rasa (about a minute)...", flush=True)
        rasa.wait_ready(RASA_START_TIMEOUT)
        print(f"Rasa server:   http://localhost:{rasa_port} (REST channel: /webhooks/rest/webhook, "
              f"log: {rasa.log})", flush=True)
        if simulator:
            simulator[0].wait_ready(30)
            print(f"WhatsApp simulator: http://localhost:{SIMULATOR_PORT} (no Meta credentials set: chat with the "
                  f"bot there as a WhatsApp customer)", flush=True)
        if sys.stdin.isatty():
            from bot.chat import chat

            chat(f"http://localhost:{rasa_port}")
        else:
            print("running; stop with Ctrl-C", flush=True)
            while rasa.process.poll() is None and actions.process.poll() is None and api.process.poll() is None:
                time.sleep(1)
            return 1
    except KeyboardInterrupt:
        pass
    finally:
        stop_purging.set()
        rasa.stop()
        api.stop()
        review.stop()
        actions.stop()
        if simulator:
            simulator[0].stop()
    return 0
