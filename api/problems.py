"""Errors as `application/problem+json` (RFC 9457); `code` is erp_core's error key."""

from __future__ import annotations

import json
from typing import Any

from sanic import HTTPResponse

from erp_core.errors import DomainError
from erp_core.messages import render

STATUS_BY_KEY = {
    "not_found": 404,
    "unknown_product": 404,
    "unknown_party": 404,
    "validation_error": 422,
    "idempotency_conflict": 422,
    "insufficient_stock": 409,
    "expired_stock": 409,
    "invalid_transition": 409,
    "credit_limit_exceeded": 409,
    "ambiguous_product": 409,
    "ambiguous_party": 409,
    "permission_denied": 403,
    "gateway_error": 502,
}
TITLES = {
    400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
    409: "Conflict", 413: "Payload too large", 422: "Unprocessable content", 429: "Too many requests",
    500: "Internal server error", 502: "Bad gateway",
}
CONTENT_TYPE = "application/problem+json"


def problem(status: int, code: str, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> HTTPResponse:
    """A problem+json response; `type` points at the code's entry on the docs page."""
    body = {"type": f"/api/v1/docs#problem-{code}", "title": TITLES.get(status, "Error"), "status": status,
            "detail": detail, "code": code, **extra}
    return HTTPResponse(json.dumps(body, default=str, ensure_ascii=False), status=status, headers=headers,
                        content_type=CONTENT_TYPE)


def domain_problem(error: DomainError) -> HTTPResponse:
    params = {k: v for k, v in error.params.items()}
    return problem(STATUS_BY_KEY.get(error.key, 422), error.key, render(error), params=params)


def validation_problem(errors: list[dict[str, Any]], where: str) -> HTTPResponse:
    """Schema errors from pydantic, each with its location, e.g. `body.lines.0.quantity`."""
    cleaned = [{"loc": ".".join(str(p) for p in (where, *e["loc"])), "msg": e["msg"], "type": e["type"]}
               for e in errors]
    detail = "; ".join(f"{e['loc']}: {e['msg']}" for e in cleaned[:5])
    return problem(422, "validation_error", detail, errors=cleaned)
