"""demand_forecasts: each product's latest forecast from the nightly run (issue 19)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 11:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from erp_core.migrations.rls import enable_tenant_isolation

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

TENANT_TABLES = ["demand_forecasts"]


def upgrade() -> None:
    op.create_table('demand_forecasts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=64), nullable=False),
    sa.Column('error_sd', sa.Float(), nullable=False),
    sa.Column('festival_lift', sa.Float(), nullable=False),
    sa.Column('mean', sa.Text(), nullable=False),
    sa.Column('lower', sa.Text(), nullable=False),
    sa.Column('upper', sa.Text(), nullable=False),
    sa.Column('sold', sa.Float(), nullable=False),
    sa.Column('made_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'product_id')
    )
    with op.batch_alter_table('demand_forecasts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_forecasts_tenant_id'), ['tenant_id'], unique=False)

    enable_tenant_isolation(TENANT_TABLES)


def downgrade() -> None:
    with op.batch_alter_table('demand_forecasts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demand_forecasts_tenant_id'))
    op.drop_table('demand_forecasts')
