"""Gapless per-tenant counters (bill and order numbers, the audit sequence)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from erp_core.models import Counter


def next_value(session: Session, name: str) -> int:
    """Take the next number of counter `name`, holding its row lock until the transaction ends.

    Because the number is taken inside the business transaction, a rolled-back
    operation gives its number back and the sequence has no gaps.
    """
    query = select(Counter).where(Counter.name == name).with_for_update()
    counter = session.scalar(query)
    if counter is None:
        # Two first uses may race to create the counter: one insert wins, both then lock it.
        insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(
            insert(Counter)
            .values(tenant_id=session.info["tenant_id"], name=name, value=0)
            .on_conflict_do_nothing(index_elements=["tenant_id", "name"])
        )
        counter = session.scalar(query)
    counter.value += 1
    return counter.value
