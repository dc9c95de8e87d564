"""Offline sync for the companion app: push a batch booked offline, pull what changed."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.routing import Call, Resource
from api.types import Body
from erp_core import sync
from erp_core.sync import ItemOutcome, PullPage, SyncItemIn

api = Resource("sync", "Offline sync")


class PushIn(Body):
    items: list[SyncItemIn] = Field(min_length=1, max_length=500)


class PushResult(BaseModel):
    items: list[ItemOutcome]


class PullQuery(Body):
    cursor: int | None = Field(default=None, ge=0, le=2**31 - 1)


@api.post("/sync/push", summary="Book sales, payments and stock movements made offline", body=PushIn,
          response=PushResult, errors=(422,))
def push(call: Call) -> PushResult:
    """Each item comes back `applied`, `duplicate` (with the original id) or `conflict` (with the reason)."""
    return PushResult(items=sync.push(call.ctx, list(call.body.items)))


@api.get("/sync/pull", summary="Everything, or what changed since a cursor", query=PullQuery, response=PullPage)
def pull(call: Call) -> PullPage:
    """Without a cursor: a full snapshot. With one: products, parties, stock and dues changed after it."""
    return sync.pull(call.ctx, call.query.cursor)
