"""the buying side (issue 16): supplier bills and debit notes with their lines, and payments to suppliers

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 22:00:34
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from erp_core.migrations.rls import enable_tenant_isolation

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# Row-level security on PostgreSQL, as in 0001, for the tenant tables this revision adds.
TENANT_TABLES = ["purchase_bills", "purchase_lines", "supplier_payments"]


def upgrade() -> None:
    op.create_table('purchase_bills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('BILL', 'DEBIT_NOTE', name='purchasekind', native_enum=False, length=16), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('bill_number', sa.String(length=30), nullable=False),
    sa.Column('bill_date', sa.Date(), nullable=False),
    sa.Column('supplier_gstin', sa.String(length=15), nullable=True),
    sa.Column('supply', sa.String(length=8), nullable=False),
    sa.Column('itc_eligible', sa.Boolean(), nullable=False),
    sa.Column('original_id', sa.Integer(), nullable=True),
    sa.Column('round_off', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('taxable_value', sa.BigInteger(), nullable=False),
    sa.Column('cgst', sa.BigInteger(), nullable=False),
    sa.Column('sgst', sa.BigInteger(), nullable=False),
    sa.Column('igst', sa.BigInteger(), nullable=False),
    sa.Column('cess', sa.BigInteger(), nullable=False),
    sa.Column('vat', sa.BigInteger(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['original_id'], ['purchase_bills.id'], ),
    sa.ForeignKeyConstraint(['supplier_id'], ['parties.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'supplier_id', 'kind', 'bill_number')
    )
    with op.batch_alter_table('purchase_bills', schema=None) as batch_op:
        batch_op.create_index('ix_purchase_bills_date', ['tenant_id', 'bill_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_bills_supplier_id'), ['supplier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_bills_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('purchase_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bill_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('hsn_code', sa.String(length=8), nullable=True),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('rate', sa.BigInteger(), nullable=False),
    sa.Column('cess_rate', sa.BigInteger(), nullable=False),
    sa.Column('unit_cost', sa.BigInteger(), nullable=False),
    sa.Column('batch_no', sa.String(length=30), nullable=True),
    sa.Column('expiry_date', sa.Date(), nullable=True),
    sa.Column('original_line_id', sa.Integer(), nullable=True),
    sa.Column('taxable_value', sa.BigInteger(), nullable=False),
    sa.Column('cgst', sa.BigInteger(), nullable=False),
    sa.Column('sgst', sa.BigInteger(), nullable=False),
    sa.Column('igst', sa.BigInteger(), nullable=False),
    sa.Column('cess', sa.BigInteger(), nullable=False),
    sa.Column('vat', sa.BigInteger(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['bill_id'], ['purchase_bills.id'], ),
    sa.ForeignKeyConstraint(['original_line_id'], ['purchase_lines.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('purchase_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_lines_bill_id'), ['bill_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_lines_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('supplier_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('mode', sa.Enum('cash', 'upi', 'card', 'bank', 'cheque', 'credit', name='paymentmode', native_enum=False, length=16), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('bill_id', sa.Integer(), nullable=True),
    sa.Column('paid_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['bill_id'], ['purchase_bills.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['supplier_id'], ['parties.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('supplier_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_payments_supplier_id'), ['supplier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_payments_tenant_id'), ['tenant_id'], unique=False)

    enable_tenant_isolation(TENANT_TABLES)


def downgrade() -> None:
    with op.batch_alter_table('supplier_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_payments_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_supplier_payments_supplier_id'))

    op.drop_table('supplier_payments')
    with op.batch_alter_table('purchase_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_lines_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_purchase_lines_bill_id'))

    op.drop_table('purchase_lines')
    with op.batch_alter_table('purchase_bills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_bills_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_purchase_bills_supplier_id'))
        batch_op.drop_index('ix_purchase_bills_date')

    op.drop_table('purchase_bills')
