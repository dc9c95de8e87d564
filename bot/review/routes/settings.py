"""Settings (admin): phone masking, and the users."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from bot.review import auth
from bot.review.auth import Role
from bot.review.routes.helpers import db, render, requires
from bot.review.store import MASK_SETTING, set_setting

bp = Blueprint("settings")


@bp.get("/settings")
@requires(Role.ADMIN)
async def settings_page(request: Request) -> HTTPResponse:
    return render(request, "settings.html", users=await db(request, auth.list_users))


@bp.post("/settings")
@requires(Role.ADMIN)
async def settings_save(request: Request) -> HTTPResponse:
    request.app.ctx.mask = request.form.get("mask") == "1"
    await db(request, set_setting, MASK_SETTING, "1" if request.app.ctx.mask else "0")
    return redirect("/settings")
