"""The WhatsApp webhook's public door: in production the Rasa server listens on loopback only (its HTTP API can read
every conversation), and this forwards Meta's webhook, and nothing else, to it.

    python -m bot gateway --rasa-url http://127.0.0.1:5005 [--host 0.0.0.0] [--port 8001]

The body and its `X-Hub-Signature-256` go through byte for byte, so the channel still checks Meta's signature; the
channel's answer (200, 403 for a bad signature, the verification challenge) comes back unchanged.
"""

from __future__ import annotations

import httpx
from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

WEBHOOK_PATH = "/webhooks/whatsapp/webhook"
FORWARDED_HEADERS = ("content-type", "x-hub-signature-256")
MAX_BODY = 1024 * 1024
"""Meta's webhooks are a few kilobytes; anything near a megabyte is not one (413)."""


def create_app(rasa_url: str) -> Sanic:
    """The gateway app: `GET`/`POST` on the WhatsApp webhook path forwarded to `rasa_url`, `/health`, nothing else."""
    app = Sanic("hisaab_gateway")
    app.config.REQUEST_MAX_SIZE = MAX_BODY
    upstream = rasa_url.rstrip("/") + WEBHOOK_PATH

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
        try:
            answer = await request.app.ctx.client.request(
                request.method, upstream, params=request.query_string, content=request.body, headers=headers)
        except httpx.HTTPError:
            # Meta retries a webhook that did not get a 200, so nothing is lost while Rasa restarts
            return response.json({"error": "the bot is not reachable; retry"}, status=503)
        return response.raw(answer.content, status=answer.status_code,
                            content_type=answer.headers.get("content-type", "text/plain"))

    return app


def serve(rasa_url: str, host: str, port: int) -> None:
    """Serve in one process until stopped."""
    create_app(rasa_url).run(host=host, port=port, single_process=True, access_log=False, motd=False)
