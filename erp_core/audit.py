"""The audit log: append-only and hash-chained per tenant.

Each entry stores the hash of the previous one, and its own hash covers its
sequence number, time, actor, action and payload, so `verify_chain` finds any
entry that was altered, removed or inserted afterwards.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from erp_core.canonical import canonical_json, sha256_hex
from erp_core.columns import utcnow
from erp_core.db import current_tenant
from erp_core.models import AuditEntry
from erp_core.sequences import next_value

GENESIS = "0" * 64
_log = AuditEntry.__table__
_PREVIOUS_HASH = select(_log.c.hash).where(_log.c.tenant_id == bindparam("tid"), _log.c.seq == bindparam("prev_seq"))
_ADD = insert(_log)


def _entry_hash(
    seq: int, at: datetime, actor_id: int | None, action: str, payload: str, prev_hash: str
) -> str:
    body = canonical_json({"seq": seq, "at": at.isoformat(), "actor_id": actor_id, "action": action,
                           "payload": payload})
    return sha256_hex(prev_hash + body)


def append(session: Session, actor_id: int | None, action: str, payload: dict[str, Any]) -> str:
    """Add an entry to the tenant's chain (the session's tenant) inside the current transaction.

    Returns the new entry's hash. Taking the sequence number locks the chain's
    head, so concurrent operations append one after the other.
    """
    tenant_id = current_tenant(session)
    connection = session.connection()
    seq = next_value(session, "audit")
    prev_hash = connection.execute(_PREVIOUS_HASH, {"tid": tenant_id, "prev_seq": seq - 1}).scalar() or GENESIS
    at, body = utcnow(), canonical_json(payload)
    entry_hash = _entry_hash(seq, at, actor_id, action, body, prev_hash)
    connection.execute(_ADD, {
        "tenant_id": tenant_id, "seq": seq, "at": at, "actor_id": actor_id, "action": action, "payload": body,
        "prev_hash": prev_hash, "hash": entry_hash,
    })
    return entry_hash


def verify_chain(session: Session) -> list[str]:
    """Problems found in the session tenant's chain; an empty list means it is intact."""
    problems: list[str] = []
    expected_prev, expected_seq = GENESIS, 1
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
        if entry.seq != expected_seq:
            problems.append(f"audit entry {expected_seq} is missing (found {entry.seq})")
        if entry.prev_hash != expected_prev:
            problems.append(f"audit entry {entry.seq} does not follow entry {entry.seq - 1}")
        if _entry_hash(entry.seq, entry.at, entry.actor_id, entry.action, entry.payload,
                       entry.prev_hash) != entry.hash:
            problems.append(f"audit entry {entry.seq} was altered")
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    return problems
