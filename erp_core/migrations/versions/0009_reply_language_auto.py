"""the shop's reply language: "auto" (answer each person as they write) by default, and Roman Nepali

Until now nothing read tenants.reply_language, so a stored "hinglish" is the old default, not a choice:
it becomes "auto".

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 15:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _enum(*values: str) -> sa.Enum:
    return sa.Enum(*values, name='replylanguage', native_enum=False, length=16)


def upgrade() -> None:
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.alter_column('reply_language', server_default='auto',
                              existing_type=_enum('hinglish', 'hi', 'ne', 'en'),
                              type_=_enum('auto', 'hinglish', 'hi', 'ne', 'ne_roman', 'en'),
                              existing_nullable=False)
    op.execute("UPDATE tenants SET reply_language = 'auto' WHERE reply_language = 'hinglish'")


def downgrade() -> None:
    op.execute("UPDATE tenants SET reply_language = 'hinglish' WHERE reply_language IN ('auto', 'ne_roman')")
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.alter_column('reply_language', server_default='hinglish',
                              existing_type=_enum('auto', 'hinglish', 'hi', 'ne', 'ne_roman', 'en'),
                              type_=_enum('hinglish', 'hi', 'ne', 'en'), existing_nullable=False)
