"""batches and expiry (issue 16): stock per batch and each movement's share of it; a product's barcode

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 22:12:17
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from erp_core.migrations.rls import enable_tenant_isolation

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# Row-level security on PostgreSQL, as in 0001, for the tenant tables this revision adds.
TENANT_TABLES = ["stock_batches", "batch_movements"]


def upgrade() -> None:
    op.create_table('stock_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('batch_no', sa.String(length=30), nullable=False),
    sa.Column('expiry_date', sa.Date(), nullable=True),
    sa.Column('on_hand', sa.BigInteger(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'product_id', 'batch_no')
    )
    with op.batch_alter_table('stock_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_batches_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_batches_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('batch_movements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('movement_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['stock_batches.id'], ),
    sa.ForeignKeyConstraint(['movement_id'], ['stock_movements.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('batch_movements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batch_movements_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_batch_movements_movement_id'), ['movement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_batch_movements_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('barcode', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint('uq_products_tenant_barcode', ['tenant_id', 'barcode'])

    enable_tenant_isolation(TENANT_TABLES)



def downgrade() -> None:
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_constraint('uq_products_tenant_barcode', type_='unique')
        batch_op.drop_column('barcode')

    with op.batch_alter_table('batch_movements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batch_movements_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_batch_movements_movement_id'))
        batch_op.drop_index(batch_op.f('ix_batch_movements_batch_id'))

    op.drop_table('batch_movements')
    with op.batch_alter_table('stock_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_batches_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_stock_batches_product_id'))

    op.drop_table('stock_batches')
