"""`bot notify`: the notice worker as a process (`bot run` starts one), with `GET /health` saying when its last
pass ended; and the parts it is built from, from the same settings as the WhatsApp channel (credentials.yml's
`connectors.whatsapp.WhatsAppInput`, else `WHATSAPP_*`), so it sends through the channel's outbox and reads the
channel's delivery log."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

import yaml
from aiohttp import web
from sqlalchemy import create_engine

from bot.notify.compose import Composer
from bot.notify.conversations import Conversations
from bot.notify.worker import NoticeWorker
from bot.review.tracker import tracker_store_url
from connectors.delivery import Sender
from connectors.graph import GraphClient
from connectors.ratelimit import RateLimiter
from connectors.settings import WhatsAppSettings
from connectors.store import open_store
from erp_core.columns import utcnow
from erp_core.db import Database

logger = logging.getLogger(__name__)
CHANNEL = "connectors.whatsapp.WhatsAppInput"


def channel_settings(root: Path) -> WhatsAppSettings:
    """The WhatsApp channel's settings as Rasa gets them."""
    credentials = root / "credentials.yml"
    section = (yaml.safe_load(credentials.read_text()) or {}).get(CHANNEL) if credentials.exists() else None
    return WhatsAppSettings.load(section or {})


def conversations(root: Path) -> Conversations:
    """Rasa's tracker store (read once Rasa has written it), when endpoints.yml configures an SQL one."""
    try:
        return Conversations(create_engine(tracker_store_url(root)))
    except ValueError:
        return Conversations(None)


def composer(root: Path) -> Composer:
    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))
    return Composer(domain, root / "var" / "notices")


def build(root: Path, db: Database) -> NoticeWorker:
    """A worker sending through the channel's outbox, rate limit and retries."""
    settings = channel_settings(root)
    sender = Sender(GraphClient(settings.api_base_url, settings.access_token),
                    open_store(settings.redis_url, settings.store_path), RateLimiter(settings.max_send_rate))
    return NoticeWorker(db, sender, conversations(root), composer(root))


async def serve(root: Path, db: Database, port: int, interval: float) -> None:
    """Run the worker and its health page until SIGTERM or SIGINT."""
    worker = build(root, db)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    started = utcnow().isoformat()

    async def health(request: web.Request) -> web.Response:
        last = worker.last_pass
        return web.json_response({"worker": worker.name, "started": started,
                                  "last_pass": None if last is None else {"jobs": last.jobs, "sent": last.sent,
                                                                          "held": last.held, "skipped": last.skipped,
                                                                          "failed": last.failed}})

    app = web.Application()
    app.router.add_get("/health", health)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    logger.info("notice worker %s: health on http://127.0.0.1:%d/health", worker.name, port)
    try:
        await worker.run(stop, interval)
    finally:
        await runner.cleanup()
        await worker.sender.client.close()
        await worker.sender.store.close()
