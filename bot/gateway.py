"""The WhatsApp webhook's public door: in production the Rasa servers listen on loopback only (their HTTP API can read
every conversation), and this forwards Meta's webhook, and nothing else, to them.

    python -m bot gateway --rasa-url http://127.0.0.1:5005 [--rasa-url http://127.0.0.1:5105 ...] [--host 0.0.0.0]
                          [--port 8001]

The body and its `X-Hub-Signature-256` go through byte for byte, so the channel still checks Meta's signature; the
channel's answer (200, 403 for a bad signature, the verification challenge) comes back unchanged. With several Rasa
servers (replicas sharing their inbox in Redis), webhooks go to each in turn; one that cannot be reached is skipped
for `REST_AFTER_FAILURE` seconds and the webhook goes to the next, so a replica that died costs Meta no retry. Any
replica may take any webhook: the inbox they share keeps each conversation in order (`connectors.shared_inbox`).
"""

from __future__ import annotations

import itertools
import time

import httpx
from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

WEBHOOK_PATH = "/webhooks/whatsapp/webhook"
FORWARDED_HEADERS = ("content-type", "x-hub-signature-256")
MAX_BODY = 1024 * 1024
"""Meta's webhooks are a few kilobytes; anything near a megabyte is not one (413)."""
REST_AFTER_FAILURE = 5.0


class Upstreams:
    """The Rasa servers in turn, skipping one that just failed (unless all did)."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = [url.rstrip("/") + WEBHOOK_PATH for url in urls]
        self._turn = itertools.cycle(range(len(self.urls)))
        self._failed_at = [float("-inf")] * len(self.urls)

    def order(self) -> list[str]:
        """Every upstream once, starting with the next in turn, the ones that failed lately last."""
        first = next(self._turn)
        turn = [(first + i) % len(self.urls) for i in range(len(self.urls))]
        now = time.monotonic()
        turn.sort(key=lambda i: now - self._failed_at[i] < REST_AFTER_FAILURE)
        return [self.urls[i] for i in turn]

    def failed(self, url: str) -> None:
        self._failed_at[self.urls.index(url)] = time.monotonic()


def create_app(rasa_urls: list[str]) -> Sanic:
    """The gateway app: `GET`/`POST` on the WhatsApp webhook path forwarded to one of `rasa_urls`, `/health`,
    nothing else."""
    app = Sanic("hisaab_gateway")
    app.config.REQUEST_MAX_SIZE = MAX_BODY
    upstreams = Upstreams(rasa_urls)

    @app.before_server_start
    async def open_client(app: Sanic) -> None:
        app.ctx.client = httpx.AsyncClient(timeout=30)

    @app.after_server_stop
    async def close_client(app: Sanic) -> None:
        await app.ctx.client.aclose()

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.route(WEBHOOK_PATH, methods=["GET", "POST"])
    async def webhook(request: Request) -> HTTPResponse:
        headers = {name: request.headers[name] for name in FORWARDED_HEADERS if name in request.headers}
        for upstream in upstreams.order():
            try:
                answer = await request.app.ctx.client.request(
                    request.method, upstream, params=request.query_string, content=request.body, headers=headers)
            except httpx.TransportError:
                upstreams.failed(upstream)  # the next replica: the inbox stores a message once, whoever gets it
                continue
            return response.raw(answer.content, status=answer.status_code,
                                content_type=answer.headers.get("content-type", "text/plain"))
        # Meta retries a webhook that did not get a 200, so nothing is lost while the Rasa servers restart
        return response.json({"error": "the bot is not reachable; retry"}, status=503)

    return app


def serve(rasa_urls: list[str], host: str, port: int) -> None:
    """Serve in one process until stopped."""
    create_app(rasa_urls).run(host=host, port=port, single_process=True, access_log=False, motd=False)
