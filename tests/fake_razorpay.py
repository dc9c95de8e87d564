"""A local stand-in for Razorpay's API that speaks its documented wire format.

`POST /v1/payment_links` with HTTP basic auth (key id, key secret) and a JSON
body (amount in paise, currency, reference_id unique per account ...) answers
with a payment-link entity. `paid_event` builds the `payment_link.paid` webhook
Razorpay would then send, signed as Razorpay signs it: `X-Razorpay-Signature`
is the hex HMAC-SHA256 of the raw body keyed with the webhook secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(14))


class FakeRazorpay:
    def __init__(self, key_id: str, key_secret: str, webhook_secret: str) -> None:
        self.key_id, self.key_secret, self.webhook_secret = key_id, key_secret, webhook_secret
        self.links: dict[str, dict[str, Any]] = {}
        self.requests: list[dict[str, Any]] = []
        self.url = ""

    def create_link(self, authorization: str | None, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        expected = "Basic " + base64.b64encode(f"{self.key_id}:{self.key_secret}".encode()).decode()
        if authorization != expected:
            return 401, _error("Authentication failed", None)
        self.requests.append(body)
        amount = body.get("amount")
        if not isinstance(amount, int) or amount < 100:
            return 400, _error("The amount must be atleast INR 1.00", "amount")
        if body.get("currency", "INR") != "INR":
            return 400, _error("The currency is invalid", "currency")
        reference = body.get("reference_id", "")
        if reference and any(link["reference_id"] == reference for link in self.links.values()):
            return 400, _error(f"Payment Link with reference_id {reference} already exists", "reference_id")
        link_id = _id("plink_")
        now = int(time.time())
        link = {
            "accept_partial": body.get("accept_partial", False), "amount": amount, "amount_paid": 0,
            "cancelled_at": 0, "created_at": now, "currency": "INR", "customer": body.get("customer", {}),
            "description": body.get("description", ""), "expire_by": body.get("expire_by", 0), "expired_at": 0,
            "first_min_partial_amount": 0, "id": link_id, "notes": body.get("notes") or None,
            "notify": body.get("notify", {"sms": False, "email": False}), "payments": None,
            "reference_id": reference, "reminder_enable": body.get("reminder_enable", False), "reminders": [],
            "short_url": f"https://rzp.io/i/{link_id[6:13]}", "status": "created", "updated_at": now,
            "upi_link": bool(body.get("upi_link", False)), "user_id": "",
        }
        self.links[link_id] = link
        return 200, link

    def paid_event(self, link_id: str, *, amount: int | None = None, method: str = "upi",
                   payment_id: str | None = None, event: str = "payment_link.paid") -> tuple[bytes, str]:
        """The webhook body and signature Razorpay sends when the link is paid."""
        link = self.links[link_id]
        amount = link["amount"] if amount is None else amount
        payment_id = payment_id or _id("pay_")
        order_id = _id("order_")
        now = int(time.time())
        payment = {
            "id": payment_id, "entity": "payment", "amount": amount, "currency": "INR", "status": "captured",
            "order_id": order_id, "invoice_id": None, "international": False, "method": method,
            "amount_refunded": 0, "refund_status": None, "captured": True, "description": f"#{link_id[6:]}",
            "card_id": None, "bank": None, "wallet": None, "vpa": "gaurav.kumar@exampleupi" if method == "upi" else None,
            "email": "void@razorpay.com", "contact": "+919000090000", "notes": link["notes"] or [],
            "fee": 2, "tax": 0, "error_code": None, "error_description": None, "created_at": now,
        }
        payload: dict[str, Any] = {"payment": {"entity": payment}}
        if event == "payment_link.paid":
            paid_link = {**link, "amount_paid": amount, "status": "paid", "order_id": order_id}
            payload["payment_link"] = {"entity": paid_link}
            payload["order"] = {"entity": {"id": order_id, "entity": "order", "amount": amount, "amount_paid": amount,
                                           "amount_due": 0, "currency": "INR", "receipt": link["reference_id"],
                                           "status": "paid", "notes": link["notes"] or [], "created_at": now}}
        body = json.dumps({"entity": "event", "account_id": "acc_BFQ7uQEaa7j2z7", "event": event,
                           "contains": list(payload), "payload": payload, "created_at": now}).encode()
        return body, sign(body, self.webhook_secret)


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _error(description: str, field: str | None) -> dict[str, Any]:
    return {"error": {"code": "BAD_REQUEST_ERROR", "description": description, "source": "business",
                      "step": "payment_initiation", "reason": "input_validation_failed", "metadata": {},
                      "field": field}}


@contextmanager
def fake_razorpay(key_id: str = "rzp_test_FAKEKEY00000", key_secret: str = "fake-razorpay-key-secret",
                  webhook_secret: str = "whsec_hisaab") -> Iterator[FakeRazorpay]:
    """Run the fake on a free local port for the duration of the block."""
    fake = FakeRazorpay(key_id, key_secret, webhook_secret)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            if self.path.rstrip("/") != "/v1/payment_links":
                return self._send(404, _error("The requested URL was not found on the server.", None))
            length = int(self.headers.get("Content-Length", 0))
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return self._send(400, _error("The request body is not valid JSON", None))
            self._send(*fake.create_link(self.headers.get("Authorization"), body))

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
