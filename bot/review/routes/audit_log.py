"""The audit log (admin): every state change and sign-in attempt, newest first."""

from __future__ import annotations

from urllib.parse import urlencode

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bot.review import audit
from bot.review.auth import Role
from bot.review.routes.helpers import db, render, requires

bp = Blueprint("audit_log")


@bp.get("/audit")
@requires(Role.ADMIN)
async def audit_page(request: Request) -> HTTPResponse:
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    actor = (request.args.get("actor") or "").strip() or None
    rows, total = await db(request, audit.page, page, actor)
    return render(request, "audit.html", rows=rows, total=total, page=page, actor=actor or "",
                  pages=max(1, -(-total // audit.PAGE_SIZE)),
                  page_link=lambda n: "/audit?" + urlencode({"page": n, **({"actor": actor} if actor else {})}))
