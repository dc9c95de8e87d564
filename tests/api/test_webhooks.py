"""Outbound webhooks end to end: a local receiver checks each delivery's HMAC-SHA256 signature; failed
deliveries are retried with growing gaps; the queue outlives a server restart."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from api.webhook_sender import verify
from erp_core import orders
from erp_core.api_keys import create_api_key
from erp_core.context import Context
from erp_core.db import Database
from erp_core.permissions import Actor
from erp_core.sales import LineIn
from erp_core.tenants import add_tenant
from tests.api.conftest import start_server
from tests.postgres_server import free_port

EVENTS = ["order.created", "order.status_changed", "invoice.created", "invoice.paid", "payment.received",
          "stock.low"]


@dataclass
class Receiver:
    """An integrator's endpoint: answers `fail_first` requests with 503, then 200; keeps what it got."""

    url: str
    fail_first: int = 0
    received: list[dict] = field(default_factory=list)
    secret: str = ""

    def events(self, timeout: float = 20) -> Iterator[dict]:
        """Wait for deliveries: yields each accepted event once, in arrival order."""
        seen = 0
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            accepted = [r for r in self.received if r["status"] == 200]
            while seen < len(accepted):
                seen += 1
                yield accepted[seen - 1]
            time.sleep(0.05)

    def wait_for(self, count: int, timeout: float = 20) -> list[dict]:
        got = []
        for event in self.events(timeout):
            got.append(event)
            if len(got) == count:
                return got
        raise AssertionError(f"only {len(got)} of {count} deliveries arrived: {self.received}")


@contextmanager
def receiver(fail_first: int = 0) -> Iterator[Receiver]:
    port = free_port()
    state = Receiver(url=f"http://127.0.0.1:{port}/hooks", fail_first=fail_first)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = 503 if state.fail_first > 0 else 200
            state.fail_first -= 1
            state.received.append({
                "status": status, "at": time.monotonic(), "body": json.loads(body),
                "event": self.headers["X-Hisaab-Event"], "delivery": self.headers["X-Hisaab-Delivery"],
                "signed": verify(state.secret, self.headers["X-Hisaab-Signature"], body),
                "forged": verify("not-the-secret", self.headers["X-Hisaab-Signature"], body),
            })
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def _register(http: httpx.Client, hook: Receiver, events: list[str] = EVENTS) -> int:
    made = http.post("/webhooks", json={"url": hook.url, "events": events})
    assert made.status_code == 201, made.text
    hook.secret = made.json()["secret"]
    return made.json()["webhook"]["id"]


def test_events_arrive_signed(api_shop, make_product, make_customer):
    shop = api_shop(name="Sharma Traders", gstin="27AAPFU0939F1ZV")
    rice = make_product("Rice", ctx=shop.ctx, stock=6, price="50", gst_rate="5", reorder_point=3)
    buyer = make_customer("Rao Stores", ctx=shop.ctx)
    with receiver() as hook:
        _register(shop.http, hook)
        order = shop.http.post("/orders", json={"party_id": buyer.id,
                                                "lines": [{"product_id": rice.id, "quantity": 1}]}).json()
        shop.http.post(f"/orders/{order['id']}/confirm", json={})
        invoice = shop.http.post("/invoices", json={"party_id": buyer.id,
                                                    "lines": [{"product_id": rice.id, "quantity": 3}]}).json()
        shop.http.post(f"/invoices/{invoice['id']}/payments", json={"amount": invoice["total"], "mode": "upi"})
        got = hook.wait_for(6)
    by_type = {g["event"]: g for g in got}
    assert set(by_type) == {"order.created", "order.status_changed", "invoice.created", "stock.low",
                            "payment.received", "invoice.paid"}
    assert all(g["signed"] and not g["forged"] for g in got)
    assert all(g["body"]["type"] == g["event"] and g["body"]["id"] == g["delivery"] for g in got)
    assert by_type["order.status_changed"]["body"]["data"]["status"] == "CONFIRMED"
    assert by_type["invoice.created"]["body"]["data"]["invoice"]["number"] == invoice["number"]
    assert by_type["invoice.paid"]["body"]["data"]["invoice"]["status"] == "PAID"
    assert by_type["payment.received"]["body"]["data"] == {"invoice_id": invoice["id"], "party_id": buyer.id,
                                                           "amount": invoice["total"], "mode": "upi"}
    assert by_type["stock.low"]["body"]["data"]["product_id"] == rice.id  # 6 - 3 sold - 1 reserved <= 3


def test_a_failing_endpoint_is_retried_with_backoff(api_shop, make_customer):
    shop = api_shop()
    buyer = make_customer("Gupta ji", ctx=shop.ctx)
    with receiver(fail_first=2) as hook:
        webhook_id = _register(shop.http, hook, ["payment.received"])
        shop.http.post("/payments", json={"party_id": buyer.id, "amount": "150"})
        [delivered] = hook.wait_for(1)
    attempts = [r for r in hook.received if r["delivery"] == delivered["delivery"]]
    assert [a["status"] for a in attempts] == [503, 503, 200]
    first_gap, second_gap = attempts[1]["at"] - attempts[0]["at"], attempts[2]["at"] - attempts[1]["at"]
    assert first_gap >= 0.2 and second_gap >= 0.4  # HISAAB_WEBHOOK_BACKOFF=0.2, doubled per retry
    [row] = shop.http.get(f"/webhooks/{webhook_id}/deliveries").json()["items"]
    assert (row["status"], row["attempts"], row["last_status"]) == ("delivered", 3, 200)
    shop.http.delete(f"/webhooks/{webhook_id}")
    assert shop.http.get("/webhooks").json()["items"][0]["active"] is False


def test_the_queue_survives_a_server_restart(tmp_path):
    """Deliveries owed while the endpoint was down, and events booked while the API was down, go out later."""
    db = Database(f"sqlite:///{tmp_path / 'erp.db'}")
    db.migrate()
    tenant = add_tenant(db, phone_number_id="919000000001", name="Restart Stores")
    ctx = Context(db, tenant.id, Actor.system())
    key = create_api_key(ctx, "tests", ["read", "write"]).key
    url = db.url.render_as_string(hide_password=False)
    server, base = start_server(url)
    http = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30)
    try:
        with receiver(fail_first=1_000) as hook:
            _register(http, hook, ["order.created"])
            customer = http.post("/customers", json={"name": "Gupta ji"}).json()["id"]
            product = http.post("/products", json={"sku": "R", "name": "Rice", "unit": "kg",
                                                   "selling_price": "50"}).json()["id"]
            http.post("/stock/receipts", json={"product_id": product, "quantity": "9", "unit_cost": "40"})
            http.post("/orders", json={"party_id": customer, "lines": [{"product_id": product, "quantity": 1}]})
            deadline = time.monotonic() + 20
            while not hook.received and time.monotonic() < deadline:
                time.sleep(0.05)
            assert hook.received and hook.received[0]["status"] == 503
            server.stop()
            orders.create_order(ctx, customer, [LineIn(product_id=product, quantity=2)])  # booked while down
            hook.fail_first = 0
            server, _ = start_server(url)  # a new process on another port, same database
            got = hook.wait_for(2)
    finally:
        http.close()
        server.stop()
        db.dispose()
    totals = sorted(g["body"]["data"]["order"]["total"] for g in got)
    assert totals == ["100.00", "50.00"] and all(g["signed"] for g in got)
    assert len({g["delivery"] for g in got}) == 2
