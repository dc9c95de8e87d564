"""The `bot` command line against a temporary SQLite database."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.cli import PRODUCTION_SECRETS, production_problems
from erp_core import invoice_payments, invoice_views, invoices, webhooks
from erp_core.context import Context
from erp_core.db import Database
from erp_core.invoices import InvoiceLineIn
from erp_core.models import Invoice, RazorpayAccount, StockSummary
from erp_core.permissions import Actor
from erp_core.razorpay_payments import connect_razorpay
from erp_core.secret_box import KEYS_ENV, key_problems
from erp_core.tenants import add_tenant

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bot(tmp_path):
    env = {**os.environ, "ERP_DATABASE_URL": f"sqlite:///{tmp_path / 'erp.db'}"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)

    run.url = env["ERP_DATABASE_URL"]
    return run


def test_seed_demo_is_idempotent_and_checks_clean(bot):
    first = bot("seed-demo")
    assert first.returncode == 0, first.stderr
    assert "Shree Ganesh Kirana Store" in first.stdout
    assert bot("seed-demo").returncode == 0
    assert bot("tenant", "list").stdout.count("Shree Ganesh Kirana Store") == 1
    check = bot("check")
    assert check.returncode == 0 and "tenant 1: ok (13 products, 5 parties" in check.stdout


def test_tenant_and_user_administration(bot):
    assert bot("tenant", "add", "--phone-number-id", "987654321", "--name", "Surkhet Wholesale",
               "--country", "NP").returncode == 0
    added = bot("user", "add", "--tenant", "987654321", "--wa-id", "+9779812345678", "--role", "manager")
    assert added.returncode == 0 and "9779812345678 as manager" in added.stdout
    duplicate = bot("user", "add", "--tenant", "987654321", "--wa-id", "9779812345678", "--role", "staff")
    assert duplicate.returncode == 2 and "already a user" in duplicate.stderr
    unknown = bot("user", "add", "--tenant", "111111", "--wa-id", "919800000000", "--role", "staff")
    assert unknown.returncode != 0 and "no business is registered" in unknown.stderr


def test_check_fails_on_a_mismatch_and_repair_fixes_it(bot):
    bot("seed-demo")
    db = Database(bot.url)
    with db.session(1) as session, session.begin():
        session.execute(update(StockSummary).where(StockSummary.product_id == 1).values(reserved=5))
    db.dispose()
    broken = bot("check")
    assert broken.returncode == 1 and "MISMATCH" in broken.stdout and "product 1" in broken.stdout
    assert "REPAIRED" in bot("check", "--repair").stdout
    assert bot("check").returncode == 0


def test_check_rebuilds_a_tampered_invoice_payment(bot):
    bot("seed-demo")
    db = Database(bot.url)
    ctx = Context(db, 1, Actor.system())
    invoice = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=1, quantity=Decimal(2))], party_id=1)
    invoice_payments.record_invoice_payment(ctx, invoice.id, "1")
    with db.session(1) as session, session.begin():
        session.execute(update(Invoice).where(Invoice.id == invoice.id).values(paid=invoice.total))
    db.dispose()
    broken = bot("check")
    assert broken.returncode == 1
    assert f"invoice {invoice.id} ({invoice.number}): paid {invoice.total}," in broken.stdout
    assert "give paid 1.00, credited 0.00, PARTIALLY_PAID" in broken.stdout
    assert "REPAIRED" in bot("check", "--repair").stdout
    assert bot("check").returncode == 0
    db = Database(bot.url)
    assert invoice_views.get_invoice(Context(db, 1, Actor.system()), invoice.id).paid == Decimal("1.00")
    db.dispose()


def test_production_refuses_to_start_without_its_secrets_and_says_which(bot, monkeypatch):
    monkeypatch.setenv("HISAAB_ENV", "production")
    monkeypatch.setenv("WHATSAPP_APP_SECRET", "a" * 40)
    monkeypatch.setenv("HISAAB_IDENTITY_SECRET", "short")
    monkeypatch.delenv("WHATSAPP_VERIFY_TOKEN", raising=False)
    monkeypatch.delenv("HISAAB_ACTIONS_TOKEN", raising=False)
    done = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "ERP_DATABASE_URL": bot.url})
    assert done.returncode == 2
    assert "HISAAB_IDENTITY_SECRET is too short" in done.stderr and "WHATSAPP_VERIFY_TOKEN is missing" in done.stderr
    assert "HISAAB_ACTIONS_TOKEN is missing" in done.stderr
    assert "WHATSAPP_APP_SECRET" not in done.stderr


def test_production_names_a_missing_or_malformed_encryption_key():
    good = {name: "s" * 40 for name in PRODUCTION_SECRETS if name != KEYS_ENV}
    [missing] = production_problems(good)
    assert missing.startswith("HISAAB_SECRET_KEYS is missing")
    [malformed] = production_problems({**good, KEYS_ENV: "x" * 44})
    assert malformed.startswith("HISAAB_SECRET_KEYS: key 1 of 1 is not a Fernet key")
    assert production_problems({**good, KEYS_ENV: os.environ[KEYS_ENV]}) == []


def test_secrets_rotate_re_encrypts_every_business_with_the_first_key(bot, monkeypatch):
    old, new = bot("secrets", "new-key").stdout.strip(), bot("secrets", "new-key").stdout.strip()
    assert key_problems(f"{old},{new}") == [] and old != new
    monkeypatch.setenv(KEYS_ENV, old)
    db = Database(bot.url)
    db.migrate()
    shops = [Context(db, add_tenant(db, phone_number_id=f"91900000000{n}", name=f"Shop {n}").id, Actor.system())
             for n in (1, 2)]
    connect_razorpay(shops[0], "rzp_test_K1", "keySecret1", "hookSecret1")
    for shop in shops:
        webhooks.register_webhook(shop, "https://example.com/h", ["order.created"])

    def rotate(keys: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bot", "secrets", "rotate"], cwd=ROOT, capture_output=True,
                              text=True, timeout=120, env={**os.environ, "ERP_DATABASE_URL": bot.url, KEYS_ENV: keys})

    done = rotate(f"{new},{old}")
    assert done.returncode == 0, done.stderr
    assert "tenant 1: 3 secrets re-encrypted" in done.stdout and "tenant 2: 1 secrets re-encrypted" in done.stdout
    assert "4 secrets in 2 businesses" in done.stdout
    monkeypatch.setenv(KEYS_ENV, new)  # the old key dropped
    with db.session(shops[0].tenant_id) as session:
        assert session.scalar(select(RazorpayAccount)).webhook_secret == "hookSecret1"
    refused = rotate(old)
    assert refused.returncode == 1 and "0 secrets in 0 businesses" in refused.stdout
    assert "tenant 1: NOT ROTATED (nothing changed): a stored secret cannot be decrypted" in refused.stderr
    db.dispose()


def test_replicas_refuse_to_start_without_the_stores_they_share_and_say_which(bot):
    two = bot("run", "--replicas", "2")
    assert two.returncode == 2
    assert "ERP_DATABASE_URL must be PostgreSQL" in two.stderr
    for name in ("HISAAB_TRACKER_STORE_URL", "HISAAB_LOCK_STORE_URL", "WHATSAPP_REDIS_URL"):
        assert f"{name} is missing" in two.stderr
    one = bot("replica", "--index", "1")
    assert one.returncode == 2 and "HISAAB_LOCK_STORE_URL is missing" in one.stderr
    assert bot("run", "--replicas", "0").returncode == 2
