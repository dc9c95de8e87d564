"""The audit log: append-only and hash-chained per tenant.

Each entry stores the hash of the previous one, and its own hash covers its
sequence number, time, actor, action and payload, so `verify_chain` finds any
entry that was altered, removed or inserted afterwards.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core.canonical import canonical_json, sha256_hex
from erp_core.columns import utcnow
from erp_core.models import AuditEntry
from erp_core.sequences import next_value

GENESIS = "0" * 64


def _entry_hash(entry: AuditEntry) -> str:
    body = canonical_json(
        {
            "seq": entry.seq,
            "at": entry.at.isoformat(),
            "actor_id": entry.actor_id,
            "action": entry.action,
            "payload": entry.payload,
        }
    )
    return sha256_hex(entry.prev_hash + body)


def append(session: Session, actor_id: int | None, action: str, payload: dict[str, Any]) -> AuditEntry:
    """Add an entry to the tenant's chain (the session's tenant) inside the current transaction."""
    seq = next_value(session, "audit")
    prev_hash = session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == seq - 1)) or GENESIS
    entry = AuditEntry(
        seq=seq,
        at=utcnow(),
        actor_id=actor_id,
        action=action,
        payload=canonical_json(payload),
        prev_hash=prev_hash,
    )
    entry.hash = _entry_hash(entry)
    session.add(entry)
    return entry


def verify_chain(session: Session) -> list[str]:
    """Problems found in the session tenant's chain; an empty list means it is intact."""
    problems: list[str] = []
    expected_prev, expected_seq = GENESIS, 1
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
        if entry.seq != expected_seq:
            problems.append(f"audit entry {expected_seq} is missing (found {entry.seq})")
        if entry.prev_hash != expected_prev:
            problems.append(f"audit entry {entry.seq} does not follow entry {entry.seq - 1}")
        if _entry_hash(entry) != entry.hash:
            problems.append(f"audit entry {entry.seq} was altered")
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    return problems
