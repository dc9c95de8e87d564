"""The simulator's server: the chat page's API and a Graph API fake that checks what the channel sends.

State lives in memory: conversations keyed by (business phone_number_id, customer
wa_id), uploaded media, and injected faults (so tests and the benchmark can make
the Graph API answer 429, 5xx, 130429, 131047 ... as Meta does).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from connectors import templates
from connectors.simulator import checks, webhooks

logger = logging.getLogger(__name__)
PAGE = Path(__file__).with_name("page.html")
ORDER = ["accepted", "sent", "delivered", "read"]


@dataclass
class Config:
    webhook_url: str
    app_secret: str
    access_token: str
    public_url: str
    business: str = "100000000000001"
    display_phone_number: str = "919800000000"
    customer: str = "919800000001"
    customer_name: str = "Ramesh"
    send_statuses: bool = True


@dataclass
class State:
    conversations: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    typing: dict[tuple[str, str], float] = field(default_factory=dict)

    def record(self, business: str, customer: str, item: dict[str, Any]) -> dict[str, Any]:
        self.conversations.setdefault((business, customer), []).append(item)
        self.by_id[item["id"]] = item
        return item

    def take_fault(self, kind: str) -> dict[str, Any] | None:
        for fault in self.faults:
            if fault.get("times", 1) > 0 and fault.get("type") in (None, kind):
                fault["times"] = fault.get("times", 1) - 1
                return fault
        return None


def graph_error(status: int, code: int, message: str, details: str = "") -> HTTPResponse:
    """An error body as the Graph API sends it."""
    return response.json({"error": {"message": f"(#{code}) {message}", "type": "OAuthException", "code": code,
                                    "error_data": {"messaging_product": "whatsapp", "details": details},
                                    "fbtrace_id": secrets.token_urlsafe(12)}}, status=status)


def create_app(config: Config, name: str = "whatsapp_simulator") -> Sanic:
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = 100 * 1024 * 1024
    state = State()
    app.ctx.state, app.ctx.config = state, config

    @app.before_server_start
    async def open_session(app: Sanic) -> None:
        app.ctx.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))

    @app.after_server_stop
    async def close_session(app: Sanic) -> None:
        await app.ctx.http.close()

    async def post_webhook(payload: dict[str, Any]) -> int:
        body, headers = webhooks.signed(payload, config.app_secret)
        try:
            async with app.ctx.http.post(config.webhook_url, data=body, headers=headers) as answer:
                return answer.status
        except aiohttp.ClientError as error:
            logger.warning("webhook to %s failed: %s", config.webhook_url, error)
            return 0

    async def status_webhooks(business: str, item: dict[str, Any], statuses: list[str]) -> None:
        for status in statuses:
            if ORDER.index(status) <= ORDER.index(item["status"]):
                continue  # the page may have read it already
            item["status"] = status
            await post_webhook(webhooks.status_payload(business, item["id"], item["to"], status,
                                                       display_phone_number=config.display_phone_number))

    def authorised(request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {config.access_token}"

    # ---- the Graph API -------------------------------------------------------------------------------------

    @app.post("/<version:str>/<phone_number_id:str>/messages")
    async def messages(request: Request, version: str, phone_number_id: str) -> HTTPResponse:
        if not authorised(request):
            return graph_error(401, 190, "Invalid OAuth access token")
        body = request.json or {}
        state.requests.append({"path": request.path, "body": body, "at": time.time()})
        if body.get("status") == "read":
            inbound = state.by_id.get(body.get("message_id", ""))
            if inbound is None:
                return graph_error(400, 100, "Invalid parameter", "unknown message_id")
            inbound["status"] = "read"
            if body.get("typing_indicator"):
                state.typing[(phone_number_id, inbound["from"])] = time.time() + 25
            return response.json({"success": True})
        fault = state.take_fault(body.get("type", ""))
        if fault:
            if fault.get("hang"):
                await asyncio.sleep(fault["hang"])
            return graph_error(fault.get("status", 400), fault.get("code", 0), fault.get("message", "injected"),
                               fault.get("details", ""))
        problem = checks.problem(body, state.media)
        if problem:
            return graph_error(400, 131009, "Parameter value is not valid", problem)
        to = body.get("to") or body["recipient"]
        wamid = webhooks.new_wamid()
        item = state.record(phone_number_id, to, {"id": wamid, "direction": "out", "to": to, "status": "accepted",
                                                  "message": body, "timestamp": time.time()})
        state.typing.pop((phone_number_id, to), None)
        if config.send_statuses:
            app.add_task(status_webhooks(phone_number_id, item, ["sent", "delivered"]))
        contact = {"input": to, "wa_id": to} if "to" in body else {"input": to, "user_id": to}
        return response.json({"messaging_product": "whatsapp", "contacts": [contact],
                              "messages": [{"id": wamid}]})

    @app.post("/<version:str>/<phone_number_id:str>/media")
    async def upload(request: Request, version: str, phone_number_id: str) -> HTTPResponse:
        if not authorised(request):
            return graph_error(401, 190, "Invalid OAuth access token")
        upload = request.files.get("file")
        if upload is None or request.form.get("messaging_product") != "whatsapp":
            return graph_error(400, 100, "Invalid parameter", "file and messaging_product are required")
        media_id = store_media(state, upload.body, request.form.get("type") or upload.type, upload.name)
        state.requests.append({"path": request.path, "body": {"file": upload.name}, "at": time.time()})
        return response.json({"id": media_id})

    @app.get("/<version:str>/<media_id:str>")
    async def media_info(request: Request, version: str, media_id: str) -> HTTPResponse:
        if not authorised(request):
            return graph_error(401, 190, "Invalid OAuth access token")
        media = state.media.get(media_id)
        if media is None:
            return graph_error(404, 100, "Unsupported get request", f"no media {media_id}")
        return response.json({"messaging_product": "whatsapp", "url": f"{config.public_url}/download/{media_id}",
                              "mime_type": media["mime_type"], "sha256": media["sha256"],
                              "file_size": len(media["data"]), "id": media_id})

    @app.get("/download/<media_id:str>")
    async def download(request: Request, media_id: str) -> HTTPResponse:
        if not authorised(request):
            return response.text("unauthorised", status=401)
        media = state.media.get(media_id)
        if media is None:
            return response.text("not found", status=404)
        return response.raw(media["data"], content_type=media["mime_type"])

    # ---- the chat page and its API -------------------------------------------------------------------------

    @app.get("/")
    async def page(request: Request) -> HTTPResponse:
        return response.html(PAGE.read_text())

    @app.get("/sim/config")
    async def page_config(request: Request) -> HTTPResponse:
        return response.json({"business": config.business, "display_phone_number": config.display_phone_number,
                              "customer": config.customer, "customer_name": config.customer_name})

    @app.post("/sim/upload")
    async def page_upload(request: Request) -> HTTPResponse:
        upload = request.files.get("file")
        if upload is None:
            return response.json({"error": "no file"}, status=400)
        media_id = store_media(state, upload.body, upload.type or "application/octet-stream", upload.name)
        return response.json({"id": media_id, "mime_type": state.media[media_id]["mime_type"]})

    @app.post("/sim/send")
    async def page_send(request: Request) -> HTTPResponse:
        """The customer sends something: recorded in the chat and POSTed to the channel as a signed webhook."""
        data = request.json or {}
        business, customer = str(data.get("business") or config.business), str(data.get("customer") or config.customer)
        kind, content = inbound_content(data, state)
        payload = webhooks.message_payload(
            business, customer, kind, content, name=data.get("name") or config.customer_name,
            display_phone_number=data.get("display_phone_number") or config.display_phone_number,
            context_id=data.get("context_id", ""))
        message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
        item = state.record(business, customer, {"id": message["id"], "direction": "in", "from": customer,
                                                 "status": "sending", "message": message, "timestamp": time.time()})
        status = await post_webhook(payload)
        if item["status"] == "sending":
            item["status"] = "delivered" if status == 200 else f"error {status}"
        return response.json({"id": message["id"], "webhook_status": status})

    @app.get("/sim/conversation")
    async def conversation(request: Request) -> HTTPResponse:
        """The chat so far. `read=1` (the open page) marks the bot's messages read and tells the channel."""
        business = request.args.get("business", config.business)
        customer = request.args.get("customer", config.customer)
        items = state.conversations.get((business, customer), [])
        if request.args.get("read") == "1":
            unread = [i for i in items if i["direction"] == "out" and i["status"] in ("accepted", "sent", "delivered")]
            for item in unread:
                item["status"] = "read"
                if config.send_statuses:
                    app.add_task(status_webhooks(business, item, ["read"]))
        typing = state.typing.get((business, customer), 0) > time.time()
        return response.json({"messages": [with_template_words(item) for item in items], "typing": typing})

    @app.get("/sim/media/<media_id:str>")
    async def page_media(request: Request, media_id: str) -> HTTPResponse:
        media = state.media.get(media_id)
        if media is None:
            return response.text("not found", status=404)
        headers = {"Content-Disposition": f'inline; filename="{media["filename"]}"'}
        return response.raw(media["data"], content_type=media["mime_type"], headers=headers)

    @app.route("/sim/faults", methods=["POST", "DELETE"])
    async def faults(request: Request) -> HTTPResponse:
        """Make the next sends fail: [{"status": 400, "code": 131047, "times": 1, "type": "text", "hang": 0}]."""
        state.faults = [] if request.method == "DELETE" else list((request.json or {}).get("faults", []))
        return response.json({"faults": state.faults})

    @app.get("/sim/requests")
    async def requests_log(request: Request) -> HTTPResponse:
        """Every Graph API call the channel made (for tests and the benchmark)."""
        return response.json({"requests": state.requests})

    @app.post("/sim/reset")
    async def reset(request: Request) -> HTTPResponse:
        app.ctx.state.__init__()
        return response.json({"ok": True})

    return app


