"""WhatsApp user ids: columns holding a WhatsApp id take a business-scoped user id (up to 135 characters)

A person who hides their number behind a username is known by a user id such as
`IN.1502576394655843` (a parent id: `US.ENT.` and up to 128 characters), longer than
the 20 characters a phone number needed: `users.wa_id`, `parties.phone`, and the
idempotency keys that hold the conversation.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

WIDENED = [("users", "wa_id", 20, 135, False), ("parties", "phone", 20, 135, True),
           ("idempotency_keys", "key", 200, 320, False)]


def upgrade() -> None:
    for table, column, old, new, nullable in WIDENED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(length=old), type_=sa.String(length=new),
                                  existing_nullable=nullable)


def downgrade() -> None:
    for table, column, old, new, nullable in reversed(WIDENED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(length=new), type_=sa.String(length=old),
                                  existing_nullable=nullable)
