"""notices: taken by a worker under a lease; WhatsApp's message id and delivery status of what went

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 04:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('worker', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('message_id', sa.String(length=128), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('delivery', sa.String(length=16), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('as_template', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index('ix_notices_message_id', ['message_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('ix_notices_message_id')
        for column in ('as_template', 'delivery', 'message_id', 'lease_until', 'worker'):
            batch_op.drop_column(column)