def with_template_words(item: dict[str, Any]) -> dict[str, Any]:
    """A template message as the person's phone shows it: its registered words with the parameters filled, and
    its quick-reply buttons (title and the payload the message gave each); other items as they are."""
    message = item.get("message") or {}
    if item.get("direction") != "out" or message.get("type") != "template":
        return item
    name, code = message["template"]["name"], message["template"].get("language", {}).get("code", "en")
    base = name.removesuffix(templates.ROMAN_SUFFIX)
    template = templates.TEMPLATES.get(base)
    if template is None:
        return item
    language = "hinglish" if name != base else code
    components = message["template"].get("components") or []
    texts = [p.get("text", "") for c in components if c.get("type") == "body" for p in c.get("parameters") or []]
    payloads = [p.get("payload", "") for c in components if c.get("type") == "button" for p in c.get("parameters") or []]
    values = dict(zip(template.params, texts))
    if len(values) < len(template.params):
        return item
    titles = [title for title, _ in templates.buttons_of(base, language)]
    return {**item, "rendered": {"text": templates.text_of(base, language, values),
                                 "buttons": [{"title": t, "payload": p} for t, p in zip(titles, payloads)]}}


def store_media(state: State, data: bytes, mime_type: str, filename: str) -> str:
    media_id = str(10**15 + secrets.randbelow(9 * 10**15))
    state.media[media_id] = {"data": data, "mime_type": mime_type, "filename": filename or media_id,
                             "sha256": hashlib.sha256(data).hexdigest()}
    return media_id


