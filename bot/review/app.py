"""The review app's web server (Sanic): the app factory that assembles the route modules, and `serve`.

Pages are rendered on the server (Jinja2, autoescaped); the only script is static/review.js
(entity marking, training progress). Every request but the sign-in page and static files needs
a live session (an expired one sends a page to the sign-in and a JSON request gets 401), every POST a
CSRF token, and every POST that passes both is audited (`record_audit`: the route's name, the object and
summary the route gives with `helpers.audit_note`, the outcome), as is every sign-in attempt. Every
conversation query goes through `queries`, which scopes it to the user's business unless they are an
admin. The pages are in `routes/`, one module per area; every database call they make runs in a worker
thread (`routes.helpers.db`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import urlencode

from sanic import Request, Sanic
from sanic.response import HTTPResponse, json, redirect, text

from bot.review import audit, auth
from bot.review.config import ReviewConfig
from bot.review.delivery import DeliveryLog
from bot.review.index_refresh import keep_index_fresh
from bot.review.rasa_api import RasaServer
from bot.review.routes import audit_log, conversations, export, inbox, models, settings, signin, training_data
from bot.review.routes.helpers import SESSION_COOKIE, db, here
from bot.review.store import open_store
from bot.review.tracker import open_tracker
from bot.review.training_jobs import Trainer

HERE = Path(__file__).parent
ROUTES = (signin, conversations, export, inbox, training_data, models, settings, audit_log)
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def authenticate(request: Request) -> HTTPResponse | None:
    """Load the session; send the signed-out (or expired) to the sign-in page, or answer 401 to a JSON request
    and a POST; refuse a POST without the session's CSRF token; mark every other POST for the audit log."""
    cookie = request.cookies.get(SESSION_COOKIE)
    request.ctx.session = await db(request, auth.load_session, cookie, request.app.ctx.config.sessions)
    if request.path.startswith(signin.PUBLIC_PATHS) or hasattr(request.ctx, "failed"):
        return None  # Sanic runs this on its own error answers too (a 413): they stand, and run no route
    if request.ctx.session is None:
        said = "your session has ended: sign in again" if cookie else "sign in first"
        if _wants_json(request):
            return json({"error": said}, status=401)
        if request.method == "GET":
            return redirect("/login?" + urlencode({"next": here(request), **({"expired": "1"} if cookie else {})}))
        return text(said, status=401)
    if request.method in STATE_CHANGING:
        sent = request.form.get("csrf_token") if request.form else request.headers.get("x-csrf-token")
        if not auth.csrf_ok(request.ctx.session.csrf_token, sent):
            return text("the form's CSRF token is missing or wrong: reload the page", status=403)
        request.ctx.audit_due = True
    return None


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


async def record_audit(request: Request, response: HTTPResponse) -> None:
    """One audit row for a POST that passed the sign-in and CSRF checks (whatever its outcome), and for a
    sign-in attempt: the route's name, what the route named with `audit_note`, and how it ended."""
    entry: audit.Entry | None = getattr(request.ctx, "audit", None)
    if getattr(request.ctx, "audited", False) or (entry is None and not getattr(request.ctx, "audit_due", False)):
        return
    request.ctx.audited = True
    route = request.route.name.split(".", 1)[-1] if request.route else request.path
    entry = entry or audit.Entry("", _object_of(request))
    outcome = entry.outcome
    if response.status >= 400 and outcome == "ok":
        outcome = f"{'failed' if response.status >= 500 else 'refused'} ({response.status})"
    session = request.ctx.session
    actor = audit.Actor(getattr(request.ctx, "audit_actor", None) or (session.user.username if session else "?"),
                        request.remote_addr or request.ip)
    await db(request, audit.append, actor, audit.Entry(route, entry.object, outcome, entry.summary))


def _object_of(request: Request) -> str:
    """What a request's URL names: `conversation 12`, `model 3`, or its path."""
    names = {"conversation_id": "conversation", "model_id": "model"}
    return ", ".join(f"{names.get(k, k)} {v}" for k, v in request.match_info.items()) or request.path


async def audit_failed_request(request: Request, exception: Exception) -> HTTPResponse:
    """A route that raised: its audit row says so (response middleware does not run then), then the usual error
    page."""
    response = request.app.error_handler.default(request, exception)
    await record_audit(request, response)
    return response


async def security_headers(request: Request, response: HTTPResponse) -> None:
    response.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.path != "/health" and not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")


def create_app(config: ReviewConfig, name: str = "hisaab_review") -> Sanic:
    """The Sanic application for `config` (one per process)."""
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = 2_000_000
    app.static("/static", HERE / "static", name="static")
    engine = open_store(config.database_url)
    app.ctx.config, app.ctx.engine = config, engine
    app.ctx.tracker = open_tracker(config.tracker_url)
    app.ctx.rasa = RasaServer(config.rasa_url, config.rasa_token)
    app.ctx.trainer = None
    app.ctx.training_signature = ""
    app.ctx.delivery = DeliveryLog.from_settings(config.whatsapp, config.root)

    @app.before_server_start
    async def start(app: Sanic) -> None:
        app.ctx.trainer = await asyncio.to_thread(Trainer, engine, config.root, config.project, config.models_dir,
                                                  config.work_dir, app.ctx.rasa)
        app.ctx.sync_lock = asyncio.Lock()
        app.add_task(keep_index_fresh(app), name="review_index")

    @app.signal("http.lifecycle.exception")
    async def failed(request: Request | None, exception: BaseException) -> None:
        if request is not None:
            request.ctx.failed = exception

    app.on_request(authenticate)
    app.on_response(record_audit)
    app.on_response(security_headers)
    app.error_handler.add(Exception, audit_failed_request)
    for routes in ROUTES:
        app.blueprint(routes.bp)
    return app


def serve(config: ReviewConfig, host: str, port: int) -> None:
    """Run the app in this process until stopped."""
    app = create_app(config)
    print(f"review app:    http://localhost:{port} (sign in with a user from `bot review-user add`)", flush=True)
    app.run(host=host, port=port, single_process=True, access_log=False, motd=False)
