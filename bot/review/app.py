"""The review app's web server (Sanic): the app factory that assembles the route modules, and `serve`.

Pages are rendered on the server (Jinja2, autoescaped); the only script is static/review.js
(entity marking, training progress). Every request but the sign-in page and static files needs
a session, every POST a CSRF token, and every conversation query goes through `queries`, which
scopes it to the user's business unless they are an admin. The pages are in `routes/`, one module
per area; every database call they make runs in a worker thread (`routes.helpers.db`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import urlencode

from sanic import Request, Sanic
from sanic.response import HTTPResponse, redirect, text

from bot.review import auth
from bot.review.config import ReviewConfig
from bot.review.delivery import DeliveryLog
from bot.review.index_refresh import keep_index_fresh
from bot.review.rasa_api import RasaServer
from bot.review.routes import conversations, export, inbox, models, settings, signin, training_data
from bot.review.routes.helpers import SESSION_COOKIE, db, here
from bot.review.store import MASK_SETTING, get_setting, open_store
from bot.review.tracker import open_tracker
from bot.review.training_jobs import Trainer

HERE = Path(__file__).parent
ROUTES = (signin, conversations, export, inbox, training_data, models, settings)


async def authenticate(request: Request) -> HTTPResponse | None:
    """Load the session; send the signed-out to the sign-in page, and refuse a POST without the session's CSRF
    token."""
    request.ctx.session = await db(request, auth.load_session, request.cookies.get(SESSION_COOKIE))
    if request.path.startswith(signin.PUBLIC_PATHS) or hasattr(request.ctx, "failed"):
        return None  # Sanic runs this on its own error answers too (a 413): they stand, and run no route
    if request.ctx.session is None:
        if request.method == "GET":
            return redirect("/login?" + urlencode({"next": here(request)}))
        return text("sign in first", status=401)
    if request.method not in ("GET", "HEAD"):
        sent = request.form.get("csrf_token") if request.form else request.headers.get("x-csrf-token")
        if not auth.csrf_ok(request.ctx.session.csrf_token, sent):
            return text("the form's CSRF token is missing or wrong: reload the page", status=403)
    return None


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
    app.ctx.mask = get_setting(engine, MASK_SETTING, "0") == "1"
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
    app.on_response(security_headers)
    for routes in ROUTES:
        app.blueprint(routes.bp)
    return app


def serve(config: ReviewConfig, host: str, port: int) -> None:
    """Run the app in this process until stopped."""
    app = create_app(config)
    print(f"review app:    http://localhost:{port} (sign in with a user from `bot review-user add`)", flush=True)
    app.run(host=host, port=port, single_process=True, access_log=False, motd=False)