def inbound_content(data: dict[str, Any], state: State) -> tuple[str, dict[str, Any]]:
    """The webhook's message content for what the page sent, in Meta's shapes."""
    kind = data.get("type", "text")
    if kind == "text":
        return "text", {"body": data.get("text", "")}
    if kind == "button":   # a template's quick-reply button
        return "button", {"payload": data.get("payload", ""), "text": data.get("text", "")}
    if kind in ("button_reply", "list_reply"):
        reply = {"id": data["id"], "title": data.get("title", "")}
        if kind == "list_reply" and data.get("description"):
            reply["description"] = data["description"]
        return "interactive", {"type": kind, kind: reply}
    if kind in ("image", "document", "audio"):
        media = state.media[data["media_id"]]
        content = {"mime_type": media["mime_type"], "sha256": media["sha256"], "id": data["media_id"]}
        if kind == "audio":
            content["voice"] = True
        elif data.get("caption"):
            content["caption"] = data["caption"]
        if kind == "document":
            content["filename"] = media["filename"]
        return kind, content
    if kind == "location":
        return "location", {"latitude": data["latitude"], "longitude": data["longitude"],
                            "name": data.get("name", ""), "address": data.get("address", "")}
    raise ValueError(f"the simulator cannot send {kind!r}")


def main_config(args: Any) -> Config:
    return Config(webhook_url=args.webhook_url, app_secret=args.app_secret, access_token=args.access_token,
                  public_url=args.public_url or f"http://127.0.0.1:{args.port}", business=args.business,
                  display_phone_number=args.display_phone_number, customer=args.customer,
                  customer_name=args.customer_name, send_statuses=not args.no_statuses)

