"""What the route modules share: the signed-in user, role checks, rendering (phone numbers masked), redirects
back, cookies' Secure flag, what a state change tells the audit log (`audit_note`), and running blocking work
(every database call) in a worker thread so a slow query never stalls other requests.

Every request but the public paths carries `request.ctx.session` (`app.authenticate` loaded it and checked the
CSRF token of every POST); scoping to the user's business is done by `queries`, given `user(request)`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Request
from sanic.response import HTTPResponse, html, redirect

from bot.review.audit import Entry
from bot.review.auth import Role, User
from bot.review.config import ReviewConfig
from bot.review.masking import mask_id, mask_text, shown_as_is

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
SESSION_COOKIE = "review_session"
LOGIN_CSRF_COOKIE = "review_login_csrf"

Handler = Callable[..., Awaitable[HTTPResponse]]
T = TypeVar("T")


def _templates() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html"]))
    env.filters["when"] = lambda ts: datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d %H:%M") if ts else ""
    env.filters["pct"] = lambda v: "" if v is None else f"{v * 100:.0f}%"
    env.filters["tojson_compact"] = lambda v: json.dumps(v, ensure_ascii=False)
    return env


TEMPLATES = _templates()


async def in_thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`function(*args, **kwargs)` in a worker thread: how routes make every blocking (database, file) call."""
    return await asyncio.to_thread(function, *args, **kwargs)


async def db(request: Request, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`function(engine, *args, **kwargs)` on the review store, in a worker thread."""
    return await asyncio.to_thread(function, request.app.ctx.engine, *args, **kwargs)


def user(request: Request) -> User:
    """The signed-in user (every non-public route has one)."""
    return request.ctx.session.user


def config(request: Request) -> ReviewConfig:
    return request.app.ctx.config


def audit_note(request: Request, object_: str, summary: str = "", outcome: str = "ok",
               actor: str | None = None) -> None:
    """What this request's audit row says beyond the route's name: the object changed (`conversation 12`), a
    short summary (masked when stored; never a secret), an outcome other than the status's, and, for a sign-in,
    who tried."""
    request.ctx.audit = Entry("", object_, outcome, summary)
    if actor:
        request.ctx.audit_actor = actor


def here(request: Request) -> str:
    """The request's path and query string (where a form sends the user back to)."""
    return request.path + (f"?{request.query_string}" if request.query_string else "")


def render(request: Request, template: str, status: int = 200, revealed: bool = False,
           **context: Any) -> HTTPResponse:
    """The page `template` for the signed-in user; phone numbers masked (`phone` for ids, `say` for texts)
    unless an admin `revealed` them for this page."""
    session = getattr(request.ctx, "session", None)
    body = TEMPLATES.get_template(template).render(
        request=request, session=session, user=session.user if session else None, revealed=revealed,
        phone=shown_as_is if revealed else mask_id, say=shown_as_is if revealed else mask_text,
        csrf=session.csrf_token if session else "", Role=Role, here=here(request), **context,
    )
    return html(body, status=status)


def requires(role: Role) -> Callable[[Handler], Handler]:
    """Refuse (403) users whose role is below `role`."""
    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def checked(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            if not user(request).role.allows(role):
                return render(request, "error.html", status=403,
                              message=f"This page is for the {role.value} role and above.")
            return await handler(request, *args, **kwargs)
        return checked
    return decorate


def secure(request: Request) -> bool:
    """Whether cookies get the Secure flag: always when configured so (and in production), else over HTTPS and
    on localhost."""
    return config(request).cookie_secure == "always" or request.scheme == "https" or request.host.split(":")[0] in (
        "localhost", "127.0.0.1")


def back(request: Request, fallback: str) -> HTTPResponse:
    """Redirect to the form's `next` (a path on this site), else to `fallback`."""
    target = request.form.get("next") or fallback
    return redirect(target if target.startswith("/") and not target.startswith("//") else fallback)


MAX_ID = 2**31 - 1
"""The largest id an Integer column holds (PostgreSQL refuses, SQLite overflows past it)."""


def form_int(request: Request, name: str) -> int | None:
    """A form field as an id (a whole number from 1 to MAX_ID), or None when it is missing or not one."""
    value = request.form.get(name, "")
    if not (value.isascii() and value.isdigit() and len(value) <= 10):
        return None
    return int(value) if 0 < int(value) <= MAX_ID else None
