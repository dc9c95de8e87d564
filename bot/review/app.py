"""The review app's web server (Sanic): sign-in, conversations, the NLU inbox, training and export.

Pages are rendered on the server (Jinja2, autoescaped); the only script is static/review.js
(entity marking, training progress). Every request but the sign-in page and static files needs
a session, every POST a CSRF token, and every conversation query goes through `queries`, which
scopes it to the user's business unless they are an admin.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Request, Sanic
from sanic.response import HTTPResponse, html, json as json_response, redirect, text
from sqlalchemy import Engine, delete, insert, select, update

from bot.review import auth, inbox_index, queries
from bot.review.auth import Role
from bot.review.config import ReviewConfig
from bot.review.delivery import DeliveryLog, match_replies
from bot.review.indexer import sync
from bot.review.masking import mask_phone, mask_text, synthetic_phone_numbers, training_sentence
from bot.review.nlu_files import (
    LANGUAGE_FILES, EntitySpan, TrainingDataError, add_intent_to_domain, annotate, append_example, delete_example,
    files_signature, read_examples,
)
from bot.review.rasa_api import RasaError, RasaServer
from bot.review.store import (
    comments, conversations, flags, get_setting, inbox_decisions, messages, models, open_store, set_setting, tags,
)
from bot.review.tracker import conversation_events, has_events_table, open_tracker
from bot.review.training_jobs import Trainer
from bot.review.turns import build_turns, recipient

HERE = Path(__file__).parent
SESSION_COOKIE = "review_session"
LOGIN_CSRF_COOKIE = "review_login_csrf"
PUBLIC_PATHS = ("/login", "/static/", "/health", "/favicon.ico")
SYNC_EVERY = 3.0
PAGE_WAITS_FOR_SYNC = 2.0
ACTIVATING = "activating on the Rasa server"
MASK_SETTING = "mask_phone_numbers"
TAG_MAX = 32

Handler = Callable[..., Awaitable[HTTPResponse]]


def requires(role: Role) -> Callable[[Handler], Handler]:
    """Refuse (403) users whose role is below `role`."""
    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def checked(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            if not request.ctx.session.user.role.allows(role):
                return _render(request, "error.html", status=403,
                               message=f"This page is for the {role.value} role and above.")
            return await handler(request, *args, **kwargs)
        return checked
    return decorate


def _templates() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
    env.filters["when"] = lambda ts: datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d %H:%M") if ts else ""
    env.filters["pct"] = lambda v: "" if v is None else f"{v * 100:.0f}%"
    env.filters["tojson_compact"] = lambda v: json.dumps(v, ensure_ascii=False)
    return env


TEMPLATES = _templates()


def _masked(request: Request) -> bool:
    return request.app.ctx.mask


def _here(request: Request) -> str:
    """The request's path and query string (where a form sends the user back to)."""
    return request.path + (f"?{request.query_string}" if request.query_string else "")


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTTPResponse:
    masked = _masked(request)
    session = getattr(request.ctx, "session", None)
    body = TEMPLATES.get_template(template).render(
        request=request, session=session, user=session.user if session else None, masked=masked,
        phone=mask_phone if masked else (lambda v: v or ""), say=mask_text if masked else (lambda v: v or ""),
        csrf=session.csrf_token if session else "", Role=Role, here=_here(request), **context,
    )
    return html(body, status=status)


def _secure(request: Request) -> bool:
    config: ReviewConfig = request.app.ctx.config
    return config.cookie_secure == "always" or request.scheme == "https" or request.host.split(":")[0] in (
        "localhost", "127.0.0.1")


