"""Gapless per-tenant counters (bill and order numbers, the audit sequence)."""

from __future__ import annotations

from sqlalchemy import bindparam, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from erp_core.db import current_tenant
from erp_core.models import Counter

_counters = Counter.__table__
# Built once: statements reused as the same object skip SQLAlchemy's per-call construction.
_TAKE = (
    update(_counters)
    .where(_counters.c.tenant_id == bindparam("tid"), _counters.c.name == bindparam("counter"))
    .values(value=_counters.c.value + 1)
    .returning(_counters.c.value)
)


def next_value(session: Session, name: str) -> int:
    """Take the next number of counter `name`, holding its row lock until the transaction ends.

    One `UPDATE ... RETURNING` both locks the row and takes the number. Because
    the number is taken inside the business transaction, a rolled-back operation
    gives its number back and the sequence has no gaps.
    """
    tenant_id = current_tenant(session)
    connection = session.connection()
    params = {"tid": tenant_id, "counter": name}
    value = connection.execute(_TAKE, params).scalar()
    if value is None:
        # Two first uses may race to create the counter: one insert wins, both then take from it.
        dialect_insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
        connection.execute(
            dialect_insert(_counters)
            .values(tenant_id=tenant_id, name=name, value=0)
            .on_conflict_do_nothing(index_elements=["tenant_id", "name"])
        )
        value = connection.execute(_TAKE, params).scalar_one()
    return value
