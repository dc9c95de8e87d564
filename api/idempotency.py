"""`Idempotency-Key` on POSTs: the same key and request get the stored response; another request, a 422.

The stored response is the HTTP answer the first request got. The business
operation itself is also booked under the key (by erp_core), so two copies of
a request racing each other still book once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from erp_core.canonical import canonical_json, sha256_hex
from erp_core.context import Context
from erp_core.models import ApiRequest


@dataclass(frozen=True)
class Stored:
    status: int
    body: str


@dataclass(frozen=True)
class Conflict:
    """The key was first used for a different request."""


def fingerprint(method: str, path: str, body: Any) -> str:
    """What makes two requests the same: method, path and the body's JSON value (not its spelling)."""
    return sha256_hex(f"{method} {path} " + canonical_json(body))


def lookup(ctx: Context, key: str, request_hash: str) -> Stored | Conflict | None:
    with ctx.read() as session:
        row = session.scalar(select(ApiRequest).where(ApiRequest.key == key))
    if row is None:
        return None
    if row.request_hash != request_hash:
        return Conflict()
    return Stored(status=row.status, body=row.body)


def store(ctx: Context, key: str, request_hash: str, status: int, body: str) -> None:
    """Keep the response; a racing twin that stored first wins (both answers are the same)."""
    try:
        with ctx.db.session(ctx.tenant_id) as session, session.begin():
            session.add(ApiRequest(key=key, request_hash=request_hash, status=status, body=body))
    except IntegrityError:
        pass
