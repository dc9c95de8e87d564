"""`POST /razorpay/webhook/<tenant_id>`: Razorpay's payment webhooks for one shop.

The raw body goes to `erp_core.razorpay_payments.handle_webhook` untouched (the
signature covers the exact bytes). A bad signature or body is a 400, a shop
without Razorpay a 404; anything booked (or already booked) is a 200, so
Razorpay stops retrying.
"""

from __future__ import annotations

import asyncio

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse, json

from erp_core.errors import InvalidSignature, NotFound, ValidationError
from erp_core.messages import render
from erp_core.razorpay_payments import handle_webhook

blueprint = Blueprint("razorpay", url_prefix="/razorpay")


@blueprint.post("/webhook/<tenant_id:int>")
async def webhook(request: Request, tenant_id: int) -> HTTPResponse:
    try:
        outcome = await asyncio.to_thread(handle_webhook, request.app.ctx.db, tenant_id, request.body,
                                          request.headers.get("X-Razorpay-Signature"))
    except (InvalidSignature, ValidationError) as error:
        return json({"error": error.key, "message": render(error)}, status=400)
    except NotFound as error:
        return json({"error": error.key, "message": render(error)}, status=404)
    return json({"event": outcome.event, "booked": outcome.booked, "payment_id": outcome.payment_id,
                 "invoice": outcome.invoice.number if outcome.invoice else None,
                 "status": outcome.invoice.status.value if outcome.invoice else None, "reason": outcome.reason})
