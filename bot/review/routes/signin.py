"""Signing in and out (each attempt audited), the health check, and the home page (the conversation list)."""

from __future__ import annotations

import secrets

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect, text

from bot.review import auth
from bot.review.routes.helpers import LOGIN_CSRF_COOKIE, SESSION_COOKIE, audit_note, back, config, db, render, secure

bp = Blueprint("signin")

PUBLIC_PATHS = ("/login", "/static/", "/health", "/favicon.ico")
"""What answers without a session."""


def _with_login_csrf(request: Request, response: HTTPResponse, token: str) -> HTTPResponse:
    response.add_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="Strict", secure=secure(request),
                        path="/login", max_age=3600)
    return response


@bp.get("/health")
async def health(request: Request) -> HTTPResponse:
    return text("ok")


@bp.get("/favicon.ico")
async def favicon(request: Request) -> HTTPResponse:
    return HTTPResponse(status=204)


@bp.get("/login")
async def login_page(request: Request) -> HTTPResponse:
    # reuse the browser's token: another tab (or a favicon request sent here) must not void this form's
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    expired = "Your session has ended: sign in again." if request.args.get("expired") else ""
    return _with_login_csrf(request, render(request, "login.html", login_csrf=token,
                                            next=request.args.get("next", "/"), error=expired), token)


@bp.post("/login")
async def login(request: Request) -> HTTPResponse:
    form = request.form or {}
    if not auth.csrf_ok(request.cookies.get(LOGIN_CSRF_COOKIE), form.get("csrf_token")):
        return text("the sign-in form's CSRF token is missing or wrong: reload the page", status=403)
    username, address = form.get("username", ""), request.remote_addr or request.ip
    known = await db(request, auth.known_username, username)
    who = known or "(unknown user)"  # never what was typed: it may be a password typed in the wrong field
    if await db(request, auth.sign_in_throttled, username, address):
        audit_note(request, f"user {who}", "too many wrong passwords", outcome="refused: throttled", actor=who)
        return _sign_in_again(request, form, 429, "Too many wrong passwords: try again in 15 minutes.")
    user = await db(request, auth.authenticate, username, form.get("password", ""))
    if user is None:
        await db(request, auth.record_sign_in_failure, username, address)
        audit_note(request, f"user {who}", outcome="refused: wrong password", actor=who)
        return _sign_in_again(request, form, 401, "Wrong username or password.")
    policy = config(request).sessions
    await db(request, auth.end_session, request.cookies.get(SESSION_COOKIE))  # this browser's previous session
    response = back(request, "/conversations")
    response.add_cookie(SESSION_COOKIE, await db(request, auth.start_session, user, policy), httponly=True,
                        samesite="Lax", secure=secure(request), path="/", max_age=int(policy.lifetime_seconds))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    audit_note(request, f"user {user.username}", f"as {user.role.value}", actor=user.username)
    return response


def _sign_in_again(request: Request, form: dict, status: int, error: str) -> HTTPResponse:
    token = secrets.token_urlsafe(32)
    return _with_login_csrf(request, render(request, "login.html", status=status, login_csrf=token,
                                            next=form.get("next", "/"), error=error), token)


@bp.post("/logout")
async def logout(request: Request) -> HTTPResponse:
    await db(request, auth.end_session, request.cookies.get(SESSION_COOKIE))
    audit_note(request, f"user {request.ctx.session.user.username}", "session ended")
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@bp.get("/")
async def home(request: Request) -> HTTPResponse:
    return redirect("/conversations")
