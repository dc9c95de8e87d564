"""Gapless per-tenant counters (bill and order numbers, the audit sequence)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core.models import Counter


def next_value(session: Session, name: str) -> int:
    """Take the next number of counter `name`, holding its row lock until the transaction ends.

    Because the number is taken inside the business transaction, a rolled-back
    operation gives its number back and the sequence has no gaps.
    """
    counter = session.scalar(select(Counter).where(Counter.name == name).with_for_update())
    if counter is None:
        counter = Counter(name=name, value=0)
        session.add(counter)
    counter.value += 1
    session.flush()
    return counter.value
