"""The stored NLU inbox (`review_inbox`): kept up to date as the indexer reads user messages, so an inbox
page is one indexed `ORDER BY worst_confidence LIMIT` instead of grouping every message by its text.

Each user message counts in two rows: its business's (what that business's reviewers and trainers
see) and the every-business row set (`ALL_TENANTS`, what admins see). A row is `pending` while its
text is neither in the training data nor decided on; both changes flip only the rows of the texts
concerned.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, case, delete, exists, not_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.review.nlu_files import guess_language
from bot.review.store import inbox, inbox_decisions, messages, training_texts

ALL_TENANTS = 0
"""The `tenant_id` of the rows that count every business's messages (and those of no business)."""
CHUNK = 500


def in_inbox(key: str) -> bool:
    """Whether messages with this text key belong in the inbox (not empty, not a `/intent` payload)."""
    return bool(key) and not key.startswith("/")


def add_messages(conn: Connection, rows: Iterable[dict[str, Any]]) -> None:
    """Count user messages (rows shaped like `review_messages`, oldest first) into the inbox."""
    merged: dict[tuple[int, str], dict[str, Any]] = {}
    for row in rows:
        key = row["text_key"]
        if row["kind"] != "user" or not in_inbox(key):
            continue
        confidence = row["confidence"] if row["confidence"] is not None else 0.0
        for tenant_id in {ALL_TENANTS, row["tenant_id"] or ALL_TENANTS}:
            entry = merged.get((tenant_id, key))
            if entry is None:
                merged[(tenant_id, key)] = entry = {"tenant_id": tenant_id, "text_key": key,
                                                    "worst_confidence": confidence, "seen": 0}
            entry["worst_confidence"] = min(entry["worst_confidence"], confidence)
            entry["seen"] += 1
            entry.update(event_id=row["event_id"], conversation_id=row["conversation_id"],
                         language=guess_language(row["text"], row["language"]))
    if not merged:
        return
    settled = _settled(conn, {key for _, key in merged})
    values = [{**entry, "pending": entry["text_key"] not in settled} for entry in merged.values()]
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = dialect_insert(inbox)
    new, old = statement.excluded, inbox.c
    later = new.event_id > old.event_id
    conn.execute(statement.on_conflict_do_update(index_elements=[old.tenant_id, old.text_key], set_={
        "worst_confidence": case((new.worst_confidence < old.worst_confidence, new.worst_confidence),
                                 else_=old.worst_confidence),
        "seen": old.seen + new.seen,
        "event_id": case((later, new.event_id), else_=old.event_id),
        "conversation_id": case((later, new.conversation_id), else_=old.conversation_id),
        "language": case((later, new.language), else_=old.language),
    }), values)


def _settled(conn: Connection, keys: set[str]) -> set[str]:
    """Those of `keys` that are in the training data or were decided on."""
    found: set[str] = set()
    ordered = sorted(keys)
    for start in range(0, len(ordered), CHUNK):
        part = ordered[start:start + CHUNK]
        found.update(conn.execute(select(training_texts.c.text_key).where(training_texts.c.text_key.in_(part)))
                     .scalars())
        found.update(conn.execute(select(inbox_decisions.c.text_key).where(inbox_decisions.c.text_key.in_(part)))
                     .scalars())
    return found


def settle(conn: Connection, keys: Iterable[str]) -> None:
    """Take texts out of the inbox (they entered the training data or were decided on)."""
    ordered = sorted(set(keys))
    for start in range(0, len(ordered), CHUNK):
        conn.execute(update(inbox).where(inbox.c.text_key.in_(ordered[start:start + CHUNK])).values(pending=False))


def reopen(conn: Connection, keys: Iterable[str]) -> None:
    """Put texts that left the training data back in the inbox, unless someone decided on them."""
    ordered = sorted(set(keys))
    for start in range(0, len(ordered), CHUNK):
        conn.execute(update(inbox).where(
            inbox.c.text_key.in_(ordered[start:start + CHUNK]),
            not_(exists().where(inbox_decisions.c.text_key == inbox.c.text_key)),
        ).values(pending=True))


def rebuild(conn: Connection, batch: int = 5000) -> None:
    """Recount the inbox from every indexed user message (for stores indexed before it existed)."""
    conn.execute(delete(inbox))
    last = 0
    while True:
        rows = [dict(row._mapping) for row in conn.execute(
            select(messages).where(and_(messages.c.kind == "user", messages.c.event_id > last))
            .order_by(messages.c.event_id).limit(batch))]
        if not rows:
            return
        add_messages(conn, rows)
        last = rows[-1]["event_id"]
