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

from bot.endpoints import ACTION_SERVER_URL, endpoints_file
from bot.training import rasa_environment
from connectors.metadata import production
from erp_core.db import database_url

RASA_START_TIMEOUT = 240.0
"""Rasa loads TensorFlow and the model: about 50 s on this class of machine."""


PR_SET_PDEATHSIG = 1
LOOPBACK = "127.0.0.1"


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


def start_action_server(root: Path, port: int, env: dict[str, str] | None = None, log: str = "actions") -> Server:
    """rasa-sdk serving `actions/` from the ERP environment, on loopback; with `HISAAB_ACTIONS_TOKEN` in the
    environment it answers only calls that carry that token (`bot.action_server`). Logs to `var/log/<log>.log`."""
    return Server(
        "action server",
        [str(root / ".venv" / "erp" / "bin" / "python"), "-m", "bot.action_server", "--port", str(port)],
        f"http://127.0.0.1:{port}/health", root, {**os.environ, **(env or {})}, root / "var" / "log" / f"{log}.log",
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
                      env: dict[str, str] | None = None, log: str = "rasa") -> Server:
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
    return Server("Rasa server", command, status, root, environment, root / "var" / "log" / f"{log}.log")


def start_whatsapp_simulator(root: Path, webhook_port: int, port: int
                             ) -> tuple[Server, dict[str, str]] | None:
    """Without Meta credentials (WHATSAPP_ACCESS_TOKEN), the local WhatsApp simulator posting to the webhook on
    `webhook_port` (the Rasa server, or the gateway in front of several), and the channel settings for Rasa that
    point at it (fresh secrets each run); None when real credentials are set."""
    if os.environ.get("WHATSAPP_ACCESS_TOKEN"):
        return None
    app_secret, access_token = secrets.token_hex(16), secrets.token_hex(16)
    command = [
        str(root / ".venv" / "erp" / "bin" / "python"), "-m", "connectors.simulator", "--port", str(port),
        "--webhook-url", f"http://127.0.0.1:{webhook_port}/webhooks/whatsapp/webhook",
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


def start_gateway(root: Path, port: int, rasa_urls: list[str], host: str) -> Server:
    """The WhatsApp webhook's public door to the Rasa servers (`bot gateway`), spreading webhooks across them."""
    upstreams = [argument for url in rasa_urls for argument in ("--rasa-url", url)]
    return Server(
        "webhook gateway",
        [_erp_python(root), "-m", "bot", "gateway", *upstreams, "--host", host, "--port", str(port)],
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


SCALE_OUT = {
    "ERP_DATABASE_URL": "the books on PostgreSQL (postgresql+psycopg://...)",
    "HISAAB_TRACKER_STORE_URL": "Rasa's conversations on PostgreSQL (postgresql://...)",
    "HISAAB_LOCK_STORE_URL": "Rasa's lock store on Redis (redis://host:6379/1)",
    "WHATSAPP_REDIS_URL": "the channel's shared inbox and outbox on Redis (redis://host:6379/0)",
}
"""What several replicas must share, and what for (docs/deploy.md)."""
REPLICA_PORT_STEP = 100
"""Replica i's Rasa server listens on `Ports.rasa + 100 i`, its action server on `Ports.actions + 100 i`."""


def scale_out_problems(environ: dict[str, str]) -> list[str]:
    """Why several replicas may not start: each shared store that is missing or of the wrong kind."""
    problems = [f"{name} is missing ({job})" for name, job in SCALE_OUT.items() if not environ.get(name)]
    if environ.get("ERP_DATABASE_URL", "postgresql").split(":")[0].split("+")[0] != "postgresql":
        problems.append("ERP_DATABASE_URL must be PostgreSQL: SQLite is one machine's file")
    return problems


def start_replica(root: Path, model: Path, index: int, ports: Ports, endpoints: Path | None = None,
                  env: dict[str, str] | None = None) -> tuple[Server, Server]:
    """Replica `index`: a Rasa server and the action server only it calls, both on loopback. A pair, not a pool:
    Rasa's action endpoint takes one URL, and a pair on one machine needs no load balancer between them, keeps
    the action server off the network, and fails as one."""
    step = index * REPLICA_PORT_STEP
    rasa_port, actions_port = ports.rasa + step, ports.actions + step
    suffix = f"-{index}" if index else ""
    actions = start_action_server(root, actions_port, env, log=f"actions{suffix}")
    rasa_env = {**(env or {}), ACTION_SERVER_URL: f"http://127.0.0.1:{actions_port}/webhook"}
    rasa = start_rasa_server(root, model, rasa_port, endpoints, env=rasa_env, log=f"rasa{suffix}")
    return rasa, actions


def start_bot(root: Path, model: Path, ports: Ports = Ports(), endpoints: Path | None = None,
              replicas: int = 1) -> RunningBot:
    """Start every server of the bot. Only what must be public listens on `HISAAB_PUBLIC_HOST` (default every
    address), and only in production: the REST API, the review app and the webhook gateway. The Rasa servers and
    the action servers are always on loopback; in development everything is, and without Meta credentials the
    local WhatsApp simulator stands in for WhatsApp. With `replicas` > 1 (the scale-out profile, `SCALE_OUT`),
    that many Rasa and action server pairs share the work behind the gateway."""
    public = os.environ.get("HISAAB_PUBLIC_HOST", "0.0.0.0") if production() else LOOPBACK
    rasa_urls = [f"http://127.0.0.1:{ports.rasa + i * REPLICA_PORT_STEP}" for i in range(replicas)]
    gateway = production() or replicas > 1
    simulator = None if production() else start_whatsapp_simulator(
        root, ports.gateway if gateway else ports.rasa, ports.simulator)
    channel_env = simulator[1] if simulator else None
    started: list[tuple[Server, float, str]] = []
    try:
        for index in range(replicas):
            rasa, actions = start_replica(root, model, index, ports, endpoints, channel_env)
            started.append((actions, 60, f"action server: {actions.ready_url.removesuffix('/health')} "
                                         f"(log: {actions.log})"))
            channels = "the WhatsApp webhook" if production() else "REST channel: /webhooks/rest/webhook"
            started.append((rasa, RASA_START_TIMEOUT, f"Rasa server:   {rasa_urls[index]} ({channels}, "
                                                      f"log: {rasa.log})"))
        api = start_api_server(root, ports.api, host=public)
        started.append((api, 60, f"REST API:      http://{public}:{ports.api}/api/v1 (docs: /api/v1/docs, "
                                 f"log: {api.log})"))
        review = start_review_server(root, ports.review, env={"REVIEW_RASA_URL": rasa_urls[0]}, host=public)
        started.append((review, 60, f"review app:    http://{public}:{ports.review} (users: `bot review-user add`, "
                                    f"log: {review.log})"))
        notify = start_notice_worker(root, ports.notify, env=channel_env)
        started.append((notify, 60, f"notice worker: reminders, receipts, alerts, the daily summary (log: "
                                    f"{notify.log}; `bot notify --dry-run` shows what it would send)"))
        if gateway:
            door = start_gateway(root, ports.gateway, rasa_urls, public)
            started.append((door, 30, f"WhatsApp webhook: http://{public}:{ports.gateway}/webhooks/whatsapp/webhook "
                                      f"({len(rasa_urls)} Rasa server(s) behind it; in production give Meta this "
                                      f"path behind your TLS proxy; log: {door.log})"))
        if simulator:
            started.append((simulator[0], 30, f"WhatsApp simulator: http://localhost:{ports.simulator} (no Meta "
                                              f"credentials set: chat with the bot there as a WhatsApp customer)"))
    except BaseException:
        RunningBot(started).stop()
        if simulator:
            simulator[0].stop()
        raise
    return RunningBot(started)


def run_bot(root: Path, model: Path, rasa_port: int = 5005, replicas: int = 1) -> int:
    """Start every server, chat in the terminal if there is one, and stop them all on exit, Ctrl-C or SIGTERM.
    Conversation logs older than each shop's retention are purged now and then daily (`bot.privacy`)."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    from bot.privacy import purge_daily

    stop_purging = threading.Event()
    purge_daily(root, database_url(), stop_purging)
    bot = start_bot(root, model, Ports(rasa=rasa_port), replicas=replicas)
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


def run_replica(root: Path, model: Path, index: int) -> int:
    """One replica's Rasa server and action server in the foreground (`bot replica`), for a process manager that
    starts each replica on its own (docs/deploy.md): both stop when either dies or on SIGTERM, and the exit status
    says so, so the manager starts the pair again."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    pair = start_replica(root, model, index, Ports())
    running = RunningBot([(pair[1], 60, f"action server of replica {index}: {pair[1].ready_url}"),
                          (pair[0], RASA_START_TIMEOUT, f"Rasa server of replica {index}: {pair[0].ready_url}")])
    try:
        running.wait_ready()
        while running.alive():
            time.sleep(1)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        running.stop()
