"""One operation of the API: how a request becomes an erp_core call and a response.

A resource module declares operations on a `Resource`:

    api = Resource("products", "Products")

    @api.get("/products/<product_id:int>", summary="One product", response=ProductView)
    def get_product(call: Call, product_id: int) -> ProductView:
        return catalog.product_details(call.ctx, product_id)

and every operation gets, in order: the API key (401), its scope (403), the
key's rate limit (429 with Retry-After), strict query and body validation
(422), the `Idempotency-Key` replay for POSTs, the erp_core call in a worker
thread, and domain errors as problem+json. The declarations also feed the
OpenAPI document.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic import ValidationError as SchemaError
from sanic import Blueprint, HTTPResponse, Request

from api import idempotency
from api.bodies import BadBody, parse_json
from api.auth import presented_key
from api.problems import domain_problem, problem, validation_problem
from erp_core.context import Context
from erp_core.enums import Role
from erp_core.errors import DomainError
from erp_core.permissions import Actor

log = logging.getLogger(__name__)
EXECUTOR = ThreadPoolExecutor(max_workers=8, thread_name_prefix="erp")
"""erp_core is synchronous; its calls run here so the event loop keeps serving."""
MAX_BODY = 1_000_000
UNSTORABLE = "text may not contain NUL characters or unpaired UTF-16 surrogates"
_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,120}$")


@dataclass(frozen=True)
class Call:
    """What an operation's function gets: the tenant's context, the checked body and query, the key."""

    ctx: Context
    body: Any = None
    query: Any = None
    idempotency_key: str | None = None
    """Passed on to erp_core (prefixed), so a retried POST books nothing twice even when racing."""


@dataclass(frozen=True)
class Raw:
    """A response that is not a JSON model: a PDF, a PNG, a CSV file, or JSON written by erp_core."""

    body: bytes
    filename: str | None = None
    """Sent as `Content-Disposition: attachment` when given."""


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    scope: str
    handler: Callable[..., Any]
    tag: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: Any = None
    status: int = 200
    errors: tuple[int, ...] = ()
    description: str = ""
    media_type: str = "application/json"
    """Of the success response; operations with another type return `Raw`."""
    raw_schema: dict[str, Any] | None = None
    """The OpenAPI schema of a `Raw` body (default: a binary string)."""
    name: str = ""
    """Unique among operations: the Sanic route name and the OpenAPI operationId."""
    replayed_by_erp_core: bool = False
    """The response carries a secret: it is not stored for `Idempotency-Key` retries, erp_core replays those."""

    @property
    def openapi_path(self) -> str:
        return re.sub(r"<(\w+)(?::\w+)?>", r"{\1}", self.path)

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"<(\w+)(?::\w+)?>", self.path)


@dataclass
class Resource:
    """A group of operations served by one Sanic blueprint."""

    name: str
    tag: str
    operations: list[Operation] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.blueprint = Blueprint(f"api_{self.name}")

    def get(self, path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.operation("GET", path, scope="read", **options)

    def post(self, path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.operation("POST", path, scope="write", **options)

    def patch(self, path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.operation("PATCH", path, scope="write", **options)

    def delete(self, path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.operation("DELETE", path, scope="write", **options)

    def operation(self, method: str, path: str, *, scope: str, summary: str, name: str | None = None,
                  **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(handler: Callable[..., Any]) -> Callable[..., Any]:
            op = Operation(method=method, path=path, summary=summary, scope=scope, handler=handler, tag=self.tag,
                           description=(handler.__doc__ or "").strip(), name=name or handler.__name__, **options)
            self.operations.append(op)
            self.blueprint.add_route(_endpoint(op), path, methods=[method], name=op.name)
            return handler

        return register


def _endpoint(op: Operation) -> Callable[..., Any]:
    async def endpoint(request: Request, **path_params: Any) -> HTTPResponse:
        return await handle(request, op, path_params)

    return endpoint


MAX_ID = 2**31 - 1


async def handle(request: Request, op: Operation, path_params: dict[str, Any]) -> HTTPResponse:
    api = request.app.ctx.api
    loop = asyncio.get_running_loop()
    key = presented_key(request)
    principal = api.keys.cached(key) if key else None
    if principal is None and key:
        principal = await loop.run_in_executor(EXECUTOR, api.keys.principal, key)
    if principal is None:
        return problem(401, "unauthorized", "send a valid API key as `Authorization: Bearer <key>`",
                       headers={"WWW-Authenticate": 'Bearer realm="hisaab"'})
    if op.scope not in principal.scopes:
        return problem(403, "permission_denied", f"this API key lacks the `{op.scope}` scope")
    wait = api.limiter.retry_after(principal.key_id, principal.rate_limit)
    if wait is not None:
        return problem(429, "rate_limited", f"more than {principal.rate_limit} requests a minute; retry later",
                       headers={"Retry-After": str(wait)})
    if any(isinstance(v, int) and not 1 <= v <= MAX_ID for v in path_params.values()):
        return problem(404, "not_found", "no record has that id")
    args = _query_args(request)
    if op.query is not None and _unstorable(args):
        return problem(422, "validation_error", UNSTORABLE)
    try:
        query = op.query.model_validate(args) if op.query else None
    except SchemaError as error:
        return validation_problem(error.errors(include_url=False, include_context=False), "query")
    raw_body: Any = None
    if op.body is not None:
        if len(request.body) > MAX_BODY:
            return problem(413, "validation_error", f"bodies are at most {MAX_BODY} bytes")
        try:
            raw_body = parse_json(request.body)
        except BadBody as error:
            return problem(400, "validation_error", str(error))
        if _unstorable(raw_body):
            return problem(422, "validation_error", UNSTORABLE)
        try:
            body = op.body.model_validate(raw_body)
        except SchemaError as error:
            return validation_problem(error.errors(include_url=False, include_context=False), "body")
    else:
        body = None
    idem_key = request.headers.get("idempotency-key") if op.method == "POST" else None
    if idem_key is not None and not _IDEMPOTENCY_KEY.match(idem_key):
        return problem(422, "validation_error", "an Idempotency-Key is 1 to 120 printable ASCII characters")
    ctx = Context(api.db, principal.tenant_id, Actor(user_id=None, role=Role.OWNER))
    fingerprint = None
    if idem_key is not None and not op.replayed_by_erp_core:
        fingerprint = idempotency.fingerprint(op.method, request.path, raw_body)
        stored = await loop.run_in_executor(EXECUTOR, idempotency.lookup, ctx, idem_key, fingerprint)
        if isinstance(stored, idempotency.Conflict):
            return problem(422, "idempotency_conflict",
                           "this Idempotency-Key was used with a different request", key=idem_key)
        if stored is not None:
            return HTTPResponse(stored.body, status=stored.status, content_type="application/json",
                                headers={"Idempotent-Replayed": "true"})
    call = Call(ctx=ctx, body=body, query=query, idempotency_key=f"api:{idem_key}" if idem_key else None)
    try:
        result = await loop.run_in_executor(EXECUTOR, lambda: op.handler(call, **path_params))
    except DomainError as error:
        return domain_problem(error)
    if isinstance(result, Raw):
        headers = {"Content-Disposition": f'attachment; filename="{result.filename}"'} if result.filename else None
        return HTTPResponse(result.body, status=op.status, content_type=op.media_type, headers=headers)
    text = _json(result)
    if fingerprint is not None:
        await loop.run_in_executor(EXECUTOR, idempotency.store, ctx, idem_key, fingerprint, op.status, text)
    return HTTPResponse(text, status=op.status, content_type="application/json")


def _query_args(request: Request) -> dict[str, Any]:
    """Query parameters, each given once (a repeated one stays a list, which the schema rejects)."""
    return {name: values[0] if len(values) == 1 else values for name, values in request.args.items()}


def _unstorable(value: Any) -> bool:
    """Whether any text (or key) in a JSON value holds U+0000 or a lone surrogate: neither is valid UTF-8 text
    that PostgreSQL stores."""
    if isinstance(value, str):
        return "\x00" in value or not value.isascii() and _lone_surrogate(value)
    if isinstance(value, dict):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unstorable(v) for v in value)
    return False


def _lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _json(result: Any) -> str:
    if isinstance(result, BaseModel):
        return result.model_dump_json()
    raise TypeError(f"operations return pydantic models, not {type(result).__name__}")
