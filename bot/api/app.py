"""The Sanic app: one shared ERP database, one blueprint per concern."""

from __future__ import annotations

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, json

from bot.api.razorpay import blueprint as razorpay_blueprint
from erp_core.db import Database


def create_app(db: Database, name: str = "hisaab_api") -> Sanic:
    """The API app over `db`; `GET /health` answers when it is up."""
    app = Sanic(name)
    app.ctx.db = db
    app.blueprint(razorpay_blueprint)

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        return json({"status": "ok"})

    return app
