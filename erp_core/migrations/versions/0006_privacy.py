"""privacy (DPDP Act): consents per person and purpose, and each shop's conversation retention

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 12:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from erp_core.migrations.rls import enable_tenant_isolation

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# Row-level security on PostgreSQL, as in 0001, for the tenant tables this revision adds.
TENANT_TABLES = ["consents"]


def upgrade() -> None:
    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wa_id', sa.String(length=135), nullable=False),
    sa.Column('purpose', sa.Enum('transactional', 'reminders', name='consentpurpose', native_enum=False,
                                 length=16), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index('ix_consents_person', ['tenant_id', 'wa_id', 'purpose', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consents_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conversation_retention_days', sa.Integer(), nullable=False,
                                      server_default='180'))
    enable_tenant_isolation(TENANT_TABLES)


def downgrade() -> None:
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('conversation_retention_days')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consents_tenant_id'))
        batch_op.drop_index('ix_consents_person')
    op.drop_table('consents')
