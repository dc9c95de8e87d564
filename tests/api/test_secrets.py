"""No answer of the API carries a stored secret after it was created: every GET, the removal of a webhook, the
Razorpay webhook's answer. Only the registration (and its retry with the same Idempotency-Key) shows the
signing secret, and neither the response store, the audit log nor the idempotency records keep it."""

from __future__ import annotations

import json
import re

import httpx
from sqlalchemy import text

from erp_core.razorpay_payments import connect_razorpay, signature

KEY_SECRET, HOOK_SECRET = "rzpKeySecret5b1e09d2", "rzpHookSecret3c8f47aa"


def test_no_answer_after_creation_carries_a_secret(api_shop):
    shop = api_shop()
    connect_razorpay(shop.ctx, "rzp_test_K9", KEY_SECRET, HOOK_SECRET)
    request = {"url": "https://example.com/hooks", "events": ["order.created"]}
    made = shop.http.post("/webhooks", json=request, headers={"Idempotency-Key": "register-1"})
    assert made.status_code == 201, made.text
    secret, webhook_id = made.json()["secret"], made.json()["webhook"]["id"]
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    retry = shop.http.post("/webhooks", json=request, headers={"Idempotency-Key": "register-1"})
    assert (retry.status_code, retry.json()) == (201, made.json())
    other = shop.http.post("/webhooks", json={**request, "url": "https://example.com/other"},
                           headers={"Idempotency-Key": "register-1"})
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_conflict")

    answers = []
    for path, operations in httpx.get(f"{shop.base_url}/openapi.json").json()["paths"].items():
        if "get" in operations and "{" not in path.replace("{webhook_id}", ""):
            answers.append(shop.http.get(path.removeprefix("/api/v1").replace("{webhook_id}", str(webhook_id))))
    read = {a.request.url.path for a in answers if a.status_code == 200}
    assert len(read) >= 15 and {"/api/v1/webhooks", f"/api/v1/webhooks/{webhook_id}/deliveries"} <= read
    [listed] = shop.http.get("/webhooks").json()["items"]
    assert listed["id"] == webhook_id and "secret" not in listed
    answers.append(shop.http.delete(f"/webhooks/{webhook_id}"))
    body = json.dumps({"event": "order.paid", "payload": {}}).encode()
    answers.append(httpx.post(f"{shop.base_url}/razorpay/webhook/{shop.ctx.tenant_id}", content=body,
                              headers={"X-Razorpay-Signature": signature(body, HOOK_SECRET)}))
    assert answers[-1].status_code == 200

    with shop.ctx.db.session(shop.ctx.tenant_id, readonly=True) as session, session.begin():
        kept = [row[0] for sql in ("SELECT body FROM api_requests", "SELECT payload FROM audit_log",
                                   "SELECT result FROM idempotency_keys") for row in session.execute(text(sql))]
    assert any("https://example.com/hooks" in row for row in kept)
    for secret_value in (secret, KEY_SECRET, HOOK_SECRET):
        assert not [a.request.url for a in answers if secret_value in a.text]
        assert not [row for row in kept if secret_value in row]
