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
from dataclasses import dataclass
from pathlib import Path

import httpx
from ruamel.yaml import YAML

from bot.training import rasa_environment
from connectors.metadata import production
from erp_core.db import database_url

RASA_START_TIMEOUT = 240.0
"""Rasa loads TensorFlow and the model: about 50 s on this class of machine."""


PR_SET_PDEATHSIG = 1
LOOPBACK = "127.0.0.1"
ACTIONS_TOKEN = "HISAAB_ACTIONS_TOKEN"
"""The environment variable holding the secret the Rasa server shows the action server."""


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
    """rasa-sdk serving `actions/` from the ERP environment, on loopback; with `HISAAB_ACTIONS_TOKEN` in the
    environment it answers only calls that carry that token (`bot.action_server`)."""
    return Server(
        "action server",
        [str(root / ".venv" / "erp" / "bin" / "python"), "-m", "bot.action_server", "--port", str(port)],
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


def endpoints_file(root: Path, endpoints: Path, rasa_port: int, environment: dict[str, str]) -> Path:
    """endpoints.yml as given, or, when the action server wants `HISAAB_ACTIONS_TOKEN`, a copy whose action
    endpoint sends it. The copy names the variable, not the token: Rasa fills it in from its environment."""
    if not environment.get(ACTIONS_TOKEN):
        return endpoints
    yaml = YAML()
    config = yaml.load(endpoints.read_text(encoding="utf-8"))
    config["action_endpoint"]["headers"] = {"Authorization": "Bearer ${%s}" % ACTIONS_TOKEN}
    copy = root / "var" / "run" / f"endpoints-{rasa_port}.yml"
    copy.parent.mkdir(parents=True, exist_ok=True)
    with copy.open("w", encoding="utf-8") as out:
        yaml.dump(config, out)
    return copy


def start_rasa_server(root: Path, model: Path, port: int, endpoints: Path | None = None,
                      env: dict[str, str] | None = None) -> Server:
    """`rasa run` (through bot.rasa.server) on loopback with the HTTP API and the channels of credentials.yml,
    from the Rasa environment. With `RASA_AUTH_TOKEN` set, the HTTP API (conversations, the model) needs that
    token; in production no other site's pages may call it (no CORS), and the WhatsApp webhook reaches it
    through the gateway (`bot.gateway`)."""
    environment = rasa_environment(env)
    endpoints = endpoints_file(root, endpoints or root / "endpoints.yml", port, environment)
    command = [
        str(root / ".venv" / "rasa" / "bin" / "python"), "-m", "bot.rasa.server", "run", "--enable-api",
        "--interface", LOOPBACK, "--port", str(port), "--model", str(model), "--endpoints", str(endpoints),
        "--credentials", str(channels_file(root, production(environment))),
    ]
    status = f"http://127.0.0.1:{port}/status"
    if environment.get("RASA_AUTH_TOKEN"):
        command += ["--auth-token", environment["RASA_AUTH_TOKEN"]]
        status += f"?token={environment['RASA_AUTH_TOKEN']}"
    if not production(environment):
        command += ["--cors", "*"]
    return Server("Rasa server", command, status, root, environment, root / "var" / "log" / "rasa.log")


def start_whatsapp_simulator(root: Path, rasa_port: int, port: int
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


def _erp_python(root: Path) -> str:
    return str(root / ".venv" / "erp" / "bin" / "python")


def start_api_server(root: Path, port: int, env: dict[str, str] | None = None, host: str = LOOPBACK) -> Server:
    """The REST API (`bot api`) from the ERP environment."""
    return Server(
        "REST API", [_erp_python(root), "-m", "bot", "api", "--host", host, "--port", str(port)],
        f"http://127.0.0.1:{port}/api/v1/health", root, {**os.environ, **(env or {})}, root / "var" / "log" / "api.log",
    )


def start_review_server(root: Path, port: int, env: dict[str, str] | None = None, host: str = LOOPBACK) -> Server:
    """The conversation review and trainer app (`bot review`) from the ERP environment."""
    return Server(
        "review app", [_erp_python(root), "-m", "bot", "review", "--host", host, "--port", str(port)],
        f"http://127.0.0.1:{port}/health", root, {**os.environ, **(env or {})}, root / "var" / "log" / "review.log",
    )


def start_notice_worker(root: Path, port: int, env: dict[str, str] | None = None) -> Server:
    """The notice worker (`bot notify`): the messages the shop sends on its own, through the channel's outbox; its
    health page on loopback."""
    return Server(
        "notice worker", [_erp_python(root), "-m", "bot", "notify", "--port", str(port)],
        f"http://127.0.0.1:{port}/health", root, {**os.environ, **(env or {})}, root / "var" / "log" / "notify.log",
    )


def start_gateway(root: Path, port: int, rasa_url: str, host: str) -> Server:
    """The WhatsApp webhook's public door to the Rasa server on loopback (`bot gateway`)."""
    return Server(
        "webhook gateway",
        [_erp_python(root), "-m", "bot", "gateway", "--rasa-url", rasa_url, "--host", host, "--port", str(port)],
        f"http://127.0.0.1:{port}/health", root, dict(os.environ), root / "var" / "log" / "gateway.log",
    )


@dataclass(frozen=True)
class Ports:
    """Where each server listens; the defaults are `make run`'s."""
    rasa: int = 5005
    actions: int = 5055
    """As endpoints.yml names it (Rasa allows no defaults for variables there)."""
    api: int = int(os.environ.get("HISAAB_API_PORT", "8000"))
    review: int = int(os.environ.get("HISAAB_REVIEW_PORT", "8002"))
    gateway: int = int(os.environ.get("HISAAB_WEBHOOK_PORT", "8001"))
    simulator: int = 5006
    notify: int = int(os.environ.get("HISAAB_NOTIFY_PORT", "5057"))


@dataclass
class RunningBot:
    """The bot's servers, each with the line that announces it once it is ready, in the order to wait for them."""
    servers: list[tuple[Server, float, str]]

    def wait_ready(self) -> None:
        for server, timeout, announcement in self.servers:
            if server.name == "Rasa server":
                print("starting Rasa (about a minute)...", flush=True)
            server.wait_ready(timeout)
            print(announcement, flush=True)

    def alive(self) -> bool:
        return all(server.process.poll() is None for server, _, _ in self.servers)

    def stop(self) -> None:
        for server, _, _ in reversed(self.servers):
            server.stop()


def start_bot(root: Path, model: Path, ports: Ports = Ports(), endpoints: Path | None = None) -> RunningBot:
    """Start every server of the bot. Only what must be public listens on `HISAAB_PUBLIC_HOST` (default every
    address), and only in production: the REST API, the review app and the webhook gateway. The Rasa server and
    the action server are always on loopback; in development everything is, and without Meta credentials the
    local WhatsApp simulator stands in for WhatsApp."""
    public = os.environ.get("HISAAB_PUBLIC_HOST", "0.0.0.0") if production() else LOOPBACK
    rasa_url = f"http://127.0.0.1:{ports.rasa}"
    simulator = None if production() else start_whatsapp_simulator(root, ports.rasa, ports.simulator)
    started: list[tuple[Server, float, str]] = []
    try:
        actions = start_action_server(root, ports.actions)
        started.append((actions, 60, f"action server: http://127.0.0.1:{ports.actions} (log: {actions.log})"))
        api = start_api_server(root, ports.api, host=public)
        started.append((api, 60, f"REST API:      http://{public}:{ports.api}/api/v1 (docs: /api/v1/docs, "
                                 f"log: {api.log})"))
        review = start_review_server(root, ports.review, env={"REVIEW_RASA_URL": rasa_url}, host=public)
        started.append((review, 60, f"review app:    http://{public}:{ports.review} (users: `bot review-user add`, "
                                    f"log: {review.log})"))
        rasa = start_rasa_server(root, model, ports.rasa, endpoints, env=simulator[1] if simulator else None)
        channels = "the WhatsApp webhook" if production() else "REST channel: /webhooks/rest/webhook"
        started.append((rasa, RASA_START_TIMEOUT, f"Rasa server:   {rasa_url} ({channels}, log: {rasa.log})"))
        notify = start_notice_worker(root, ports.notify, env=simulator[1] if simulator else None)
        started.append((notify, 60, f"notice worker: reminders, receipts, alerts, the daily summary (log: "
                                    f"{notify.log}; `bot notify --dry-run` shows what it would send)"))
        if production():
            gateway = start_gateway(root, ports.gateway, rasa_url, public)
            started.append((gateway, 30, f"WhatsApp webhook: http://{public}:{ports.gateway}/webhooks/whatsapp/webhook "
                                         f"(give Meta this path behind your TLS proxy; log: {gateway.log})"))
        if simulator:
            started.append((simulator[0], 30, f"WhatsApp simulator: http://localhost:{ports.simulator} (no Meta "
                                              f"credentials set: chat with the bot there as a WhatsApp customer)"))
    except BaseException:
        RunningBot(started).stop()
        if simulator:
            simulator[0].stop()
        raise
    return RunningBot(started)


def run_bot(root: Path, model: Path, rasa_port: int = 5005) -> int:
    """Start every server, chat in the terminal if there is one, and stop them all on exit, Ctrl-C or SIGTERM.
    Conversation logs older than each shop's retention are purged now and then daily (`bot.privacy`)."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    from bot.privacy import purge_daily

    stop_purging = threading.Event()
    purge_daily(root, database_url(), stop_purging)
    bot = start_bot(root, model, Ports(rasa=rasa_port))
    try:
        bot.wait_ready()
        if sys.stdin.isatty() and not production():
            from bot.chat import chat

            chat(f"http://localhost:{rasa_port}")
        else:
            print("running; stop with Ctrl-C", flush=True)
            while bot.alive():
                time.sleep(1)
            return 1
    except KeyboardInterrupt:
        pass
    finally:
        stop_purging.set()
        bot.stop()
    return 0
