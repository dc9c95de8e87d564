"""Settings (admin): the users (managed with `bot review-user`)."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bot.review import auth
from bot.review.auth import Role
from bot.review.routes.helpers import db, render, requires

bp = Blueprint("settings")


@bp.get("/settings")
@requires(Role.ADMIN)
async def settings_page(request: Request) -> HTTPResponse:
    return render(request, "settings.html", users=await db(request, auth.list_users))
