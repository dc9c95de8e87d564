"""The stored NLU inbox (`review_inbox`): kept up to date as the indexer reads user messages, so an inbox
page is one indexed `ORDER BY worst_confidence LIMIT` instead of grouping every message by its text.

Each user message counts in two rows: its business's (what that business's reviewers and trainers
see) and the every-business row (`ALL_TENANTS`, what admins see). A business's row is `pending` while
its text is neither in the training data nor decided on for that business (by its trainer, or by an
admin for every business); the every-business row while it is not trained on, no admin decided on it,
and some business's row is still pending or a conversation of no business sent it. A change to the
training data or the decisions recomputes only the rows of the texts concerned (`refresh_pending`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, case, delete, exists, func, not_, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.review.nlu_files import guess_language
from bot.review.schema import ALL_TENANTS, inbox, inbox_decisions, messages, training_texts

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
                                                    "worst_confidence": confidence, "seen": 0, "pending": False}
            entry["worst_confidence"] = min(entry["worst_confidence"], confidence)
            entry["seen"] += 1
            entry.update(event_id=row["event_id"], conversation_id=row["conversation_id"],
                         language=guess_language(row["text"], row["language"]))
    if not merged:
        return
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
    }), list(merged.values()))
    refresh_pending(conn, {key for _, key in merged})


def _not_trained() -> Any:
    return not_(exists().where(training_texts.c.text_key == inbox.c.text_key))


def _open_for_its_business() -> Any:
    """A business's row: not trained on, and no decision for that business or for every business."""
    decided = exists().where(inbox_decisions.c.text_key == inbox.c.text_key,
                             or_(inbox_decisions.c.tenant_id == ALL_TENANTS,
                                 inbox_decisions.c.tenant_id == inbox.c.tenant_id))
    return and_(_not_trained(), not_(decided))


def _open_somewhere() -> Any:
    """An every-business row: not trained on, no decision for every business, and still open for some business
    (or seen in a conversation of no business, which only this row counts)."""
    other = inbox.alias("other")
    same_text = and_(other.c.text_key == inbox.c.text_key, other.c.tenant_id != ALL_TENANTS)
    open_in_a_business = exists().where(same_text, other.c.pending == true())
    counted_by_businesses = select(func.coalesce(func.sum(other.c.seen), 0)).where(same_text).scalar_subquery()
    decided = exists().where(inbox_decisions.c.text_key == inbox.c.text_key,
                             inbox_decisions.c.tenant_id == ALL_TENANTS)
    return and_(_not_trained(), not_(decided), or_(open_in_a_business, inbox.c.seen > counted_by_businesses))


def refresh_pending(conn: Connection, keys: Iterable[str] | None = None) -> None:
    """Recompute `pending` for every row of these texts (all texts when None) after the training data or the
    decisions changed: the businesses' rows first, then the every-business rows that depend on them."""
    chunks: list[Any]
    if keys is None:
        chunks = [true()]
    else:
        ordered = sorted(set(keys))
        chunks = [inbox.c.text_key.in_(ordered[start:start + CHUNK]) for start in range(0, len(ordered), CHUNK)]
    for texts in chunks:
        conn.execute(update(inbox).where(texts, inbox.c.tenant_id != ALL_TENANTS)
                     .values(pending=_open_for_its_business()))
        conn.execute(update(inbox).where(texts, inbox.c.tenant_id == ALL_TENANTS).values(pending=_open_somewhere()))


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