def _back(request: Request, fallback: str) -> HTTPResponse:
    target = request.form.get("next") or fallback
    return redirect(target if target.startswith("/") and not target.startswith("//") else fallback)


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
        app.ctx.trainer = Trainer(engine, config.root, config.project, config.models_dir, config.work_dir, app.ctx.rasa)
        app.ctx.sync_lock = asyncio.Lock()
        app.add_task(keep_index_fresh(app), name="review_index")

    @app.on_request
    async def authenticate(request: Request) -> HTTPResponse | None:
        request.ctx.session = auth.load_session(engine, request.cookies.get(SESSION_COOKIE))
        if request.path.startswith(PUBLIC_PATHS):
            return None
        if request.ctx.session is None:
            if request.method == "GET":
                return redirect("/login?" + urlencode({"next": _here(request)}))
            return text("sign in first", status=401)
        if request.method not in ("GET", "HEAD"):
            sent = request.form.get("csrf_token") if request.form else request.headers.get("x-csrf-token")
            if not auth.csrf_ok(request.ctx.session.csrf_token, sent):
                return text("the form's CSRF token is missing or wrong: reload the page", status=403)
        return None

    @app.on_response
    async def security_headers(request: Request, response: HTTPResponse) -> None:
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.path != "/health" and not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")

    # ---------------------------------------------------------------- sign-in

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        return text("ok")

    @app.get("/favicon.ico")
    async def favicon(request: Request) -> HTTPResponse:
        return HTTPResponse(status=204)

    @app.get("/login")
    async def login_page(request: Request) -> HTTPResponse:
        # reuse the browser's token: another tab (or a favicon request sent here) must not void this form's
        token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
        response = _render(request, "login.html", login_csrf=token, next=request.args.get("next", "/"), error="")
        response.add_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="Strict", secure=_secure(request),
                            path="/login", max_age=3600)
        return response

    @app.post("/login")
    async def login(request: Request) -> HTTPResponse:
        form = request.form or {}
        if not auth.csrf_ok(request.cookies.get(LOGIN_CSRF_COOKIE), form.get("csrf_token")):
            return text("the sign-in form's CSRF token is missing or wrong: reload the page", status=403)
        user = await asyncio.to_thread(auth.authenticate, engine, form.get("username", ""), form.get("password", ""))
        if user is None:
            token = secrets.token_urlsafe(32)
            response = _render(request, "login.html", status=401, login_csrf=token, next=form.get("next", "/"),
                                error="Wrong username or password.")
            response.add_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="Strict", secure=_secure(request),
                                path="/login", max_age=3600)
            return response
        response = _back(request, "/conversations")
        response.add_cookie(SESSION_COOKIE, auth.start_session(engine, user), httponly=True, samesite="Lax",
                            secure=_secure(request), path="/", max_age=auth.SESSION_SECONDS)
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
        return response

    @app.post("/logout")
    async def logout(request: Request) -> HTTPResponse:
        auth.end_session(engine, request.cookies.get(SESSION_COOKIE))
        response = redirect("/login")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @app.get("/")
    async def home(request: Request) -> HTTPResponse:
        return redirect("/conversations")

    # ---------------------------------------------------------- conversations

    @app.get("/conversations")
    async def conversation_list(request: Request) -> HTTPResponse:
        await refresh(request.app, wait=False)
        filters = queries.Filters.from_args({k: request.args.get(k) for k in request.args})
        user = request.ctx.session.user
        page = queries.list_conversations(engine, user, filters)
        return _render(request, "conversations.html", page=page, filters=filters,
                       index_error=getattr(request.app.ctx, "index_error", ""),
                       choices=queries.filter_choices(engine, user),
                       page_link=lambda n: "/conversations?" + urlencode(filters.query_args(page=n)),
                       export_query=urlencode({k: v for k, v in filters.query_args().items() if k != "page"}))

    def _visible(request: Request, conversation_id: int) -> queries.ConversationRow | None:
        return queries.conversation(engine, request.ctx.session.user, conversation_id)

    @app.get("/conversations/<conversation_id:int>")
    async def conversation_detail(request: Request, conversation_id: int) -> HTTPResponse:
        conv = _visible(request, conversation_id)
        if conv is None:
            return _render(request, "error.html", status=404, message="No such conversation (or not yours to see).")
        events = conversation_events(request.app.ctx.tracker, conv.sender_id)
        wa_id = recipient(events)
        bot_replies = [(e.id, e.timestamp) for e in events if e.type_name == "bot"]
        deliveries = {}
        if wa_id and bot_replies:
            log: DeliveryLog = request.app.ctx.delivery
            deliveries = match_replies(bot_replies, await log.deliveries(wa_id, bot_replies[0][1] - 5,
                                                                          bot_replies[-1][1] + 600))
        with engine.connect() as conn:
            notes = conn.execute(select(comments).where(comments.c.conversation_id == conv.id)
                                 .order_by(comments.c.id)).all()
            flagged = set(conn.execute(select(flags.c.event_id).where(flags.c.conversation_id == conv.id)).scalars())
        return _render(request, "conversation.html", conv=conv, turns=build_turns(events, deliveries), notes=notes,
                       flagged=flagged, next=request.args.get("back", "/conversations"))

    @app.post("/conversations/<conversation_id:int>/mark")
    async def conversation_mark(request: Request, conversation_id: int) -> HTTPResponse:
        """Reviewed / saved for later, on or off."""
        conv = _visible(request, conversation_id)
        if conv is None:
            return text("no such conversation", status=404)
        field, value = request.form.get("field"), request.form.get("value") == "1"
        if field not in ("reviewed", "saved"):
            return text("field must be reviewed or saved", status=400)
        with engine.begin() as conn:
            conn.execute(update(conversations).where(conversations.c.id == conv.id).values({field: value}))
        return _back(request, f"/conversations/{conv.id}")

    @app.post("/conversations/<conversation_id:int>/tags")
    async def conversation_tags(request: Request, conversation_id: int) -> HTTPResponse:
        conv = _visible(request, conversation_id)
        if conv is None:
            return text("no such conversation", status=404)
        tag = " ".join((request.form.get("tag") or "").split()).lower()[:TAG_MAX]
        if not tag:
            return text("a tag cannot be empty", status=400)
        with engine.begin() as conn:
            conn.execute(delete(tags).where(tags.c.conversation_id == conv.id, tags.c.tag == tag))
            if request.form.get("remove") != "1":
                conn.execute(insert(tags).values(conversation_id=conv.id, tag=tag))
        return redirect(f"/conversations/{conv.id}")

    @app.post("/conversations/<conversation_id:int>/flag")
    async def conversation_flag(request: Request, conversation_id: int) -> HTTPResponse:
        conv = _visible(request, conversation_id)
        if conv is None:
            return text("no such conversation", status=404)
        try:
            event_id = int(request.form.get("event_id", ""))
        except ValueError:
            return text("event_id must be a number", status=400)
        with engine.begin() as conn:
            removed = conn.execute(delete(flags).where(flags.c.conversation_id == conv.id,
                                                       flags.c.event_id == event_id)).rowcount
            if not removed:
                conn.execute(insert(flags).values(conversation_id=conv.id, event_id=event_id,
                                                  author=request.ctx.session.user.username, created_at=time.time()))
        return redirect(f"/conversations/{conv.id}#e{event_id}")

    @app.post("/conversations/<conversation_id:int>/comments")
    async def conversation_comment(request: Request, conversation_id: int) -> HTTPResponse:
        conv = _visible(request, conversation_id)
        if conv is None:
            return text("no such conversation", status=404)
        body = (request.form.get("body") or "").strip()[:4000]
        if not body:
            return text("a comment cannot be empty", status=400)
        event_id = request.form.get("event_id")
        with engine.begin() as conn:
            conn.execute(insert(comments).values(conversation_id=conv.id, event_id=int(event_id) if event_id else None,
                                                 author=request.ctx.session.user.username, body=body,
                                                 created_at=time.time()))
        return redirect(f"/conversations/{conv.id}#comments")

    # ----------------------------------------------------------------- export

    @app.get("/export.json", name="export_json")
    async def export_json(request: Request) -> HTTPResponse:
        return await export(request, "json")

    @app.get("/export.csv", name="export_csv")
    async def export_csv(request: Request) -> HTTPResponse:
        return await export(request, "csv")

    async def export(request: Request, fmt: str) -> HTTPResponse:
        """The conversations the filters select, with their messages, as JSON or CSV."""
        await refresh(request.app, wait=False)
        filters = queries.Filters.from_args({k: request.args.get(k) for k in request.args})
        masked = _masked(request)
        rows = list(_export_rows(engine, request.ctx.session.user, filters, masked))
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        if fmt == "json":
            response = json_response(rows, dumps=lambda v: json.dumps(v, ensure_ascii=False, indent=1))
        else:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(["conversation", "sender_id", "tenant", "channel", "reviewed", "tags", "timestamp",
                             "kind", "text", "intent", "confidence"])
            for conv in rows:
                for message in conv["messages"]:
                    writer.writerow([conv["id"], conv["sender_id"], conv["tenant"], conv["channel"], conv["reviewed"],
                                     " ".join(conv["tags"]), message["timestamp"], message["kind"], message["text"],
                                     message["intent"] or "", "" if message["confidence"] is None
                                     else f"{message['confidence']:.4f}"])
            response = text(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = f'attachment; filename="conversations-{stamp}.{fmt}"'
        return response

    # -------------------------------------------------------------- NLU inbox

    @app.get("/inbox")
    @requires(Role.TRAINER)
    async def inbox_page(request: Request) -> HTTPResponse:
        await refresh(request.app, wait=False)
        try:
            page = max(1, int(request.args.get("page", "1")))
        except ValueError:
            page = 1
        items, total = queries.inbox(engine, request.ctx.session.user, page=page)
        return _render(request, "inbox.html", items=items, total=total, page=page,
                       pages=max(1, -(-total // queries.PAGE_SIZE)), intents=_intents(config),
                       entities=_entities(config), languages=list(LANGUAGE_FILES),
                       sentence=training_sentence, notice=request.args.get("notice", ""))

    def _inbox_message(request: Request) -> Any:
        try:
            event_id = int(request.form.get("event_id", ""))
        except ValueError:
            return None
        with engine.connect() as conn:
            return conn.execute(select(messages).where(
                messages.c.event_id == event_id, messages.c.kind == "user",
                messages.c.conversation_id.in_(select(conversations.c.id).where(
                    queries.scope(request.ctx.session.user))))).first()

    @app.post("/inbox/accept")
    @requires(Role.TRAINER)
    async def inbox_accept(request: Request) -> HTTPResponse:
        message = _inbox_message(request)
        if message is None:
            return text("no such message", status=404)
        form = request.form
        intent = (form.get("new_intent") or "").strip() or (form.get("intent") or "").strip()
        language = form.get("language", "")
        if language not in LANGUAGE_FILES:
            return text(f"language must be one of {', '.join(LANGUAGE_FILES)}", status=400)
        try:
            # the spans index the sentence the inbox showed, rebuilt here from the stored message (never
            # from the browser): phone numbers made up, so neither they nor their masked form are learned
            spans = [EntitySpan(int(s["start"]), int(s["end"]), str(s["entity"]),
                                synthetic_phone_numbers(str(s.get("value") or "")) or None)
                     for s in json.loads(form.get("entities") or "[]")]
            example = annotate(training_sentence(message.text), spans)
            new_intent = intent not in _intents(config)
            append_example(config.nlu_dir / LANGUAGE_FILES[language], intent, example)
        except (TrainingDataError, ValueError, KeyError, TypeError) as error:
            return text(f"not accepted: {error}", status=400)
        if new_intent:
            add_intent_to_domain(config.project / "domain.yml", intent)
        queries.record_decision(engine, request.ctx.session.user, message.text, "accepted", intent, language)
        await refresh(request.app)
        return redirect("/inbox?" + urlencode({"notice": f"Added to {LANGUAGE_FILES[language]} as {intent}: {example}"}))

    @app.post("/inbox/dismiss")
    @requires(Role.TRAINER)
    async def inbox_dismiss(request: Request) -> HTTPResponse:
        """Delete a message from the inbox, or mark it out of scope (both are remembered)."""
        message = _inbox_message(request)
        if message is None:
            return text("no such message", status=404)
        decision = request.form.get("decision")
        if decision not in ("deleted", "out_of_scope"):
            return text("decision must be deleted or out_of_scope", status=400)
        queries.record_decision(engine, request.ctx.session.user, message.text, decision)
        return redirect("/inbox")

    # ---------------------------------------------------------- training data

    @app.get("/training-data")
    @requires(Role.TRAINER)
    async def training_data(request: Request) -> HTTPResponse:
        intent, language = request.args.get("intent", ""), request.args.get("language", "")
        examples = [e for e in read_examples(config.nlu_dir)
                    if (not intent or e.intent == intent) and (not language or e.language == language)]
        user = request.ctx.session.user
        with engine.connect() as conn:
            decided = conn.execute(select(inbox_decisions).where(
                inbox_decisions.c.decision != "accepted", queries.decision_scope(conn, user))
                .order_by(inbox_decisions.c.decided_at.desc()).limit(200)).all()
        return _render(request, "training_data.html", examples=examples[:1000], count=len(examples), intent=intent,
                       language=language, intents=_intents(config), languages=list(LANGUAGE_FILES), decided=decided,
                       all_tenants=inbox_index.ALL_TENANTS)

    @app.post("/training-data/delete")
    @requires(Role.TRAINER)
    async def training_data_delete(request: Request) -> HTTPResponse:
        language, intent, example = (request.form.get(k, "") for k in ("language", "intent", "text"))
        if language not in LANGUAGE_FILES:
            return text("unknown language file", status=400)
        if not delete_example(config.nlu_dir / LANGUAGE_FILES[language], intent, example):
            return text("no such example", status=404)
        await refresh(request.app)
        return _back(request, "/training-data")

    # ------------------------------------------------------------------ models

    @app.get("/models")
    @requires(Role.TRAINER)
    async def models_page(request: Request) -> HTTPResponse:
        active, error = None, ""
        try:
            active = (await request.app.ctx.rasa.status()).get("model_file")
        except RasaError as problem:
            error = str(problem)
        with engine.connect() as conn:
            rows = conn.execute(select(models).order_by(models.c.id.desc()).limit(100)).all()
        return _render(request, "models.html", rows=rows, active=Path(active).name if active else None,
                       activating=ACTIVATING,
                       rasa_error=error, busy=request.app.ctx.trainer.busy)

    @app.post("/models/train")
    @requires(Role.TRAINER)
    async def models_train(request: Request) -> HTTPResponse:
        try:
            model_id = request.app.ctx.trainer.start(request.ctx.session.user.username)
        except RuntimeError as error:
            return text(str(error), status=409)
        return redirect(f"/models#m{model_id}")

    @app.get("/models/<model_id:int>/status")
    @requires(Role.TRAINER)
    async def model_status(request: Request, model_id: int) -> HTTPResponse:
        with engine.connect() as conn:
            row = conn.execute(select(models).where(models.c.id == model_id)).first()
        if row is None:
            return json_response({"error": "no such model"}, status=404)
        log = Path(row.log_path)
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:] if log.exists() else []
        return json_response({"status": row.status, "phase": row.phase, "progress": row.progress,
                              "accuracy": row.accuracy, "active_accuracy": row.active_accuracy,
                              "active_name": row.active_name, "active_comparable": row.active_comparable,
                              "error": row.error, "log": "\n".join(tail)})

    @app.post("/models/<model_id:int>/activate")
    @requires(Role.TRAINER)
    async def model_activate(request: Request, model_id: int) -> HTTPResponse:
        """Load this model on the running Rasa server (also how a rollback is done), in the background:
        Rasa takes up to a minute to load a model and keeps answering with the old one meanwhile."""
        with engine.connect() as conn:
            row = conn.execute(select(models).where(models.c.id == model_id)).first()
        if row is None or row.status != "ready" or not row.path or not Path(row.path).exists():
            return text("this model is not ready to activate", status=409)
        if row.phase == ACTIVATING:
            return redirect(f"/models#m{model_id}")
        with engine.begin() as conn:
            conn.execute(update(models).where(models.c.id == model_id).values(phase=ACTIVATING, error=None))
        request.app.add_task(_activate(request.app, model_id, str(Path(row.path).resolve())))
        return redirect(f"/models#m{model_id}")

    # ---------------------------------------------------------------- settings

    @app.get("/settings")
    @requires(Role.ADMIN)
    async def settings_page(request: Request) -> HTTPResponse:
        return _render(request, "settings.html", users=auth.list_users(engine))

    @app.post("/settings")
    @requires(Role.ADMIN)
    async def settings_save(request: Request) -> HTTPResponse:
        request.app.ctx.mask = request.form.get("mask") == "1"
        set_setting(engine, MASK_SETTING, "1" if request.app.ctx.mask else "0")
        return redirect("/settings")

    return app


async def _activate(app: Sanic, model_id: int, path: str) -> None:
    """`PUT /model` and record the outcome on the model's row."""
    values: dict[str, Any] = {"phase": "ready"}
    try:
        await app.ctx.rasa.activate(path)
        values["activated_at"] = time.time()
    except RasaError as error:
        values["error"] = f"Rasa did not load the model: {error}"
    with app.ctx.engine.begin() as conn:
        conn.execute(update(models).where(models.c.id == model_id).values(**values))


def _intents(config: ReviewConfig) -> list[str]:
    """The intents of the domain and the training data, sorted."""
    from ruamel.yaml import YAML

    domain = YAML(typ="safe").load((config.project / "domain.yml").read_text(encoding="utf-8")) or {}
    names = {next(iter(i)) if isinstance(i, dict) else str(i) for i in domain.get("intents") or []}
    names |= {e.intent for e in read_examples(config.nlu_dir)}
    return sorted(names - {"nlu_fallback"})


def _entities(config: ReviewConfig) -> list[str]:
    from ruamel.yaml import YAML

    domain = YAML(typ="safe").load((config.project / "domain.yml").read_text(encoding="utf-8")) or {}
    return sorted({next(iter(e)) if isinstance(e, dict) else str(e) for e in domain.get("entities") or []}
                  | {"product", "customer", "supplier", "quantity", "amount", "order_id", "unit", "period",
                     "payment_mode", "expense_category"})


def refresh_training_texts(app: Sanic) -> None:
    """Re-read data/nlu into the index when its files changed (the inbox hides what is trained on)."""
    signature = files_signature(app.ctx.config.nlu_dir)
    if signature != app.ctx.training_signature:
        queries.refresh_training_texts(app.ctx.engine, read_examples(app.ctx.config.nlu_dir))
        app.ctx.training_signature = signature


def refresh_index(app: Sanic) -> None:
    """Index what Rasa wrote since the last look, and notice edits of the training data."""
    if has_events_table(app.ctx.tracker):
        sync(app.ctx.engine, app.ctx.tracker)
    refresh_training_texts(app)


async def refresh(app: Sanic, wait: bool = True) -> None:
    """`refresh_index` in a worker thread, one at a time. Pages that do not `wait` give a running sync
    two seconds (the first index of a large tracker store takes minutes), then show what is indexed."""
    lock: asyncio.Lock = app.ctx.sync_lock
    try:
        await asyncio.wait_for(lock.acquire(), timeout=None if wait else PAGE_WAITS_FOR_SYNC)
    except TimeoutError:
        return
    try:
        await asyncio.to_thread(refresh_index, app)
        app.ctx.index_error = ""
    finally:
        lock.release()


async def keep_index_fresh(app: Sanic) -> None:
    """Index at start-up and then every few seconds, so pages rarely have anything left to read."""
    while True:
        try:
            await refresh(app)
        except Exception as error:  # noqa: BLE001 (a tracker store hiccup must not stop the app)
            app.ctx.index_error = str(error)
        await asyncio.sleep(SYNC_EVERY)


def _export_rows(engine: Engine, user: auth.User, filters: queries.Filters, masked: bool) -> Any:
    say = mask_text if masked else (lambda v: v or "")
    phone = mask_phone if masked else (lambda v: v or "")
    for conv in queries.iter_conversations(engine, user, filters):
        with engine.connect() as conn:
            rows = conn.execute(select(messages).where(messages.c.conversation_id == conv.id)
                                .order_by(messages.c.event_id)).all()
        yield {
            "id": conv.id, "sender_id": phone(conv.sender_id), "tenant": phone(conv.tenant), "channel": conv.channel,
            "first_at": conv.first_at, "last_at": conv.last_at, "reviewed": conv.reviewed, "tags": conv.tags,
            "messages": [{"timestamp": m.timestamp, "kind": m.kind, "text": say(m.text), "intent": m.intent,
                          "confidence": m.confidence} for m in rows],
        }


def serve(config: ReviewConfig, host: str, port: int) -> None:
    """Run the app in this process until stopped."""
    app = create_app(config)
    print(f"review app:    http://localhost:{port} (sign in with a user from `bot review-user add`)", flush=True)
    app.run(host=host, port=port, single_process=True, access_log=False, motd=False)
