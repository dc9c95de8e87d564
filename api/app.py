"""The Sanic app: resources mounted under /api/v1, the OpenAPI document, docs, and the webhook sender.

    python -m bot api [--port 8000]

Settings (environment): `HISAAB_API_KEY_CACHE_SECONDS` (5: how long a checked
key is trusted, so a revocation takes at most that long), `HISAAB_WEBHOOK_TICK`
(1 s between sending rounds), `HISAAB_WEBHOOK_BACKOFF` (10 s, doubled per retry).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass

from sanic import Blueprint, HTTPResponse, Request, Sanic
from sanic.exceptions import SanicException
from sanic.response import html

from api import (docs, expenses, invoices, khata, openapi, orders, parties, products, purchases, reports, returns,
                 sales, settings, stock, sync, webhooks)
from api.razorpay import blueprint as razorpay_blueprint
from api.auth import KeyCache, RateLimiter
from api.problems import problem
from api.routing import Operation, Resource
from api.webhook_sender import WebhookSender
from erp_core.db import Database

PREFIX = "/api/v1"
RESOURCES: list[Resource] = [
    products.api, stock.api, parties.customers, parties.suppliers, orders.api, sales.api, returns.api, invoices.api,
    khata.payments, khata.api, expenses.api, reports.api, purchases.api, settings.api, webhooks.api, sync.api,
]
"""Every API-key resource, one module each."""
EXTRA_BLUEPRINTS: list[Blueprint] = [razorpay_blueprint]
"""Blueprints with their own authentication, mounted under /api/v1 too: the Razorpay webhook (signed by Razorpay)."""
log = logging.getLogger(__name__)


@dataclass
class ApiState:
    db: Database
    keys: KeyCache
    limiter: RateLimiter
    operations: list[Operation]
    document: dict
    docs_page: str


def create_app(db: Database, name: str = "hisaab_api", *, webhooks_enabled: bool = True) -> Sanic:
    """The app for `db`. The webhook sender runs inside it unless `webhooks_enabled` is False."""
    app = Sanic(name)
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.REQUEST_MAX_SIZE = 2_000_000
    operations = [op for resource in RESOURCES for op in resource.operations]
    document = openapi.build(operations)
    app.ctx.db = db
    app.ctx.api = ApiState(
        db=db, keys=KeyCache(db, ttl=float(os.environ.get("HISAAB_API_KEY_CACHE_SECONDS", "5"))),
        limiter=RateLimiter(), operations=operations, document=document, docs_page=docs.render(document),
    )
    app.blueprint(Blueprint.group(*[r.blueprint for r in RESOURCES], *EXTRA_BLUEPRINTS, _meta(), url_prefix=PREFIX))

    @app.exception(SanicException)
    async def sanic_problem(request: Request, error: SanicException) -> HTTPResponse:
        code = {404: "not_found", 405: "method_not_allowed", 413: "validation_error"}.get(error.status_code,
                                                                                           "bad_request")
        return problem(error.status_code, code, str(error), headers=getattr(error, "headers", None) or None)

    @app.exception(Exception)
    async def server_problem(request: Request, error: Exception) -> HTTPResponse:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem(500, "internal_error", "something went wrong on our side; it has been logged")

    if webhooks_enabled:
        sender = WebhookSender(db, tick=float(os.environ.get("HISAAB_WEBHOOK_TICK", "1")),
                               backoff=float(os.environ.get("HISAAB_WEBHOOK_BACKOFF", "10")))

        @app.after_server_start
        async def start_sender(app: Sanic) -> None:
            app.add_task(sender.run(), name="webhook_sender")

    return app


def _meta() -> Blueprint:
    meta = Blueprint("api_meta")

    @meta.get("/health")
    async def health(request: Request) -> HTTPResponse:
        return HTTPResponse('{"status":"ok"}', content_type="application/json")

    @meta.get("/openapi.json")
    async def openapi_document(request: Request) -> HTTPResponse:
        return HTTPResponse(json.dumps(request.app.ctx.api.document), content_type="application/json")

    @meta.get("/docs")
    async def docs_page(request: Request) -> HTTPResponse:
        return html(request.app.ctx.api.docs_page)

    return meta


def serve(db: Database, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the API in this process until stopped."""
    print(f"REST API: http://localhost:{port}{PREFIX} (docs: http://localhost:{port}{PREFIX}/docs)", flush=True)
    create_app(db).run(host=host, port=port, single_process=True, access_log=False, motd=False)
