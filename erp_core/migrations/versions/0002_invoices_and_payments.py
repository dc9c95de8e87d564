"""invoices and payments

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:31:11
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from erp_core.migrations.rls import enable_tenant_isolation


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# New tenant tables get the same row-level security as those of 0001.
TENANT_TABLES = [
    "invoice_lines", "invoice_payments", "invoice_series", "invoices", "payment_links", "razorpay_accounts",
]


def upgrade() -> None:
    op.create_table('invoice_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.Enum('TAX_INVOICE', 'BILL_OF_SUPPLY', 'CREDIT_NOTE', name='invoicekind', native_enum=False, length=16), nullable=False),
    sa.Column('pattern', sa.String(length=40), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'name')
    )
    with op.batch_alter_table('invoice_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_series_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('razorpay_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_id', sa.String(length=40), nullable=False),
    sa.Column('key_secret', sa.String(length=100), nullable=False),
    sa.Column('webhook_secret', sa.String(length=100), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id')
    )
    with op.batch_alter_table('razorpay_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_razorpay_accounts_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('TAX_INVOICE', 'BILL_OF_SUPPLY', 'CREDIT_NOTE', name='invoicekind', native_enum=False, length=16), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('financial_year', sa.String(length=9), nullable=False),
    sa.Column('invoice_date', sa.Date(), nullable=False),
    sa.Column('supply', sa.String(length=8), nullable=False),
    sa.Column('seller_name', sa.String(length=200), nullable=False),
    sa.Column('seller_address', sa.Text(), nullable=False),
    sa.Column('seller_tax_id', sa.String(length=15), nullable=True),
    sa.Column('seller_state', sa.String(length=2), nullable=True),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('buyer_name', sa.String(length=200), nullable=False),
    sa.Column('buyer_address', sa.Text(), nullable=False),
    sa.Column('buyer_gstin', sa.String(length=15), nullable=True),
    sa.Column('place_of_supply', sa.String(length=2), nullable=True),
    sa.Column('sale_id', sa.Integer(), nullable=True),
    sa.Column('original_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('taxable_value', sa.BigInteger(), nullable=False),
    sa.Column('cgst', sa.BigInteger(), nullable=False),
    sa.Column('sgst', sa.BigInteger(), nullable=False),
    sa.Column('igst', sa.BigInteger(), nullable=False),
    sa.Column('cess', sa.BigInteger(), nullable=False),
    sa.Column('vat', sa.BigInteger(), nullable=False),
    sa.Column('round_off', sa.BigInteger(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('paid', sa.BigInteger(), nullable=False),
    sa.Column('credited', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('UNPAID', 'PARTIALLY_PAID', 'PAID', 'ISSUED', name='invoicestatus', native_enum=False, length=16), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['original_id'], ['invoices.id'], ),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], ),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], ),
    sa.ForeignKeyConstraint(['series_id'], ['invoice_series.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'financial_year', 'number')
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index('ix_invoices_date', ['tenant_id', 'invoice_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('invoice_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('hsn_code', sa.String(length=8), nullable=True),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('price_includes_tax', sa.Boolean(), nullable=False),
    sa.Column('discount', sa.BigInteger(), nullable=False),
    sa.Column('rate', sa.BigInteger(), nullable=False),
    sa.Column('cess_rate', sa.BigInteger(), nullable=False),
    sa.Column('taxable_value', sa.BigInteger(), nullable=False),
    sa.Column('cgst', sa.BigInteger(), nullable=False),
    sa.Column('sgst', sa.BigInteger(), nullable=False),
    sa.Column('igst', sa.BigInteger(), nullable=False),
    sa.Column('cess', sa.BigInteger(), nullable=False),
    sa.Column('vat', sa.BigInteger(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_lines_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_lines_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('invoice_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('mode', sa.Enum('cash', 'upi', 'card', 'bank', 'cheque', 'credit', name='paymentmode', native_enum=False, length=16), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('gateway_payment_id', sa.String(length=40), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], ),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'gateway_payment_id')
    )
    with op.batch_alter_table('invoice_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_payments_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_payments_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('payment_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.String(length=40), nullable=False),
    sa.Column('short_url', sa.String(length=200), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('upi_only', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'link_id')
    )
    with op.batch_alter_table('payment_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_links_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_links_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cess_rate', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('price_includes_tax', sa.Boolean(), nullable=True))

    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gst_composition', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('prices_include_tax', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('upi_vpa', sa.String(length=100), nullable=True))

    enable_tenant_isolation(TENANT_TABLES)



def downgrade() -> None:
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('upi_vpa')
        batch_op.drop_column('prices_include_tax')
        batch_op.drop_column('gst_composition')

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('price_includes_tax')
        batch_op.drop_column('cess_rate')

    with op.batch_alter_table('payment_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_links_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_payment_links_invoice_id'))

    op.drop_table('payment_links')
    with op.batch_alter_table('invoice_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_payments_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_invoice_payments_invoice_id'))

    op.drop_table('invoice_payments')
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_lines_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_invoice_lines_invoice_id'))

    op.drop_table('invoice_lines')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoices_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_invoices_party_id'))
        batch_op.drop_index('ix_invoices_date')

    op.drop_table('invoices')
    with op.batch_alter_table('razorpay_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_razorpay_accounts_tenant_id'))

    op.drop_table('razorpay_accounts')
    with op.batch_alter_table('invoice_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_series_tenant_id'))

    op.drop_table('invoice_series')
