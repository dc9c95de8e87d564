"""the books behind the selling day (issue 15): sale returns, price history, write-off and count reasons,
the shop's reply language and daily-summary time

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 13:13:43
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from erp_core.migrations.rls import enable_tenant_isolation

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# Row-level security on PostgreSQL, as in 0001, for the tenant tables this revision adds.
TENANT_TABLES = ["price_changes", "sale_returns", "sale_return_lines"]


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=16)


def upgrade() -> None:
    op.create_table('price_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('old_selling_price', sa.BigInteger(), nullable=False),
    sa.Column('new_selling_price', sa.BigInteger(), nullable=False),
    sa.Column('old_mrp', sa.BigInteger(), nullable=True),
    sa.Column('new_mrp', sa.BigInteger(), nullable=True),
    sa.Column('changed_by', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('price_changes', schema=None) as batch_op:
        batch_op.create_index('ix_price_changes_product', ['tenant_id', 'product_id', 'changed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_price_changes_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('sale_returns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('sale_id', sa.Integer(), nullable=True),
    sa.Column('credit_note_id', sa.Integer(), nullable=True),
    sa.Column('refund_mode', _enum('refundmode', 'cash', 'upi', 'card', 'bank', 'khata'), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('cost', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('returned_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['credit_note_id'], ['invoices.id'], ),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], ),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'number')
    )
    with op.batch_alter_table('sale_returns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sale_returns_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sale_returns_returned_at'), ['returned_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sale_returns_sale_id'), ['sale_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sale_returns_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('sale_return_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('line_total', sa.BigInteger(), nullable=False),
    sa.Column('unit_cost', sa.BigInteger(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], ),
    sa.ForeignKeyConstraint(['return_id'], ['sale_returns.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sale_return_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sale_return_lines_return_id'), ['return_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sale_return_lines_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', _enum('stockreason', 'damaged', 'expired', 'lost', 'stolen',
                                                      'own_use', 'count'), nullable=True))

    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_language', _enum('replylanguage', 'hinglish', 'hi', 'ne', 'en'),
                                      nullable=False, server_default='hinglish'))
        batch_op.add_column(sa.Column('daily_summary_time', sa.Time(), nullable=True))
    enable_tenant_isolation(TENANT_TABLES)


def downgrade() -> None:
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('daily_summary_time')
        batch_op.drop_column('reply_language')

    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.drop_column('reason')

    with op.batch_alter_table('sale_return_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sale_return_lines_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_sale_return_lines_return_id'))
    op.drop_table('sale_return_lines')

    with op.batch_alter_table('sale_returns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sale_returns_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_sale_returns_sale_id'))
        batch_op.drop_index(batch_op.f('ix_sale_returns_returned_at'))
        batch_op.drop_index(batch_op.f('ix_sale_returns_party_id'))
    op.drop_table('sale_returns')

    with op.batch_alter_table('price_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_changes_tenant_id'))
        batch_op.drop_index('ix_price_changes_product')
    op.drop_table('price_changes')
