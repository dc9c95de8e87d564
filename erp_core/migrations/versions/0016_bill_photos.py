"""bill_photos: photos of bills and receipts, what was read off them, and the entry each became (issue 18)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 07:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from erp_core.migrations.rls import enable_tenant_isolation

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

TENANT_TABLES = ["bill_photos"]


def upgrade() -> None:
    op.create_table('bill_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=128), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('reading', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'booked', 'cancelled', name='photostate', native_enum=False, length=16), nullable=False),
    sa.Column('ref_type', sa.String(length=16), nullable=True),
    sa.Column('ref_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('booked_at', sa.DateTime(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'message_id')
    )
    with op.batch_alter_table('bill_photos', schema=None) as batch_op:
        batch_op.create_index('ix_bill_photos_ref', ['tenant_id', 'ref_type', 'ref_id'], unique=False)
        batch_op.create_index('ix_bill_photos_sha256', ['tenant_id', 'sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_bill_photos_tenant_id'), ['tenant_id'], unique=False)

    enable_tenant_isolation(TENANT_TABLES)


def downgrade() -> None:
    with op.batch_alter_table('bill_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bill_photos_tenant_id'))
        batch_op.drop_index('ix_bill_photos_sha256')
        batch_op.drop_index('ix_bill_photos_ref')
    op.drop_table('bill_photos')
