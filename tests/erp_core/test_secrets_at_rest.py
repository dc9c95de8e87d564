"""Stored secrets are encrypted in the database row, readable through erp_core, re-encrypted by a key rotation,
and kept out of the audit log and the idempotency records (on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import text

from erp_core import ledger, webhooks
from erp_core.errors import InvalidSignature
from erp_core.razorpay_payments import connect_razorpay, handle_webhook, signature
from erp_core.secret_box import KEYS_ENV, SecretKeyError, new_key
from erp_core.secret_rotation import rotate_secrets

KEY_SECRET, HOOK_SECRET = "rzpKeySecret8f2a91c4", "rzpHookSecret77d0e3b5"
UNHANDLED = json.dumps({"event": "order.paid", "payload": {}}).encode()


def raw(ctx, sql):
    """Rows as the database holds them (in a tenant session, so row-level security lets them be seen)."""
    with ctx.db.session(ctx.tenant_id, readonly=True) as session, session.begin():
        return [tuple(row) for row in session.execute(text(sql), {"t": ctx.tenant_id})]


def stored_razorpay(ctx):
    [row] = raw(ctx, "SELECT key_secret, webhook_secret FROM razorpay_accounts WHERE tenant_id = :t")
    return row


def stored_webhook_secrets(ctx):
    return [row[0] for row in raw(ctx, "SELECT secret FROM webhook_endpoints WHERE tenant_id = :t ORDER BY id")]


def test_razorpay_secrets_are_encrypted_in_the_row_and_still_check_webhooks(shop):
    connect_razorpay(shop, "rzp_test_K1", KEY_SECRET, HOOK_SECRET)
    key_secret, webhook_secret = stored_razorpay(shop)
    assert key_secret.startswith("fernet:1:") and webhook_secret.startswith("fernet:1:")
    assert KEY_SECRET not in key_secret + webhook_secret and HOOK_SECRET not in key_secret + webhook_secret
    outcome = handle_webhook(shop.db, shop.tenant_id, UNHANDLED, signature(UNHANDLED, HOOK_SECRET))
    assert outcome.reason == "event not handled"
    with pytest.raises(InvalidSignature):
        handle_webhook(shop.db, shop.tenant_id, UNHANDLED, signature(UNHANDLED, webhook_secret))


def test_a_webhook_signing_secret_is_encrypted_in_the_row_and_signs_deliveries(shop, make_customer):
    new = webhooks.register_webhook(shop, "https://example.com/hooks", ["payment.received"])
    [stored] = stored_webhook_secrets(shop)
    assert stored.startswith("fernet:1:") and new.secret not in stored
    ledger.record_payment(shop, make_customer("Gupta ji").id, "150")
    assert webhooks.pump_events(shop.db, shop.tenant_id) == 1
    [job] = webhooks.due_deliveries(shop.db, shop.tenant_id)
    assert job.secret == new.secret
    assert "secret" not in webhooks.list_webhooks(shop)[0].model_dump()


def test_no_secret_reaches_the_audit_log_or_an_idempotency_record(shop):
    connect_razorpay(shop, "rzp_test_K1", KEY_SECRET, HOOK_SECRET, idempotency_key="chat:connect")
    first = webhooks.register_webhook(shop, "https://example.com/h", ["order.created"], idempotency_key="api:r1")
    retry = webhooks.register_webhook(shop, "https://example.com/h", ["order.created"], idempotency_key="api:r1")
    assert retry == first and len(stored_webhook_secrets(shop)) == 1  # a retry gets the same endpoint and secret
    kept = " ".join(row[0] for row in raw(shop, "SELECT payload FROM audit_log WHERE tenant_id = :t")
                    + raw(shop, "SELECT result FROM idempotency_keys WHERE tenant_id = :t"))
    assert "rzp_test_K1" in kept
    assert "https://example.com/h" in kept
    for secret in (KEY_SECRET, HOOK_SECRET, first.secret):
        assert secret not in kept


def test_rotation_re_encrypts_every_secret_with_the_first_key(shop, monkeypatch):
    suite_key, new = os.environ[KEYS_ENV], new_key()
    connect_razorpay(shop, "rzp_test_K1", KEY_SECRET, HOOK_SECRET)
    hook = webhooks.register_webhook(shop, "https://example.com/h", ["order.created"])
    before = stored_razorpay(shop) + tuple(stored_webhook_secrets(shop))
    monkeypatch.setenv(KEYS_ENV, f"{new},{suite_key}")
    assert rotate_secrets(shop).secrets == 3
    after = stored_razorpay(shop) + tuple(stored_webhook_secrets(shop))
    assert all(a.startswith("fernet:1:") and a != b for a, b in zip(after, before))
    monkeypatch.setenv(KEYS_ENV, new)  # the old key dropped: everything still reads
    assert handle_webhook(shop.db, shop.tenant_id, UNHANDLED, signature(UNHANDLED, HOOK_SECRET)).event == "order.paid"
    assert webhooks.register_webhook(shop, "https://example.com/h2", ["order.created"]).secret != hook.secret
    monkeypatch.setenv(KEYS_ENV, suite_key)  # only the old key: the rotated secrets are unreadable, nothing changes
    rotated = stored_razorpay(shop) + tuple(stored_webhook_secrets(shop))
    with pytest.raises(SecretKeyError, match="cannot be decrypted"):
        rotate_secrets(shop)
    assert stored_razorpay(shop) + tuple(stored_webhook_secrets(shop)) == rotated
    assert len(webhooks.list_webhooks(shop)) == 2  # what needs no secret does not decrypt one
    monkeypatch.setenv(KEYS_ENV, f"{suite_key},{new}")  # back to the suite's key for the servers sharing this database
    assert rotate_secrets(shop).secrets == 4
