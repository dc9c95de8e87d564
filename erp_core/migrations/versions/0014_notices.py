"""notices: messages the shop sends on its own (issue 17); a customer's reminder cycle

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 00:32:19.056356
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from erp_core.migrations.rls import enable_tenant_isolation

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# Row-level security on PostgreSQL, as in 0001, for the tenant tables this revision adds.
TENANT_TABLES = ["notices"]


def upgrade() -> None:
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('reminder', 'payment_receipt', 'credit_receipt', 'order_update', 'low_stock', 'payment_received', 'daily_summary', name='noticekind', native_enum=False), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('recipient', sa.String(length=135), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('params', sa.Text(), nullable=False),
    sa.Column('not_before', sa.DateTime(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'sent', 'skipped', 'failed', name='noticestate', native_enum=False, length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'key')
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index('ix_notices_state', ['tenant_id', 'state', 'not_before'], unique=False)
        batch_op.create_index(batch_op.f('ix_notices_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_every_days', sa.Integer(), nullable=True))

    enable_tenant_isolation(TENANT_TABLES)


def downgrade() -> None:
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.drop_column('reminder_every_days')

    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_tenant_id'))
        batch_op.drop_index('ix_notices_state')

    op.drop_table('notices')
