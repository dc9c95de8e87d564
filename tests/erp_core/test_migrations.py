"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import importlib.util
import json
from datetime import datetime
from types import SimpleNamespace

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, make_url, select, text

from erp_core import webhooks
from erp_core.db import MIGRATIONS, Database
from erp_core.models import TENANT_TABLES, Base, RazorpayAccount


def test_migrated_schema_matches_the_models(db):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_every_tenant_table_gets_row_level_security():
    """Each migration lists the tenant tables it creates; together they are all of them."""
    protected = []
    for path in sorted((MIGRATIONS / "versions").glob("0*.py")):
        spec = importlib.util.spec_from_file_location(f"migration_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        protected += getattr(module, "TENANT_TABLES", [])
    assert sorted(protected) == TENANT_TABLES


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request, tmp_path):
    """A database with no tables yet: a SQLite file, or a new database on the tests' PostgreSQL server."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'erp.db'}")
    else:
        app_url = make_url(request.getfixturevalue("postgres_url"))
        admin = create_engine(app_url.set(username="postgres", password=None, database="postgres"),
                              isolation_level="AUTOCOMMIT")
        name = f"erp_{tmp_path.name.lower().replace('-', '_')}"[:60]
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name} OWNER erp_app")
        admin.dispose()
        db = Database(app_url.set(database=name).render_as_string(hide_password=False))
    yield db
    db.dispose()


def legacy_tenant(db: Database, phone_number_id: str, name: str) -> SimpleNamespace:
    """A business written as SQL, so it fits the old schema whatever columns the models have since gained."""
    with db.engine.begin() as connection:
        tenant_id = connection.execute(text(
            "INSERT INTO tenants (phone_number_id, name, address, state, country, timezone, allow_negative_stock, "
            "credit_policy, gst_composition, prices_include_tax, created_at) VALUES (:pnid, :name, '', '', 'IN', "
            "'Asia/Kolkata', false, 'warn', false, true, :at) RETURNING id"),
            {"pnid": phone_number_id, "name": name, "at": datetime(2026, 1, 1)}).scalar_one()
    return SimpleNamespace(id=tenant_id)


def test_0005_encrypts_the_secrets_stored_before_it(empty_db):
    """Plain secrets written under 0004 are encrypted (row-level security on), still readable through erp_core;
    a stored replay of a webhook registration, which held its secret, is forgotten."""
    empty_db.migrate("0004")
    tenant = legacy_tenant(empty_db, "919000000005", "Legacy Stores")
    registered = json.dumps({"webhook": {"id": 1}, "secret": "plain-endpoint-secret"})
    with empty_db.session(tenant.id) as session, session.begin():
        for sql in (
            "INSERT INTO razorpay_accounts (tenant_id, key_id, key_secret, webhook_secret) "
            "VALUES (:t, 'rzp_test_old', 'plain-key-secret', 'plain-hook-secret')",
            "INSERT INTO webhook_endpoints (id, tenant_id, url, secret, events, active, created_at) "
            "VALUES (1, :t, 'https://example.com/h', 'plain-endpoint-secret', 'order.created', true, :at)",
            "INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event, event_id, payload, status, attempts, "
            "next_attempt_at, last_error, created_at) VALUES (:t, 1, 'order.created', 'e1', '{}', 'pending', 0, "
            ":at, '', :at)",
            "INSERT INTO api_requests (tenant_id, key, request_hash, status, body, created_at) "
            "VALUES (:t, 'k1', 'h', 201, :registered, :at), (:t, 'k2', 'h', 201, '{\"id\": 7}', :at)",
        ):
            session.execute(text(sql), {"t": tenant.id, "at": datetime(2026, 1, 1), "registered": registered})
    empty_db.migrate()
    with empty_db.session(tenant.id, readonly=True) as session, session.begin():
        stored = [*session.execute(text("SELECT key_secret, webhook_secret FROM razorpay_accounts")).one(),
                  session.scalar(text("SELECT secret FROM webhook_endpoints"))]
        replays = session.scalars(text("SELECT key FROM api_requests")).all()
        account = session.scalar(select(RazorpayAccount))
        secrets = (account.key_secret, account.webhook_secret)
    assert all(value.startswith("fernet:1:") and "plain" not in value for value in stored)
    assert secrets == ("plain-key-secret", "plain-hook-secret")
    [job] = webhooks.due_deliveries(empty_db, tenant.id)
    assert job.secret == "plain-endpoint-secret"
    assert replays == ["k2"]


def test_0009_makes_the_old_default_reply_language_auto_and_keeps_a_chosen_one(empty_db):
    empty_db.migrate("0008")
    old_default = legacy_tenant(empty_db, "919000000009", "Default Stores")
    chosen = legacy_tenant(empty_db, "919000000010", "Hindi Stores")
    with empty_db.engine.begin() as connection:
        connection.execute(text("UPDATE tenants SET reply_language = 'hi' WHERE id = :id"), {"id": chosen.id})
    empty_db.migrate()
    fresh = legacy_tenant(empty_db, "919000000011", "New Stores")
    with empty_db.engine.connect() as connection:
        languages = dict(connection.execute(text("SELECT id, reply_language FROM tenants")).all())
    assert (languages[old_default.id], languages[chosen.id], languages[fresh.id]) == ("auto", "hi", "auto")
