"""Webhook endpoints: register a URL for events, list them, remove one, see its deliveries."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.pagination import Page, PageQuery, page
from api.routing import Call, Resource
from api.types import Body
from erp_core import webhooks
from erp_core.webhooks import DeliveryView, NewWebhook, WebhookView

api = Resource("webhooks", "Webhooks")
Event = Literal[webhooks.EVENTS]  # type: ignore[valid-type]


class WebhookIn(Body):
    url: str = Field(min_length=8, max_length=500, pattern=r"^https?://")
    events: list[Event] = Field(min_length=1, max_length=20)


class Webhooks(BaseModel):
    items: list[WebhookView]


@api.get("/webhooks", summary="Registered webhook endpoints", response=Webhooks)
def list_webhooks(call: Call) -> Webhooks:
    return Webhooks(items=webhooks.list_webhooks(call.ctx))


@api.post("/webhooks", summary="Register a URL for events", body=WebhookIn, response=NewWebhook, status=201,
          errors=(422,), replayed_by_erp_core=True)
def register(call: Call) -> NewWebhook:
    """The response carries the signing secret, shown only this once (and to a retry with the same
    `Idempotency-Key`); no other answer contains it."""
    return webhooks.register_webhook(call.ctx, call.body.url, list(call.body.events),
                                     idempotency_key=call.idempotency_key)


@api.delete("/webhooks/<webhook_id:int>", summary="Stop sending to an endpoint", response=WebhookView,
            errors=(404,))
def remove(call: Call, webhook_id: int) -> WebhookView:
    return webhooks.remove_webhook(call.ctx, webhook_id)


@api.get("/webhooks/<webhook_id:int>/deliveries", summary="An endpoint's deliveries, newest first",
         query=PageQuery, response=Page[DeliveryView], errors=(404,))
def deliveries(call: Call, webhook_id: int) -> Page[DeliveryView]:
    rows = webhooks.list_deliveries(call.ctx, webhook_id, before_id=call.query.position, limit=call.query.limit + 1)
    return page(rows, call.query.limit, lambda d: d.id)
