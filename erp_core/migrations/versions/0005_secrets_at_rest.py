"""secrets at rest: Razorpay key and webhook secrets and webhook signing secrets encrypted (erp_core.secret_box)

Widens the secret columns to text (a Fernet token is longer than the secret),
encrypts every plain value with the current key, and forgets stored replays of
webhook registrations, which held the signing secret in plain text. Rows are
visited tenant by tenant, so PostgreSQL's row-level security lets them be seen.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 12:30:00.000000
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import sqlalchemy as sa
from alembic import op

from erp_core.secret_box import current_box, is_encrypted

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

SECRET_COLUMNS = {"razorpay_accounts": {"key_secret": 100, "webhook_secret": 100}, "webhook_endpoints": {"secret": 64}}
"""Table → secret column → its length before this revision."""


def upgrade() -> None:
    for table, columns in SECRET_COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, length in columns.items():
                batch_op.alter_column(column, existing_type=sa.String(length=length), type_=sa.Text(),
                                      existing_nullable=False)
    for _ in _each_tenant():
        _rewrite(lambda stored: stored if is_encrypted(stored) else current_box().encrypt(stored))
        _forget_webhook_registration_replays()


def downgrade() -> None:
    for _ in _each_tenant():
        _rewrite(lambda stored: current_box().decrypt(stored) if is_encrypted(stored) else stored)
    for table, columns in SECRET_COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, length in columns.items():
                batch_op.alter_column(column, existing_type=sa.Text(), type_=sa.String(length=length),
                                      existing_nullable=False)


def _each_tenant() -> Iterator[int]:
    """Every tenant's id; while the caller works on one, PostgreSQL shows that tenant's rows (`app.tenant_id`)."""
    bind = op.get_bind()
    scoped = bind.dialect.name == "postgresql"
    ids = [row[0] for row in bind.execute(sa.text("SELECT id FROM tenants ORDER BY id"))]
    try:
        for tenant_id in ids:
            if scoped:
                bind.execute(sa.text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)})
            yield tenant_id
    finally:
        if scoped:
            bind.execute(sa.text("SELECT set_config('app.tenant_id', '', true)"))


def _rewrite(change: Callable[[str], str]) -> None:
    """Replace each secret column's value of the visible rows by `change(value)`."""
    bind = op.get_bind()
    for table, columns in SECRET_COLUMNS.items():
        for row in bind.execute(sa.text(f"SELECT id, {', '.join(columns)} FROM {table}")).mappings().all():
            values = {column: change(row[column]) for column in columns}
            if any(values[column] != row[column] for column in columns):
                assignments = ", ".join(f"{column} = :{column}" for column in columns)
                bind.execute(sa.text(f"UPDATE {table} SET {assignments} WHERE id = :id"), {**values, "id": row["id"]})


def _forget_webhook_registration_replays() -> None:
    """Stored `POST /webhooks` responses carry a signing secret: they go (a retry registers anew)."""
    bind = op.get_bind()
    for row in bind.execute(sa.text("SELECT id, body FROM api_requests WHERE body LIKE '%\"secret\"%'")).all():
        try:
            body = json.loads(row.body)
        except ValueError:
            continue
        if isinstance(body, dict) and "secret" in body and "webhook" in body:
            bind.execute(sa.text("DELETE FROM api_requests WHERE id = :id"), {"id": row.id})
