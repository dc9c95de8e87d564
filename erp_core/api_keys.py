"""API keys for integrations: per tenant, read or read+write, revocable, stored only as hashes.

A key reads `hsk_<tenant id>_<43 random characters>`. The tenant id in it lets
the API open the right tenant's session (row-level security needs one) before
it looks the key's SHA-256 up; the random part is what makes it secret. Keys are
long random strings, so a fast hash is enough (as for GitHub tokens).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.db import Database
from erp_core.errors import NotFound, ValidationError
from erp_core.models import ApiKey
from erp_core.permissions import Permission

SCOPES = ("read", "write")
DEFAULT_RATE_LIMIT = 600
"""Requests per minute per key."""
_KEY = re.compile(r"^hsk_(\d{1,12})_[A-Za-z0-9_-]{43}$")


class ApiKeyInfo(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    name: str
    prefix: str
    scopes: list[str]
    rate_limit: int
    created_at: datetime
    revoked_at: datetime | None


class NewApiKey(BaseModel):
    """A key just created: `key` is shown this once and never stored."""

    model_config = ConfigDict(frozen=True)
    info: ApiKeyInfo
    key: str


class ApiPrincipal(BaseModel):
    """Who is calling: the tenant and key behind a valid API key."""

    model_config = ConfigDict(frozen=True)
    tenant_id: int
    key_id: int
    scopes: frozenset[str]
    rate_limit: int


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _info(row: ApiKey) -> ApiKeyInfo:
    return ApiKeyInfo(id=row.id, name=row.name, prefix=row.prefix, scopes=row.scopes.split(","),
                      rate_limit=row.rate_limit, created_at=row.created_at, revoked_at=row.revoked_at)


def create_api_key(
    ctx: Context, name: str, scopes: list[str] | tuple[str, ...] = ("read",), rate_limit: int = DEFAULT_RATE_LIMIT
) -> NewApiKey:
    """Make a key for an integration. `write` implies `read`."""
    ctx.actor.require(Permission.MANAGE_USERS)
    name = name.strip()
    if not name:
        raise ValidationError(field="name", reason="say what the key is for")
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise ValidationError(field="scopes", reason=f"scopes are {' and '.join(SCOPES)}")
    granted = ["read", "write"] if "write" in scopes else ["read"]
    if not 1 <= rate_limit <= 100_000:
        raise ValidationError(field="rate_limit", reason="between 1 and 100000 requests a minute")
    key = f"hsk_{ctx.tenant_id}_{secrets.token_urlsafe(32)}"
    request = {"name": name, "scopes": granted, "rate_limit": rate_limit, "prefix": key[:16]}

    def work(session: Session) -> ApiKeyInfo:
        row = ApiKey(name=name, prefix=key[:16], key_hash=_hash(key), scopes=",".join(granted),
                     rate_limit=rate_limit, created_at=utcnow())
        session.add(row)
        session.flush()
        return _info(row)

    # The audit log gets the request and the result, never the key itself.
    return NewApiKey(info=ctx.run("api_key.create", request, work, ApiKeyInfo), key=key)


def list_api_keys(ctx: Context) -> list[ApiKeyInfo]:
    ctx.actor.require(Permission.MANAGE_USERS)
    with ctx.read() as session:
        return [_info(row) for row in session.scalars(select(ApiKey).order_by(ApiKey.id))]


def revoke_api_key(ctx: Context, key_id: int) -> ApiKeyInfo:
    """Stop a key from working. Revoking twice is harmless."""
    ctx.actor.require(Permission.MANAGE_USERS)

    def work(session: Session) -> ApiKeyInfo:
        row = session.get(ApiKey, key_id)
        if row is None:
            raise NotFound(what="API key", ref=key_id)
        row.revoked_at = row.revoked_at or utcnow()
        session.flush()
        return _info(row)

    return ctx.run("api_key.revoke", {"key_id": key_id}, work, ApiKeyInfo)


def authenticate(db: Database, key: str) -> ApiPrincipal | None:
    """The principal behind `key`, or None if it is malformed, unknown or revoked."""
    match = _KEY.match(key)
    if match is None:
        return None
    tenant_id = int(match.group(1))
    with db.session(tenant_id, readonly=True) as session:
        row = session.scalar(select(ApiKey).where(ApiKey.key_hash == _hash(key), ApiKey.revoked_at.is_(None)))
        if row is None or row.tenant_id != tenant_id:
            return None
        return ApiPrincipal(tenant_id=tenant_id, key_id=row.id, scopes=frozenset(row.scopes.split(",")),
                            rate_limit=row.rate_limit)
